import type { Kysely, Selectable, Transaction } from 'kysely';
import { checkAction } from '../../core/action.js';
import { enqueueAction } from '../../outbox/enqueue-action.js';
import { isStorable, NOT_STORABLE } from '../../core/stored-text.js';
import type { CloseReason, VoteView } from '../../shared/vote-records.js';
import type { Database, VoteTable } from '../../store/schema.js';
import { DEFAULT_DURATION_MS, MAX_DURATION_MS, MAX_OPTION, MAX_OPTIONS, MAX_QUESTION, MAX_REASON, MIN_OPTIONS, optionKey, tidy } from './vote-message.js';
import { type VoteLanguage, type VotePost, renderResults, renderTally, results, tallyDue } from './vote-tally.js';

type Db = Kysely<Database> | Transaction<Database>;
export type VoteRow = Selectable<VoteTable>;

/** The rule name the votes' messages carry in the outbox. */
export const VOTE_RULE = 'vote';
const HAN = /\p{Script=Han}/u;

export class VoteNotFoundError extends Error {
  override readonly name = 'VoteNotFoundError';
  constructor(readonly id: number | string) {
    super(`no vote ${id}`);
  }
}

/** Bad input: nothing is stored. */
export class InvalidVoteError extends Error {
  override readonly name = 'InvalidVoteError';
}

/** The vote cannot take this now (vetoed twice). */
export class VoteConflictError extends Error {
  override readonly name = 'VoteConflictError';
}

export type { CloseReason, VoteView } from '../../shared/vote-records.js';

export interface NewVote {
  workspaceId: number;
  groupId: number;
  question: string;
  options: readonly string[];
  /** Epoch ms; default 24 hours from now. */
  deadline?: number | null;
  anonymous?: boolean;
  language?: VoteLanguage;
  /** An operator's label, `cli`, or the initiator member's name. */
  createdBy: string;
  createdByMemberId?: number | null;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));
const iso = (v: number | string) => new Date(Number(v)).toISOString();

export function optionsOf(row: Pick<VoteRow, 'options'>): string[] {
  return JSON.parse(row.options) as string[];
}

/** Closed at `now`: the results are planned, or the deadline has passed. */
export function isClosed(row: Pick<VoteRow, 'closed_at' | 'deadline_at'>, now: number): boolean {
  return row.closed_at !== null || Number(row.deadline_at) <= now;
}

/** Checks a new vote in full: the tidied question and options, the deadline. Throws {@link InvalidVoteError}. */
export function checkVote(vote: Pick<NewVote, 'question' | 'options' | 'deadline'>, now: number): { question: string; options: string[]; deadline: number } {
  const question = tidy(vote.question);
  if (question === '') throw new InvalidVoteError('a vote needs a question');
  if (question.length > MAX_QUESTION) throw new InvalidVoteError(`a question is at most ${MAX_QUESTION} characters`);
  if (!isStorable(question)) throw new InvalidVoteError(`the question ${NOT_STORABLE}`);
  const options = vote.options.map(tidy);
  if (options.length < MIN_OPTIONS || options.length > MAX_OPTIONS) throw new InvalidVoteError(`a vote has ${MIN_OPTIONS} to ${MAX_OPTIONS} options, not ${options.length}`);
  for (const [i, o] of options.entries()) {
    if (o === '') throw new InvalidVoteError(`option ${i + 1} is empty`);
    if (o.length > MAX_OPTION) throw new InvalidVoteError(`option ${i + 1} is longer than ${MAX_OPTION} characters`);
    if (!isStorable(o)) throw new InvalidVoteError(`option ${i + 1} ${NOT_STORABLE}`);
    if (/^\d{1,2}$/.test(o)) throw new InvalidVoteError(`option ${i + 1} is only a number (${o}): members vote with numbers, so write it as words`);
  }
  const keys = options.map(optionKey);
  const twice = keys.findIndex((k, i) => keys.indexOf(k) !== i);
  if (twice >= 0) throw new InvalidVoteError(`option ${twice + 1} (${options[twice]}) is listed twice`);
  const deadline = vote.deadline ?? now + DEFAULT_DURATION_MS;
  if (!Number.isFinite(deadline) || deadline <= now) throw new InvalidVoteError(`the deadline ${Number.isFinite(deadline) ? new Date(deadline).toISOString() : deadline} has already passed`);
  if (deadline - now > MAX_DURATION_MS) throw new InvalidVoteError('the deadline is at most 30 days away');
  return { question, options, deadline };
}

async function rowOf(db: Db, workspaceId: number, id: number): Promise<VoteRow> {
  const row = await db.selectFrom('vote').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) throw new VoteNotFoundError(id);
  return row;
}

