import type { Kysely, Selectable, Transaction } from 'kysely';
import { checkAction } from '../../core/action.js';
import { enqueueAction } from '../../outbox/enqueue-action.js';
import { MEMBER_ROLES, type MemberRole } from '../../groups/staffing-checks.js';
import type { DrawView, EnvelopeView } from '../../shared/draw-records.js';
import type { Database, DrawEnvelopeTable, DrawTable } from '../../store/schema.js';
import { addPoints } from '../points/points-ledger.js';
import {
  amountText,
  checkGrabWords,
  checkSplit,
  claimFigures,
  DEFAULT_GRAB_WORDS,
  type DrawLanguage,
  drawTexts,
  durationText,
  InvalidDrawError,
  MAX_ROUNDS,
  type Random,
  splitEnvelope,
} from './draw-split.js';

export type { DrawClaimView, DrawView, EnvelopeView } from '../../shared/draw-records.js';

type Db = Kysely<Database> | Transaction<Database>;
type DrawRow = Selectable<DrawTable>;
type EnvelopeRow = Selectable<DrawEnvelopeTable>;

/** The rule name the draw's messages carry in the outbox. */
export const DRAW_RULE = 'draw';
export const MAX_DRAW_TITLE = 100;
/** A points envelope holds at most what one ledger entry may credit. */
export const MAX_POINTS_TOTAL = 1_000_000;
export const MIN_EXPIRY_MS = 60_000;
export const MAX_EXPIRY_MS = 7 * 24 * 3600_000;
export const DEFAULT_EXPIRY_MS = 24 * 3600_000;
/** A grab word after an envelope closed is answered "all claimed" this long. */
const ANSWER_CLOSED_FOR_MS = 3600_000;
const HAN = /\p{Script=Han}/u;

export class DrawNotFoundError extends Error {
  override readonly name = 'DrawNotFoundError';
  constructor(readonly what: string) {
    super(`no ${what}`);
  }
}

export interface NewDraw {
  workspaceId: number;
  groupId: number;
  title?: string;
  /** Null: a points draw; else a cash envelope in minor units of this currency, settled outside Hearth. */
  currency: string | null;
  /** Per envelope (round). */
  total: number;
  shares: number;
  minimum?: number;
  rounds?: number;
  /** Between rounds; 0: every round opens at once. */
  roundIntervalMs?: number;
  /** When the first round opens (default: now). */
  startsAt?: number | null;
  /** How long an envelope stays open before its unclaimed rest is refunded. */
  expiresAfterMs?: number;
  /** Only these members may claim. */
  exclusiveMembers?: number[] | null;
  /** Only members holding this in-group role may claim. */
  exclusiveRole?: MemberRole | null;
  words?: string[] | null;
  language?: DrawLanguage;
  createdBy?: string | null;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));
const iso = (v: number | string | null): string | null => (v === null ? null : new Date(Number(v)).toISOString());

function envelopeState(e: EnvelopeRow): EnvelopeView['state'] {
  if (e.closed_at !== null) return e.close_reason === 'emptied' ? 'emptied' : e.close_reason === 'cancelled' ? 'cancelled' : 'expired';
  return e.opened_at === null ? 'scheduled' : 'open';
}

/** Sends a draw's message to its group through the outbox; the key makes a second plan a no-op. */
async function planMessage(
  trx: Db,
  group: { id: number; workspace_id: number; platform: string },
  key: string,
  message: { text: string; replyTo?: string; mentions?: number[] },
  now: number,
): Promise<number> {
  const checked = checkAction({ type: 'send_message', groupId: group.id, ...message });
  if (!checked.ok) throw new InvalidDrawError(`the draw's message cannot be sent: ${checked.reason}`);
  return (await enqueueAction(trx, { workspaceId: group.workspace_id, groupId: group.id, platform: group.platform, key, rule: DRAW_RULE, now }, checked.action)) ? 1 : 0;
}

const wordsOf = (draw: DrawRow): string[] => JSON.parse(draw.words) as string[];
const languageOf = (draw: DrawRow): DrawLanguage => (draw.language === 'zh' ? 'zh' : 'en');

