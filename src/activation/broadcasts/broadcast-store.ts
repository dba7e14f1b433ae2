import { sql, type Kysely, type Transaction } from 'kysely';
import { checkAction } from '../../core/action.js';
import type { GroupSelector } from '../../groups/group-selector.js';
import { ensureJob } from '../../scheduler/job-store.js';
import { platformModule } from '../../platforms/platform-registry.js';
import { broadcastMessage, type BroadcastGroupResult, type BroadcastRecord, type BroadcastStatus } from '../../shared/broadcast-records.js';
import type { Database, OutboxStatus } from '../../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The rule name a broadcast's messages carry in the outbox. */
export const BROADCAST_RULE = 'broadcast';
/** The longest text an operator may write (a platform may take less: that group then fails, saying so). */
export const MAX_BROADCAST_TEXT = 4000;
export const MAX_BROADCAST_GROUPS = 10_000;

export class BroadcastNotFoundError extends Error {
  override readonly name = 'BroadcastNotFoundError';
  constructor(readonly id: number) {
    super(`no broadcast ${id}`);
  }
}

export class InvalidBroadcastError extends Error {
  override readonly name = 'InvalidBroadcastError';
}

export interface NewBroadcast {
  workspaceId: number;
  text: string;
  link: string | null;
  /** The selector, kept for the record; `groupIds` is what it took. */
  selector: GroupSelector;
  groupIds: readonly number[];
  /** When to send (epoch ms); null or not after `now`: at once. */
  sendAt: number | null;
  createdBy: string | null;
}

export const BROADCAST_JOB_KIND = 'broadcast';

/** The scheduler's key for a broadcast's job. */
export function broadcastJobKey(broadcastId: number): string {
  return `${BROADCAST_JOB_KIND}:${broadcastId}`;
}

/**
 * Declares the one-off job that starts a scheduled broadcast at its time: the pattern
 * is the time itself (an ISO instant, which croner runs once), so after its run the
 * scheduler finds no next slot and disables it. A slot missed while nothing ran is run
 * once on start (policy `once`): the broadcast goes out late rather than never.
 */