async function countsOf(db: Db, row: VoteRow): Promise<number[]> {
  const rows = await db
    .selectFrom('vote_ballot')
    .select((eb) => ['option_index', eb.fn.countAll<string>().as('n')])
    .where('vote_id', '=', row.id)
    .groupBy('option_index')
    .execute();
  const counts = new Array<number>(optionsOf(row).length).fill(0);
  for (const r of rows) if (r.option_index >= 1 && r.option_index <= counts.length) counts[r.option_index - 1] = Number(r.n);
  return counts;
}

function postOf(row: VoteRow, counts: number[], now: number): VotePost {
  return {
    id: row.id,
    question: row.question,
    options: optionsOf(row),
    counts,
    anonymous: row.anonymous === 1,
    language: row.language === 'zh' ? 'zh' : 'en',
    deadline: Number(row.deadline_at),
    closed: isClosed(row, now),
    vetoed: row.vetoed_at !== null ? { by: row.vetoed_by ?? '', reason: row.veto_reason ?? '', byInitiator: row.vetoed_by_member_id !== null } : null,
  };
}

function viewOf(row: VoteRow, groupName: string, counts: number[], now: number, ballots: VoteView['ballots']): VoteView {
  const closed = isClosed(row, now);
  return {
    id: row.id,
    groupId: row.group_id,
    groupName,
    question: row.question,
    options: results(optionsOf(row), counts),
    anonymous: row.anonymous === 1,
    language: row.language === 'zh' ? 'zh' : 'en',
    deadline: iso(row.deadline_at),
    closed,
    closeReason: row.closed_at !== null ? ((row.close_reason as CloseReason | null) ?? 'operator') : closed ? 'deadline' : null,
    resultsPosted: row.closed_at !== null,
    vetoed: row.vetoed_at !== null ? { at: iso(row.vetoed_at), by: row.vetoed_by ?? '', memberId: row.vetoed_by_member_id, reason: row.veto_reason ?? '' } : null,
    voters: counts.reduce((a, b) => a + b, 0),
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    ballots,
  };
}

/** One vote with its tally and, unless it is anonymous, who voted for what (in the order they first voted). */
export async function getVote(db: Db, workspaceId: number, id: number, now: number): Promise<VoteView> {
  const row = await rowOf(db, workspaceId, id);
  const group = await db.selectFrom('chat_group').select('name').where('id', '=', row.group_id).executeTakeFirstOrThrow();
  let ballots: VoteView['ballots'] = null;
  if (row.anonymous !== 1) {
    const rows = await db
      .selectFrom('vote_ballot as b')
      .innerJoin('member as m', 'm.id', 'b.member_id')
      .select(['b.member_id', 'm.display_name', 'b.option_index', 'b.changes'])
      .where('b.vote_id', '=', row.id)
      .orderBy('b.cast_at')
      .orderBy('b.id')
      .execute();
    ballots = rows.map((r) => ({ member: { id: r.member_id, name: r.display_name }, option: r.option_index, changes: r.changes }));
  }
  return viewOf(row, group.name, await countsOf(db, row), now, ballots);
}

/** The workspace's votes, newest first, with their tallies; `groupIds` limits them to those groups (null: all). */
export async function listVotes(db: Db, workspaceId: number, now: number, options: { groupId?: number; groupIds?: number[] | null } = {}): Promise<VoteView[]> {
  if (options.groupIds && options.groupIds.length === 0) return [];
  let query = db.selectFrom('vote as v').innerJoin('chat_group as g', 'g.id', 'v.group_id').selectAll('v').select('g.name as group_name').where('v.workspace_id', '=', workspaceId);
  if (options.groupId !== undefined) query = query.where('v.group_id', '=', options.groupId);
  if (options.groupIds) query = query.where('v.group_id', 'in', options.groupIds);
  const rows = await query.orderBy('v.id', 'desc').limit(200).execute();
  if (rows.length === 0) return [];
  const tallies = await db
    .selectFrom('vote_ballot')
    .select((eb) => ['vote_id', 'option_index', eb.fn.countAll<string>().as('n')])
    .where(
      'vote_id',
      'in',
      rows.map((r) => r.id),
    )
    .groupBy(['vote_id', 'option_index'])
    .execute();
  return rows.map((r) => {
    const counts = new Array<number>(optionsOf(r).length).fill(0);
    for (const t of tallies) if (t.vote_id === r.id && t.option_index >= 1 && t.option_index <= counts.length) counts[t.option_index - 1] = Number(t.n);
    return viewOf(r, r.group_name, counts, now, null);
  });
}

/** Writes one of the vote's messages to the outbox (checked like any planned action). Returns whether a row was written. */
export async function planVoteMessage(
  trx: Db,
  group: { id: number; workspace_id: number; platform: string },
  key: string,
  message: { text: string; replyTo?: string; mentions?: number[] },
  now: number,
): Promise<boolean> {
  const checked = checkAction({ type: 'send_message', groupId: group.id, ...message });
  if (!checked.ok) throw new InvalidVoteError(`the vote's message cannot be sent: ${checked.reason}`);
  return enqueueAction(trx, { workspaceId: group.workspace_id, groupId: group.id, platform: group.platform, key, rule: VOTE_RULE, now }, checked.action);
}