/**
 * Creates a draw in a group: every round's envelope with its shares split now (the
 * double-mean split), so claiming later is a conditional update. Rounds due now open at
 * once (announced through the outbox); later ones open on the draw sweep. Throws
 * InvalidDrawError naming what is wrong, storing nothing; DrawNotFoundError for a group
 * or member outside the workspace.
 */
export async function createDraw(db: Kysely<Database>, input: NewDraw, now: number, random?: Random): Promise<DrawView> {
  const group = await db.selectFrom('chat_group').selectAll().where('id', '=', input.groupId).where('workspace_id', '=', input.workspaceId).executeTakeFirst();
  if (!group) throw new DrawNotFoundError(`group ${input.groupId}`);
  const minimum = input.minimum ?? 1;
  checkSplit(input.total, input.shares, minimum);
  if (input.currency !== null && !/^[A-Z]{3}$/.test(input.currency)) throw new InvalidDrawError(`a currency is three capital letters (CNY, USD), not ${JSON.stringify(input.currency)}`);
  if (input.currency === null && input.total > MAX_POINTS_TOTAL) throw new InvalidDrawError(`a points envelope holds at most ${MAX_POINTS_TOTAL} points, not ${input.total}`);
  const rounds = input.rounds ?? 1;
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) throw new InvalidDrawError(`rounds are a whole number 1..${MAX_ROUNDS}, not ${rounds}`);
  const interval = input.roundIntervalMs ?? 0;
  if (!Number.isInteger(interval) || interval < 0 || interval > MAX_EXPIRY_MS) throw new InvalidDrawError('the time between rounds is 0 (all at once) up to 7 days');
  const expiry = input.expiresAfterMs ?? DEFAULT_EXPIRY_MS;
  if (!Number.isInteger(expiry) || expiry < MIN_EXPIRY_MS || expiry > MAX_EXPIRY_MS) throw new InvalidDrawError('an envelope expires 1 minute to 7 days after it opens');
  const startsAt = input.startsAt ?? now;
  if (startsAt < now - 60_000) throw new InvalidDrawError('the start is already past');
  const title = (input.title ?? '').trim() || (HAN.test(group.name) ? '红包' : 'Lucky draw');
  if (title.length > MAX_DRAW_TITLE) throw new InvalidDrawError(`a title is at most ${MAX_DRAW_TITLE} characters`);
  const words = checkGrabWords(input.words && input.words.length > 0 ? input.words : [...DEFAULT_GRAB_WORDS]);
  const exclusiveMembers = input.exclusiveMembers && input.exclusiveMembers.length > 0 ? [...new Set(input.exclusiveMembers)] : null;
  const role = input.exclusiveRole ?? null;
  if (exclusiveMembers && role) throw new InvalidDrawError('an exclusive draw names members or a role, not both');
  if (role !== null && !(MEMBER_ROLES as readonly string[]).includes(role)) throw new InvalidDrawError(`no role ${JSON.stringify(role)}; the roles are ${MEMBER_ROLES.join(', ')}`);
  if (exclusiveMembers) {
    if (exclusiveMembers.length > 1000) throw new InvalidDrawError('an exclusive list names at most 1000 members');
    const found = await db.selectFrom('member').select('id').where('workspace_id', '=', input.workspaceId).where('id', 'in', exclusiveMembers).execute();
    const known = new Set(found.map((r) => r.id));
    const missing = exclusiveMembers.filter((id) => !known.has(id));
    if (missing.length > 0) throw new DrawNotFoundError(`member ${missing.join(', ')}`);
  }
  const language: DrawLanguage = input.language ?? (HAN.test(group.name) || HAN.test(title) ? 'zh' : 'en');
  const splits = Array.from({ length: rounds }, () => splitEnvelope(input.total, input.shares, minimum, random));
  const id = await db.transaction().execute(async (trx) => {
    const draw = await trx
      .insertInto('draw')
      .values({
        workspace_id: input.workspaceId,
        group_id: group.id,
        title,
        currency: input.currency,
        total: input.total,
        shares: input.shares,
        minimum,
        rounds,
        round_interval_ms: interval,
        expires_after_ms: expiry,
        exclusive_members: exclusiveMembers ? JSON.stringify(exclusiveMembers) : null,
        exclusive_role: role,
        words: JSON.stringify(words),
        language,
        created_by: input.createdBy ?? null,
        created_at: now,
        cancelled_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let r = 0; r < rounds; r++) {
      const envelope = await trx
        .insertInto('draw_envelope')
        .values({
          draw_id: draw.id,
          group_id: group.id,
          round: r + 1,
          total: input.total,
          shares: input.shares,
          opens_at: startsAt + r * interval,
          opened_at: null,
          expires_at: null,
          closed_at: null,
          close_reason: null,
          refunded: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const amounts = splits[r]!;
      for (let i = 0; i < amounts.length; i += 200)
        await trx
          .insertInto('draw_share')
          .values(amounts.slice(i, i + 200).map((amount, k) => ({ envelope_id: envelope.id, seq: i + k + 1, amount, member_id: null, claimed_at: null })))
          .execute();
    }
    await openDue(trx, now, { drawId: draw.id });
    return draw.id;
  });
  return getDraw(db, input.workspaceId, id, now);
}

/**
 * Opens the envelopes due by `now` (of one draw, or of a workspace): each is marked open
 * by a conditional update (so it is announced once however many sweeps see it) and its
 * announcement planned. Returns the outbox rows written.
 */
async function openDue(trx: Db, now: number, scope: { drawId?: number; workspaceId?: number }): Promise<number> {
  let query = trx
    .selectFrom('draw_envelope as e')
    .innerJoin('draw as d', 'd.id', 'e.draw_id')
    .innerJoin('chat_group as g', 'g.id', 'd.group_id')
    .selectAll('d')
    .select(['e.id as envelope_id', 'e.round', 'e.total as envelope_total', 'e.shares as envelope_shares', 'g.platform'])
    .where('e.opened_at', 'is', null)
    .where('e.closed_at', 'is', null)
    .where('e.opens_at', '<=', now)
    .where('d.cancelled_at', 'is', null);
  if (scope.drawId !== undefined) query = query.where('d.id', '=', scope.drawId);
  if (scope.workspaceId !== undefined) query = query.where('d.workspace_id', '=', scope.workspaceId);
  let written = 0;
  for (const row of await query.orderBy('e.id').limit(500).execute()) {
    const moved = await trx
      .updateTable('draw_envelope')
      .set({ opened_at: now, expires_at: now + Number(row.expires_after_ms) })
      .where('id', '=', row.envelope_id)
      .where('opened_at', 'is', null)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) continue;
    const language = languageOf(row);
    const text = drawTexts.opened(
      language,
      row.title,
      amountText(Number(row.envelope_total), row.currency, language),
      row.envelope_shares,
      wordsOf(row)[0]!,
      row.round,
      row.rounds,
      row.exclusive_members !== null || row.exclusive_role !== null,
    );
    written += await planMessage(trx, { id: row.group_id, workspace_id: row.workspace_id, platform: row.platform }, `draw-open:${row.envelope_id}`, { text }, now);
  }
  return written;
}

/**
 * Closes the expired envelopes of a workspace, recording the unclaimed rest as
 * refunded (a conditional update: once). Returns how many closed.
 */
async function expireDue(db: Db, workspaceId: number, now: number): Promise<number> {
  const due = await db
    .selectFrom('draw_envelope as e')
    .innerJoin('draw as d', 'd.id', 'e.draw_id')
    .select(['e.id'])
    .where('d.workspace_id', '=', workspaceId)
    .where('e.closed_at', 'is', null)
    .where('e.expires_at', '<=', now)
    .limit(500)
    .execute();
  for (const e of due) await closeEnvelope(db, e.id, 'expired', now);
  return due.length;
}

/** Closes one envelope (expired or cancelled), its unclaimed amount recorded as refunded. */
async function closeEnvelope(db: Db, envelopeId: number, reason: 'expired' | 'cancelled', now: number): Promise<void> {
  const left = await db
    .selectFrom('draw_share')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('amount'), eb.lit(0)).as('n'))
    .where('envelope_id', '=', envelopeId)
    .where('member_id', 'is', null)
    .executeTakeFirst();
  await db
    .updateTable('draw_envelope')
    .set({ closed_at: now, close_reason: reason, refunded: Number(left?.n ?? 0) })
    .where('id', '=', envelopeId)
    .where('closed_at', 'is', null)
    .execute();
}

