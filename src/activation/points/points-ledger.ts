import type { Kysely, Transaction } from 'kysely';
import { dayIn } from '../../core/calendar.js';
import type { Database } from '../../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** What a ledger entry is for. Open: a short lowercase kind; these are the ones Hearth writes. */
export type PointsReason = 'checkin' | 'makeup' | 'message' | 'reply' | 'invite' | 'game' | 'draw' | 'task' | 'adjust' | (string & {});

const REASON = /^[a-z][a-z0-9_-]{0,31}$/;
const MAX_POINTS = 1_000_000;

export interface PointsCredit {
  workspaceId: number;
  /** The group the points were earned or spent in; null: not tied to a group. */
  groupId: number | null;
  memberId: number;
  /** Signed integer: a credit (> 0) or a debit (< 0). */
  points: number;
  reason: PointsReason;
  /** Unique per workspace: the same ref credits once (an event delivered twice, a job run twice). */
  ref: string;
  /** When it happened (epoch ms); its day is read in the group's time zone. */
  at: number;
  /** A human note (an operator's reason for an adjustment). */
  note?: string | null;
  /** Who wrote it, as the audit log labels them; null for Hearth's own rules. */
  createdBy?: string | null;
  /** The group's time zone, when the caller has it (saves a read). */
  timeZone?: string;
}

export type PointsResult =
  /** Written; `balance` is the member's balance in that group after it. */
  | { status: 'credited'; entryId: number; balance: number }
  /** This ref was already written: nothing changed. */
  | { status: 'duplicate'; entryId: null; balance: null }
  /** A debit larger than the member's balance in that group: nothing written. */
  | { status: 'insufficient'; entryId: null; balance: number };

/** A credit that cannot be written as given (not an integer, no ref…): nothing was stored. */
export class InvalidPointsError extends Error {
  override readonly name = 'InvalidPointsError';
}

/** Checks a credit before anything is written; throws {@link InvalidPointsError} naming what is wrong. */
export function checkCredit(credit: PointsCredit): void {
  const { points, reason, ref } = credit;
  if (!Number.isSafeInteger(points) || points === 0) throw new InvalidPointsError(`points must be a non-zero integer, got ${String(points)}`);
  if (Math.abs(points) > MAX_POINTS) throw new InvalidPointsError(`points must be at most ${MAX_POINTS} either way, got ${points}`);
  if (typeof reason !== 'string' || !REASON.test(reason)) throw new InvalidPointsError(`reason must be a short lowercase kind such as 'checkin' or 'draw', got ${JSON.stringify(reason)}`);
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > 200) throw new InvalidPointsError('ref must be a non-empty string of at most 200 characters');
  if (!Number.isSafeInteger(credit.at) || credit.at < 0) throw new InvalidPointsError(`at must be epoch milliseconds, got ${String(credit.at)}`);
  if (!Number.isSafeInteger(credit.memberId) || credit.memberId <= 0) throw new InvalidPointsError(`memberId must be a member's id, got ${String(credit.memberId)}`);
}

/**
 * Credits (points > 0) or debits (points < 0) a member's points inside the caller's
 * transaction, so the entry commits with whatever earned or spent it. Idempotent on
 * `ref`: the unique (workspace, ref) index lets a second write of the same ref do
 * nothing, on SQLite and PostgreSQL alike, and reports it as `duplicate`. A debit
 * never takes the member's balance in that group below zero: it is a conditional
 * update of the balance, so two spends of the last points in two workers grant one
 * (`insufficient` for the other, nothing written). Lifetime earnings (which levels
 * read) grow with credits and shrink only with an operator's negative adjustment,
 * never with spending.
 */
export async function addPoints(trx: Db, credit: PointsCredit): Promise<PointsResult> {
  checkCredit(credit);
  const groupId = credit.groupId ?? 0;
  const timeZone = credit.timeZone ?? (groupId ? ((await trx.selectFrom('chat_group').select('timezone').where('id', '=', groupId).executeTakeFirst())?.timezone ?? 'UTC') : 'UTC');
  const inserted = await trx
    .insertInto('points_entry')
    .values({
      workspace_id: credit.workspaceId,
      group_id: groupId,
      member_id: credit.memberId,
      points: credit.points,
      reason: credit.reason,
      ref: credit.ref,
      note: credit.note ?? null,
      day: dayIn(timeZone, credit.at),
      at: credit.at,
      created_by: credit.createdBy ?? null,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'ref']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return { status: 'duplicate', entryId: null, balance: null };
  const entryId = Number(inserted.id);
  const earnedMove = credit.points > 0 || credit.reason === 'adjust' ? credit.points : 0;
  if (credit.points > 0) {
    const row = await trx
      .insertInto('points_balance')
      .values({ workspace_id: credit.workspaceId, group_id: groupId, member_id: credit.memberId, balance: credit.points, earned: earnedMove, updated_at: credit.at })
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'group_id', 'member_id']).doUpdateSet((eb) => ({
          balance: eb('points_balance.balance', '+', credit.points),
          earned: eb('points_balance.earned', '+', earnedMove),
          updated_at: credit.at,
        })),
      )
      .returning('balance')
      .executeTakeFirstOrThrow();
    return { status: 'credited', entryId, balance: Number(row.balance) };
  }
  const moved = await trx
    .updateTable('points_balance')
    .set((eb) => ({ balance: eb('balance', '+', credit.points), earned: eb('earned', '+', earnedMove), updated_at: credit.at }))
    .where('workspace_id', '=', credit.workspaceId)
    .where('group_id', '=', groupId)
    .where('member_id', '=', credit.memberId)
    .where('balance', '>=', -credit.points)
    .returning('balance')
    .executeTakeFirst();
  if (!moved) {
    await trx.deleteFrom('points_entry').where('id', '=', entryId).execute();
    return { status: 'insufficient', entryId: null, balance: await balanceOf(trx, credit.workspaceId, credit.memberId, groupId) };
  }
  return { status: 'credited', entryId, balance: Number(moved.balance) };
}

/** A member's balance: in one group (0: the points not tied to a group), or across the workspace when no group is named. */
export async function balanceOf(db: Db, workspaceId: number, memberId: number, groupId?: number | null): Promise<number> {
  let query = db
    .selectFrom('points_balance')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('balance'), eb.lit(0)).as('total'))
    .where('workspace_id', '=', workspaceId)
    .where('member_id', '=', memberId);
  if (groupId !== undefined) query = query.where('group_id', '=', groupId ?? 0);
  const row = await query.executeTakeFirst();
  return Number(row?.total ?? 0);
}

/** A member's lifetime earnings (what levels read), in one group or across the workspace. */
export async function earnedOf(db: Db, workspaceId: number, memberId: number, groupId?: number | null): Promise<number> {
  let query = db
    .selectFrom('points_balance')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('earned'), eb.lit(0)).as('total'))
    .where('workspace_id', '=', workspaceId)
    .where('member_id', '=', memberId);
  if (groupId !== undefined) query = query.where('group_id', '=', groupId ?? 0);
  const row = await query.executeTakeFirst();
  return Number(row?.total ?? 0);
}