function groupOf(db: Db, groupId: number) {
  return db.selectFrom('chat_group').select(['id', 'workspace_id', 'platform', 'name', 'timezone']).where('id', '=', groupId).executeTakeFirstOrThrow();
}

/**
 * Posts the tally after a ballot, in the rhythm of {@link tallyDue}: at once after a
 * quiet window, else marked due at the window's end (the sweep posts it then, as it is
 * then). `immediate`: the opening post and the sweep's gathered repost. Returns the
 * outbox rows written.
 */
export async function postTally(trx: Db, voteId: number, now: number, options: { immediate: boolean; eventId?: number }): Promise<number> {
  const row = await trx.selectFrom('vote').selectAll().where('id', '=', voteId).executeTakeFirstOrThrow();
  if (isClosed(row, now)) return 0;
  const due = options.immediate ? now : tallyDue(num(row.last_post_at), now);
  if (due > now) {
    if (row.tally_due_at === null) await trx.updateTable('vote').set({ tally_due_at: due }).where('id', '=', voteId).execute();
    return 0;
  }
  const group = await groupOf(trx, row.group_id);
  const text = renderTally(postOf(row, await countsOf(trx, row), now), group.timezone);
  const n = Number(row.posts) + 1;
  const key = options.eventId !== undefined ? `evt:${options.eventId}:vote-tally` : `vote:${voteId}:tally:${n}`;
  const written = (await planVoteMessage(trx, group, key, { text }, now)) ? 1 : 0;
  await trx.updateTable('vote').set({ posts: n, last_post_at: now, tally_due_at: null }).where('id', '=', voteId).execute();
  return written;
}

/** Posts the results (once: `vote:<id>:results`), or after a veto of a vote already closed, the results marked vetoed. */
async function postResults(trx: Db, voteId: number, now: number, key: string): Promise<number> {
  const row = await trx.selectFrom('vote').selectAll().where('id', '=', voteId).executeTakeFirstOrThrow();
  const group = await groupOf(trx, row.group_id);
  return (await planVoteMessage(trx, group, key, { text: renderResults(postOf(row, await countsOf(trx, row), now)) }, now)) ? 1 : 0;
}

/**
 * Closes an open vote and plans its results post, once: `closed_at` is moved by a
 * conditional update, so a sweep, a close by hand and a late ballot racing each other
 * post one result. Returns the outbox rows written (0: it was closed already).
 */
export async function closeVoteIn(trx: Db, voteId: number, closedAt: number, reason: CloseReason, now: number, eventId?: number): Promise<number> {
  const moved = await trx.updateTable('vote').set({ closed_at: closedAt, close_reason: reason, tally_due_at: null }).where('id', '=', voteId).where('closed_at', 'is', null).executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) return 0;
  return postResults(trx, voteId, now, eventId !== undefined ? `evt:${eventId}:vote-results` : `vote:${voteId}:results`);
}

/**
 * Starts a vote inside a transaction: checked in full first, stored, its opening tally
 * planned. Returns its id.
 */