async function scheduleBroadcast(db: Db, broadcast: { id: number; workspaceId: number; sendAt: number }, now: number): Promise<void> {
  await ensureJob(
    db,
    {
      key: broadcastJobKey(broadcast.id),
      workspaceId: broadcast.workspaceId,
      kind: BROADCAST_JOB_KIND,
      cron: new Date(broadcast.sendAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      timezone: 'UTC',
      missed: 'once',
      config: { broadcastId: broadcast.id },
    },
    now,
  );
}

/** Stops a cancelled broadcast's job from running. */
async function unscheduleBroadcast(db: Kysely<Database>, broadcastId: number): Promise<void> {
  await db.updateTable('scheduled_job').set({ enabled: 0 }).where('job_key', '=', broadcastJobKey(broadcastId)).execute();
}

/** The outbox key of one group's message: planning it twice writes one row. */
export function broadcastOutboxKey(broadcastId: number, groupId: number): string {
  return `broadcast:${broadcastId}:${groupId}`;
}

/**
 * Stores a broadcast and its groups. Sent at once (its messages planned in the outbox
 * before this returns), or, with a later `sendAt`, left `scheduled` with a one-off job
 * on the persisted scheduler, declared in the same transaction, that starts it then.
 */
export async function createBroadcast(db: Kysely<Database>, input: NewBroadcast, now: number): Promise<{ id: number; scheduled: boolean }> {
  const text = input.text.trim();
  if (text.length === 0) throw new InvalidBroadcastError('a broadcast needs a text');
  if (text.length > MAX_BROADCAST_TEXT) throw new InvalidBroadcastError(`the text is longer than ${MAX_BROADCAST_TEXT} characters`);
  const groupIds = [...new Set(input.groupIds)];
  if (groupIds.length === 0) throw new InvalidBroadcastError('the selector takes no groups');
  if (groupIds.length > MAX_BROADCAST_GROUPS) throw new InvalidBroadcastError(`a broadcast reaches at most ${MAX_BROADCAST_GROUPS} groups`);
  const scheduled = input.sendAt !== null && input.sendAt > now;
  // The job's pattern is the instant to the second.
  const sendAt = scheduled ? Math.ceil(input.sendAt! / 1000) * 1000 : null;
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('broadcast')
      .values({
        workspace_id: input.workspaceId,
        text,
        link: input.link,
        selector: JSON.stringify(input.selector),
        status: 'scheduled',
        send_at: sendAt,
        started_at: null,
        created_by: input.createdBy,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const targets = groupIds.map((groupId) => ({ broadcast_id: row.id, group_id: groupId, outbox_key: broadcastOutboxKey(row.id, groupId), error: null }));
    for (let i = 0; i < targets.length; i += 500)
      await trx
        .insertInto('broadcast_target')
        .values(targets.slice(i, i + 500))
        .execute();
    if (sendAt !== null) await scheduleBroadcast(trx, { id: row.id, workspaceId: input.workspaceId, sendAt }, now);
    return row.id;
  });
  if (!scheduled) await startBroadcast(db, id, now);
  return { id, scheduled };
}

/**
 * Plans a scheduled broadcast's messages: one `send_message` per group, its text filled
 * with the group's name and member count, written to the outbox under the group's key.
 * The start is a compare-and-set on the status, in one transaction with the rows, so a
 * job run twice for its slot (a restart, a second scheduler) plans nothing the second
 * time. A group whose platform cannot take the text fails at once with the reason.
 * Returns the messages planned (0 when it had already started or was cancelled).
 */
export async function startBroadcast(db: Kysely<Database>, id: number, now: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const started = await trx.updateTable('broadcast').set({ status: 'sending', started_at: now }).where('id', '=', id).where('status', '=', 'scheduled').executeTakeFirst();
    if (Number(started.numUpdatedRows) !== 1) return 0;
    const broadcast = await trx.selectFrom('broadcast').select(['workspace_id', 'text', 'link']).where('id', '=', id).executeTakeFirstOrThrow();
    const targets = await trx
      .selectFrom('broadcast_target as t')
      .innerJoin('chat_group as g', 'g.id', 't.group_id')
      .select(['t.group_id', 't.outbox_key', 'g.name', 'g.platform'])
      .where('t.broadcast_id', '=', id)
      .orderBy('t.group_id')
      .execute();
    const members = await memberCounts(trx, id);
    const rows = [];
    for (const t of targets) {
      const text = broadcastMessage(broadcast.text, broadcast.link, { group: t.name, members: members.get(t.group_id) ?? 0 });
      const maxTextLength = platformModule(t.platform)?.maxTextLength;
      const checked = checkAction({ type: 'send_message', groupId: t.group_id, text, mentions: [] }, { platform: t.platform, ...(maxTextLength !== undefined ? { maxTextLength } : {}) });
      if (!checked.ok) {
        await trx
          .updateTable('broadcast_target')
          .set({ error: checked.detail ? `${checked.reason} (${checked.detail})` : checked.reason })
          .where('broadcast_id', '=', id)
          .where('group_id', '=', t.group_id)
          .execute();
        continue;
      }
      rows.push({
        workspace_id: broadcast.workspace_id,
        group_id: t.group_id,
        platform: t.platform,
        idempotency_key: t.outbox_key,
        action: JSON.stringify({ ...checked.action, rule: BROADCAST_RULE }),
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      });
    }
    for (let i = 0; i < rows.length; i += 500)
      await trx
        .insertInto('outbox')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .execute();
    return rows.length;
  });
}

/** Cancels a broadcast that has not started; returns false when it already has (or was cancelled). */
export async function cancelBroadcast(db: Kysely<Database>, workspaceId: number, id: number): Promise<boolean> {
  await broadcastRow(db, workspaceId, id);
  const result = await db.updateTable('broadcast').set({ status: 'cancelled' }).where('id', '=', id).where('status', '=', 'scheduled').executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await unscheduleBroadcast(db, id);
  return true;
}

/** Current members of each of the broadcast's groups. */
async function memberCounts(db: Db, broadcastId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('membership as m')
    .innerJoin('broadcast_target as t', 't.group_id', 'm.group_id')
    .select(['m.group_id', sql<number | string>`count(distinct m.member_id)`.as('n')])
    .where('t.broadcast_id', '=', broadcastId)
    .where('m.left_at', 'is', null)
    .groupBy('m.group_id')
    .execute();
  return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
}

async function broadcastRow(db: Db, workspaceId: number, id: number) {
  const row = await db.selectFrom('broadcast').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) throw new BroadcastNotFoundError(id);
  return row;
}