/** The every-minute sweep of a workspace's draws: rounds due are opened, expired envelopes closed and refunded. Returns outbox rows written. */
export async function sweepDraws(db: Kysely<Database>, workspaceId: number, now: number): Promise<number> {
  await expireDue(db, workspaceId, now);
  return db.transaction().execute((trx) => openDue(trx, now, { workspaceId }));
}

/** Cancels a draw: rounds not yet open never open, open envelopes close, every unclaimed amount is refunded. */
export async function cancelDraw(db: Kysely<Database>, workspaceId: number, drawId: number, now: number): Promise<DrawView> {
  const draw = await db.selectFrom('draw').select(['id', 'cancelled_at']).where('id', '=', drawId).where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!draw) throw new DrawNotFoundError(`draw ${drawId}`);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('draw').set({ cancelled_at: now }).where('id', '=', drawId).where('cancelled_at', 'is', null).execute();
    const open = await trx.selectFrom('draw_envelope').select('id').where('draw_id', '=', drawId).where('closed_at', 'is', null).execute();
    for (const e of open) await closeEnvelope(trx, e.id, 'cancelled', now);
  });
  return getDraw(db, workspaceId, drawId, now);
}

/** What a grab came to. */
export type GrabOutcome =
  | { kind: 'got'; envelopeId: number; amount: number; emptied: boolean }
  | { kind: 'already'; envelopeId: number }
  | { kind: 'all claimed' }
  | { kind: 'not eligible' }
  | { kind: 'none' };