export async function startVoteIn(trx: Db, vote: NewVote, now: number, eventId?: number): Promise<number> {
  const checked = checkVote(vote, now);
  const group = await trx.selectFrom('chat_group').select(['id', 'name']).where('id', '=', vote.groupId).where('workspace_id', '=', vote.workspaceId).executeTakeFirst();
  if (!group) throw new InvalidVoteError(`no group ${vote.groupId} in this workspace`);
  const language = vote.language ?? (HAN.test(group.name) || HAN.test(checked.question) ? 'zh' : 'en');
  const { id } = await trx
    .insertInto('vote')
    .values({
      workspace_id: vote.workspaceId,
      group_id: group.id,
      question: checked.question,
      options: JSON.stringify(checked.options),
      anonymous: vote.anonymous ? 1 : 0,
      language,
      deadline_at: checked.deadline,
      created_by: vote.createdBy.slice(0, 300),
      created_by_member_id: vote.createdByMemberId ?? null,
      created_at: now,
      closed_at: null,
      close_reason: null,
      last_post_at: null,
      tally_due_at: null,
      vetoed_at: null,
      vetoed_by: null,
      vetoed_by_member_id: null,
      veto_reason: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await postTally(trx, id, now, { immediate: true, ...(eventId !== undefined ? { eventId } : {}) });
  return id;
}

/** Starts a vote in a group and posts it (the sweep closes it at its deadline with the results). */
export async function startVote(db: Kysely<Database>, vote: NewVote, now: number): Promise<VoteView> {
  return db.transaction().execute(async (trx) => getVote(trx, vote.workspaceId, await startVoteIn(trx, vote, now), now));
}

/** Closes a vote now with its results post. Closing a closed vote changes nothing. */
export async function closeVote(db: Kysely<Database>, workspaceId: number, id: number, now: number): Promise<VoteView> {
  return db.transaction().execute(async (trx) => {
    const row = await rowOf(trx, workspaceId, id);
    if (row.closed_at === null) {
      // Past its deadline and not yet swept: closed as of its deadline.
      const deadline = Number(row.deadline_at);
      await closeVoteIn(trx, id, Math.min(deadline, now), deadline <= now ? 'deadline' : 'operator', now);
    }
    return getVote(trx, workspaceId, id, now);
  });
}

export interface Veto {
  /** Who vetoed: the initiator's name, or an operator's label. */
  by: string;
  memberId?: number | null;
  reason: string;
}

/**
 * Vetoes a vote, open or closed, once: marked with who, why and when (a conditional
 * update, so two vetoes record one). An open vote closes with its results marked
 * vetoed; a closed one gets the results again, marked vetoed. Throws
 * {@link VoteConflictError} when it was vetoed already. Returns the outbox rows written.
 */
export async function vetoIn(trx: Db, row: VoteRow, veto: Veto, now: number, eventId?: number): Promise<number> {
  const reason = tidy(veto.reason).slice(0, MAX_REASON);
  if (!isStorable(reason)) throw new InvalidVoteError(`the reason ${NOT_STORABLE}`);
  const moved = await trx
    .updateTable('vote')
    .set({ vetoed_at: now, vetoed_by: veto.by.slice(0, 300), vetoed_by_member_id: veto.memberId ?? null, veto_reason: reason })
    .where('id', '=', row.id)
    .where('vetoed_at', 'is', null)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) throw new VoteConflictError(`vote ${row.id} has already been vetoed`);
  if (row.closed_at === null) {
    const deadline = Number(row.deadline_at);
    const written = await closeVoteIn(trx, row.id, Math.min(deadline, now), deadline <= now ? 'deadline' : 'vetoed', now, eventId);
    if (written > 0) return written;
  }
  return postResults(trx, row.id, now, eventId !== undefined ? `evt:${eventId}:vote-vetoed` : `vote:${row.id}:vetoed`);
}

/** Vetoes a vote for an operator (API, CLI). */
export async function vetoVote(db: Kysely<Database>, workspaceId: number, id: number, veto: Veto, now: number): Promise<VoteView> {
  if (tidy(veto.reason) === '') throw new InvalidVoteError('a veto needs a reason');
  return db.transaction().execute(async (trx) => {
    await vetoIn(trx, await rowOf(trx, workspaceId, id), veto, now);
    return getVote(trx, workspaceId, id, now);
  });
}

/**
 * The votes' sweep over a workspace (every minute, on the scheduler): a vote whose
 * deadline has passed is closed and its results posted; a gathered tally whose window
 * has ended is posted. Each in its own transaction, guarded by a conditional update,
 * so two sweeps never post the same thing twice. Returns the outbox rows written.
 */
export async function sweepVotes(db: Kysely<Database>, workspaceId: number, now: number): Promise<number> {
  let written = 0;
  const due = await db
    .selectFrom('vote')
    .select(['id', 'deadline_at', 'tally_due_at'])
    .where('workspace_id', '=', workspaceId)
    .where('closed_at', 'is', null)
    .where((eb) => eb.or([eb('deadline_at', '<=', now), eb('tally_due_at', '<=', now)]))
    .orderBy('id')
    .execute();
  for (const vote of due) {
    written += await db.transaction().execute(async (trx) => {
      if (Number(vote.deadline_at) <= now) return closeVoteIn(trx, vote.id, Number(vote.deadline_at), 'deadline', now);
      const claimed = await trx.updateTable('vote').set({ tally_due_at: null }).where('id', '=', vote.id).where('tally_due_at', '=', Number(vote.tally_due_at)).executeTakeFirst();
      return Number(claimed.numUpdatedRows) === 1 ? postTally(trx, vote.id, now, { immediate: true }) : 0;
    });
  }
  return written;
}

/** The groups with a vote not yet closed, and each one's option keys: what the rule's synchronous check reads. */
export async function openVoteIndex(db: Db): Promise<Map<number, Set<string>>> {
  const rows = await db.selectFrom('vote').select(['group_id', 'options']).where('closed_at', 'is', null).execute();
  const index = new Map<number, Set<string>>();
  for (const r of rows) {
    const keys = index.get(r.group_id) ?? new Set<string>();
    for (const o of optionsOf(r)) keys.add(optionKey(o));
    index.set(r.group_id, keys);
  }
  return index;
}

export { postOf, rowOf };