/** A group's result from its outbox row (or, with none, from the broadcast's state and the planning error). */
function resultOf(
  started: boolean,
  outbox: { status: OutboxStatus | null; lastError: string | null; parkedReason: string | null },
  error: string | null,
): Pick<BroadcastGroupResult, 'status' | 'reason'> {
  if (outbox.status === null) return error !== null ? { status: 'failed', reason: error } : { status: started ? 'failed' : 'pending', reason: started ? 'not planned' : null };
  if (outbox.status === 'done') return { status: 'sent', reason: null };
  if (outbox.status === 'parked' || outbox.status === 'discarded') return { status: 'failed', reason: outbox.lastError ?? outbox.parkedReason ?? outbox.status };
  return { status: 'pending', reason: outbox.lastError };
}

function statusOf(stored: 'scheduled' | 'sending' | 'cancelled', pending: number): BroadcastStatus {
  return stored === 'sending' && pending === 0 ? 'done' : stored;
}

const iso = (at: number | string | null): string | null => (at === null ? null : new Date(Number(at)).toISOString());

/**
 * One broadcast with every group's result, read back from the outbox. `scope`: the
 * caller's groups (null: every group); groups outside it are left out.
 */
export async function getBroadcast(db: Kysely<Database>, workspaceId: number, id: number, scope: readonly number[] | null = null): Promise<BroadcastRecord & { groups: BroadcastGroupResult[] }> {
  const row = await broadcastRow(db, workspaceId, id);
  let q = db
    .selectFrom('broadcast_target as t')
    .innerJoin('chat_group as g', 'g.id', 't.group_id')
    .leftJoin('outbox as o', 'o.idempotency_key', 't.outbox_key')
    .select(['t.group_id', 'g.name', 't.error', 'o.status', 'o.last_error', 'o.parked_reason'])
    .where('t.broadcast_id', '=', id);
  if (scope) q = q.where('t.group_id', 'in', scope.length > 0 ? [...scope] : [-1]);
  const targets = await q.orderBy('t.group_id').execute();
  const started = row.started_at !== null;
  const groups = targets.map((t) => ({
    groupId: t.group_id,
    groupName: t.name,
    ...resultOf(started, { status: t.status, lastError: t.last_error, parkedReason: t.parked_reason }, t.error),
  }));
  const count = (status: BroadcastGroupResult['status']) => groups.filter((g) => g.status === status).length;
  return { ...recordOf(row, { total: groups.length, sent: count('sent'), failed: count('failed'), pending: count('pending') }), groups };
}

/** A workspace's broadcasts, newest first, with their counts (only the caller's groups counted; one with none of them is left out). */
export async function listBroadcasts(db: Kysely<Database>, workspaceId: number, scope: readonly number[] | null = null, limit = 100): Promise<BroadcastRecord[]> {
  const rows = await db.selectFrom('broadcast').selectAll().where('workspace_id', '=', workspaceId).orderBy('id', 'desc').limit(limit).execute();
  if (rows.length === 0) return [];
  let q = db
    .selectFrom('broadcast_target as t')
    .leftJoin('outbox as o', 'o.idempotency_key', 't.outbox_key')
    .select(['t.broadcast_id', 'o.status', 't.error', sql<number | string>`count(*)`.as('n')])
    .where(
      't.broadcast_id',
      'in',
      rows.map((r) => r.id),
    );
  if (scope) q = q.where('t.group_id', 'in', scope.length > 0 ? [...scope] : [-1]);
  const counts = await q.groupBy(['t.broadcast_id', 'o.status', 't.error']).execute();
  const tally = new Map<number, { total: number; sent: number; failed: number; pending: number }>();
  const started = new Map(rows.map((r) => [r.id, r.started_at !== null]));
  for (const c of counts) {
    const t = tally.get(c.broadcast_id) ?? { total: 0, sent: 0, failed: 0, pending: 0 };
    const n = Number(c.n);
    const { status } = resultOf(started.get(c.broadcast_id) ?? false, { status: c.status, lastError: null, parkedReason: null }, c.error);
    t.total += n;
    t[status] += n;
    tally.set(c.broadcast_id, t);
  }
  return rows.filter((r) => tally.has(r.id)).map((r) => recordOf(r, tally.get(r.id)!));
}

function recordOf(
  row: {
    id: number;
    status: 'scheduled' | 'sending' | 'cancelled';
    text: string;
    link: string | null;
    send_at: number | null;
    started_at: number | null;
    created_at: number;
    created_by: string | null;
  },
  counts: { total: number; sent: number; failed: number; pending: number },
): BroadcastRecord {
  return {
    id: row.id,
    status: statusOf(row.status, counts.pending),
    text: row.text,
    link: row.link,
    sendAt: iso(row.send_at),
    startedAt: iso(row.started_at),
    createdAt: iso(row.created_at)!,
    createdBy: row.created_by,
    ...counts,
  };
}