/**
 * Takes one share of an open envelope for a member, inside the caller's transaction.
 * The envelope's count moves by a conditional update (only while it is open, unexpired
 * and has shares left), whose row lock on PostgreSQL makes concurrent claims of the
 * envelope wait and re-check; on SQLite writers run one at a time. Holding that lock,
 * the member's earlier claim is looked up (a second claim is undone), then the share
 * numbered by the new count is given to the member. So the last share is granted once,
 * and a member holds one share of an envelope (the unique index backs this up; ingest
 * retries a batch that hit it, and the retry finds the claim).
 */
export async function claimShare(
  trx: Db,
  envelopeId: number,
  memberId: number,
  now: number,
): Promise<{ kind: 'got'; amount: number; emptied: boolean; seq: number } | { kind: 'already' } | { kind: 'all claimed' }> {
  const held = await trx.selectFrom('draw_share').select('id').where('envelope_id', '=', envelopeId).where('member_id', '=', memberId).executeTakeFirst();
  if (held) return { kind: 'already' };
  const taken = await trx
    .updateTable('draw_envelope')
    .set((eb) => ({ claimed_count: eb('claimed_count', '+', 1) }))
    .where('id', '=', envelopeId)
    .where('closed_at', 'is', null)
    .where('opened_at', 'is not', null)
    .where('expires_at', '>', now)
    .whereRef('claimed_count', '<', 'shares')
    .returning(['claimed_count', 'shares'])
    .executeTakeFirst();
  if (!taken) return { kind: 'all claimed' };
  const again = await trx.selectFrom('draw_share').select('id').where('envelope_id', '=', envelopeId).where('member_id', '=', memberId).executeTakeFirst();
  if (again) {
    await trx
      .updateTable('draw_envelope')
      .set((eb) => ({ claimed_count: eb('claimed_count', '-', 1) }))
      .where('id', '=', envelopeId)
      .execute();
    return { kind: 'already' };
  }
  const seq = Number(taken.claimed_count);
  const share = await trx
    .updateTable('draw_share')
    .set({ member_id: memberId, claimed_at: now })
    .where('envelope_id', '=', envelopeId)
    .where('seq', '=', seq)
    .where('member_id', 'is', null)
    .returning('amount')
    .executeTakeFirst();
  if (!share) throw new Error(`draw envelope ${envelopeId}: share ${seq} was already taken`);
  const emptied = seq >= Number(taken.shares);
  if (emptied) await trx.updateTable('draw_envelope').set({ closed_at: now, close_reason: 'emptied', refunded: 0 }).where('id', '=', envelopeId).where('closed_at', 'is', null).execute();
  return { kind: 'got', amount: Number(share.amount), emptied, seq };
}

/** Whether a member may claim a draw's envelopes: anyone, a listed member, or a holder of the role in the group. */
async function eligible(trx: Db, draw: DrawRow, memberId: number): Promise<boolean> {
  if (draw.exclusive_members !== null) return (JSON.parse(draw.exclusive_members) as number[]).includes(memberId);
  if (draw.exclusive_role === null) return true;
  const held = await trx
    .selectFrom('group_member_role')
    .select('member_id')
    .where('group_id', '=', draw.group_id)
    .where('member_id', '=', memberId)
    .where('role', '=', draw.exclusive_role)
    .executeTakeFirst();
  return held !== undefined;
}

/** Where a grab is answered: the group, the message replied to, the member mentioned. */
export interface GrabContext {
  workspaceId: number;
  group: { id: number; platform: string };
  member: { id: number; name: string };
  /** The grab word as read by grabWordOf. */
  word: string;
  /** The outbox key prefix of the replies (`evt:<event id>`). */
  key: string;
  replyTo?: string;
}

/**
 * A member's grab in a group, inside the caller's transaction: a share of the oldest open
 * envelope listening for this word that the member may claim and has not, credited to the
 * points ledger (reason 'draw', once per share) for a points draw; the reply ("你抢到了
 * 37 积分" / "You got 37 points", "all claimed", "already", "exclusive") and, when it
 * emptied the envelope, the summary go to the outbox. Returns the outcome and the outbox
 * rows written; `none` (nothing written) when no envelope of the group listens for it.
 */
export async function grab(trx: Db, ctx: GrabContext, now: number): Promise<{ outcome: GrabOutcome; written: number }> {
  const rows = await trx
    .selectFrom('draw_envelope as e')
    .innerJoin('draw as d', 'd.id', 'e.draw_id')
    .selectAll('d')
    .select(['e.id as envelope_id', 'e.closed_at as envelope_closed_at', 'e.opened_at as envelope_opened_at', 'e.expires_at as envelope_expires_at'])
    .where('e.group_id', '=', ctx.group.id)
    .where('d.workspace_id', '=', ctx.workspaceId)
    .where('e.opened_at', 'is not', null)
    .where((eb) => eb.or([eb('e.closed_at', 'is', null), eb('e.closed_at', '>', now - ANSWER_CLOSED_FOR_MS)]))
    .orderBy('e.id')
    .limit(50)
    .execute();
  const listening = rows.filter((r) => wordsOf(r).includes(ctx.word));
  if (listening.length === 0) return { outcome: { kind: 'none' }, written: 0 };
  const target = { id: ctx.group.id, workspace_id: ctx.workspaceId, platform: ctx.group.platform };
  const reply = (text: string) => planMessage(trx, target, `${ctx.key}:draw`, { text, ...(ctx.replyTo ? { replyTo: ctx.replyTo } : {}), mentions: [ctx.member.id] }, now);
  const language = languageOf(listening[listening.length - 1]!);
  let outcome: GrabOutcome = { kind: 'all claimed' };
  let sawEligible = false;
  for (const row of listening) {
    const open = row.envelope_closed_at === null && Number(row.envelope_expires_at) > now;
    if (!open) continue;
    if (!(await eligible(trx, row, ctx.member.id))) continue;
    sawEligible = true;
    const result = await claimShare(trx, row.envelope_id, ctx.member.id, now);
    if (result.kind === 'already') {
      outcome = { kind: 'already', envelopeId: row.envelope_id };
      continue;
    }
    if (result.kind === 'all claimed') continue;
    let written = 0;
    const lang = languageOf(row);
    if (row.currency === null)
      await addPoints(trx, {
        workspaceId: ctx.workspaceId,
        groupId: ctx.group.id,
        memberId: ctx.member.id,
        points: result.amount,
        reason: 'draw',
        ref: `draw:${row.envelope_id}:${result.seq}`,
        at: now,
      });
    written += await reply(drawTexts.got(lang, ctx.member.name, amountText(result.amount, row.currency, lang)));
    if (result.emptied) written += await postSummary(trx, row, row.envelope_id, target, now);
    return { outcome: { kind: 'got', envelopeId: row.envelope_id, amount: result.amount, emptied: result.emptied }, written };
  }
  if (!sawEligible && listening.some((r) => r.envelope_closed_at === null && Number(r.envelope_expires_at) > now)) outcome = { kind: 'not eligible' };
  const text =
    outcome.kind === 'already'
      ? drawTexts.already(language, ctx.member.name)
      : outcome.kind === 'not eligible'
        ? drawTexts.notForYou(language, ctx.member.name)
        : drawTexts.allClaimed(language, ctx.member.name);
  return { outcome, written: await reply(text) };
}

/** The post when an envelope is emptied: how many, how fast, who was luckiest. */
async function postSummary(trx: Db, draw: DrawRow, envelopeId: number, target: { id: number; workspace_id: number; platform: string }, now: number): Promise<number> {
  const envelope = await trx.selectFrom('draw_envelope').selectAll().where('id', '=', envelopeId).executeTakeFirstOrThrow();
  const figures = claimFigures(num(envelope.opened_at), envelope.shares, await claimPoints(trx, [envelopeId]).then((m) => m.get(envelopeId) ?? []));
  if (!figures.luckiest) return 0;
  const language = languageOf(draw);
  const text = drawTexts.emptied(
    language,
    draw.title,
    figures.claimants,
    durationText(figures.emptiedInMs ?? 0, language),
    figures.luckiest.name,
    amountText(figures.luckiest.amount, draw.currency, language),
  );
  return planMessage(trx, target, `draw-emptied:${envelopeId}`, { text }, now);
}

/** The claims of some envelopes, by envelope. */
async function claimPoints(db: Db, envelopeIds: number[]) {
  const out = new Map<number, { memberId: number; name: string; amount: number; claimedAt: number }[]>();
  if (envelopeIds.length === 0) return out;
  const rows = await db
    .selectFrom('draw_share as s')
    .innerJoin('member as m', 'm.id', 's.member_id')
    .select(['s.envelope_id', 's.member_id', 'm.display_name', 's.amount', 's.claimed_at'])
    .where('s.envelope_id', 'in', envelopeIds)
    .where('s.member_id', 'is not', null)
    .orderBy('s.claimed_at')
    .orderBy('s.seq')
    .execute();
  for (const r of rows) {
    const list = out.get(r.envelope_id) ?? [];
    list.push({ memberId: r.member_id!, name: r.display_name, amount: Number(r.amount), claimedAt: Number(r.claimed_at) });
    out.set(r.envelope_id, list);
  }
  return out;
}

function viewOf(draw: DrawRow, groupName: string, envelopes: EnvelopeRow[], claims: Map<number, { memberId: number; name: string; amount: number; claimedAt: number }[]>): DrawView {
  const views: EnvelopeView[] = envelopes.map((e) => {
    const opened = num(e.opened_at);
    const list = claims.get(e.id) ?? [];
    return {
      id: e.id,
      round: e.round,
      total: Number(e.total),
      shares: e.shares,
      opensAt: iso(e.opens_at)!,
      openedAt: iso(e.opened_at),
      expiresAt: iso(e.expires_at),
      state: envelopeState(e),
      refunded: num(e.refunded),
      figures: claimFigures(opened, e.shares, list),
      claims: list.map((c) => ({
        memberId: c.memberId,
        name: c.name,
        amount: c.amount,
        claimedAt: new Date(c.claimedAt).toISOString(),
        afterMs: opened === null ? 0 : Math.max(0, c.claimedAt - opened),
      })),
    };
  });
  const state: DrawView['state'] =
    draw.cancelled_at !== null ? 'cancelled' : views.every((e) => e.state === 'scheduled') ? 'scheduled' : views.some((e) => e.state === 'open' || e.state === 'scheduled') ? 'open' : 'done';
  return {
    id: draw.id,
    groupId: draw.group_id,
    groupName,
    title: draw.title,
    denomination: draw.currency === null ? 'points' : 'cash',
    currency: draw.currency,
    total: Number(draw.total),
    shares: draw.shares,
    minimum: Number(draw.minimum),
    rounds: draw.rounds,
    roundIntervalMs: Number(draw.round_interval_ms),
    expiresAfterMs: Number(draw.expires_after_ms),
    exclusive:
      draw.exclusive_members !== null || draw.exclusive_role !== null
        ? { members: draw.exclusive_members === null ? null : (JSON.parse(draw.exclusive_members) as number[]), role: draw.exclusive_role }
        : null,
    words: wordsOf(draw),
    language: languageOf(draw),
    state,
    createdAt: iso(draw.created_at)!,
    createdBy: draw.created_by,
    claimants: new Set(views.flatMap((e) => e.claims.map((c) => c.memberId))).size,
    claimed: views.reduce((sum, e) => sum + e.figures.claimed, 0),
    refunded: views.reduce((sum, e) => sum + (e.refunded ?? 0), 0),
    envelopes: views,
  };
}

/** One draw of the workspace with every envelope, its claims and figures. */
export async function getDraw(db: Db, workspaceId: number, drawId: number, _now: number): Promise<DrawView> {
  const draw = await db
    .selectFrom('draw as d')
    .innerJoin('chat_group as g', 'g.id', 'd.group_id')
    .selectAll('d')
    .select('g.name as group_name')
    .where('d.id', '=', drawId)
    .where('d.workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!draw) throw new DrawNotFoundError(`draw ${drawId}`);
  const envelopes = await db.selectFrom('draw_envelope').selectAll().where('draw_id', '=', drawId).orderBy('round').execute();
  return viewOf(
    draw,
    draw.group_name,
    envelopes,
    await claimPoints(
      db,
      envelopes.map((e) => e.id),
    ),
  );
}

/** The workspace's draws, newest first (at most 200), each with its envelopes' figures and claims; `groupIds` limits them to those groups (null: all). */
export async function listDraws(db: Db, workspaceId: number, options: { groupIds?: number[] | null; groupId?: number } = {}): Promise<DrawView[]> {
  if (options.groupIds && options.groupIds.length === 0) return [];
  let query = db.selectFrom('draw as d').innerJoin('chat_group as g', 'g.id', 'd.group_id').selectAll('d').select('g.name as group_name').where('d.workspace_id', '=', workspaceId);
  if (options.groupIds) query = query.where('d.group_id', 'in', options.groupIds);
  if (options.groupId !== undefined) query = query.where('d.group_id', '=', options.groupId);
  const draws = await query.orderBy('d.id', 'desc').limit(200).execute();
  if (draws.length === 0) return [];
  const envelopes = await db
    .selectFrom('draw_envelope')
    .selectAll()
    .where(
      'draw_id',
      'in',
      draws.map((d) => d.id),
    )
    .orderBy('round')
    .execute();
  const claims = await claimPoints(
    db,
    envelopes.map((e) => e.id),
  );
  return draws.map((d) =>
    viewOf(
      d,
      d.group_name,
      envelopes.filter((e) => e.draw_id === d.id),
      claims,
    ),
  );
}

/** The grab words of every draw with an envelope not yet closed (the rule's cheap pre-check reads these). */
export async function liveGrabWords(db: Db): Promise<Set<string>> {
  const rows = await db
    .selectFrom('draw as d')
    .select('d.words')
    .distinct()
    .where('d.cancelled_at', 'is', null)
    .where((eb) => eb.exists(eb.selectFrom('draw_envelope as e').select('e.id').whereRef('e.draw_id', '=', 'd.id').where('e.closed_at', 'is', null)))
    .execute();
  return new Set(rows.flatMap((r) => JSON.parse(r.words) as string[]));
}
