import type { Kysely, Selectable, Transaction } from 'kysely';
import { checkAction } from '../../core/action.js';
import { enqueueAction } from '../../outbox/enqueue-action.js';
import { isStorable, NOT_STORABLE } from '../../core/stored-text.js';
import type { ChainTable, Database } from '../../store/schema.js';
import { type ChainEntryView, type ChainLanguage, type ChainView, languageOf, renderList, repostDue } from './chain-list.js';

type Db = Kysely<Database> | Transaction<Database>;
type ChainRow = Selectable<ChainTable>;

/** The rule name the chain's messages carry in the outbox. */
export const CHAIN_RULE = 'chain';
export const MAX_TITLE = 200;
export const MAX_QUOTA = 100_000;

export class ChainNotFoundError extends Error {
  override readonly name = 'ChainNotFoundError';
  constructor(readonly id: number | string) {
    super(`no chain ${id}`);
  }
}

export class InvalidChainError extends Error {
  override readonly name = 'InvalidChainError';
}

export interface ChainSummary {
  id: number;
  groupId: number;
  groupName: string;
  title: string;
  quota: number | null;
  taken: number;
  entries: number;
  deadline: string | null;
  closed: boolean;
  closeReason: ChainView['closeReason'];
  createdAt: string;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

/** Closed by hand, by its quota, or by its deadline having passed (read at `now`). */
function closedState(row: ChainRow, now: number): { closed: boolean; reason: ChainView['closeReason'] } {
  if (row.closed_at !== null) return { closed: true, reason: (row.close_reason as ChainView['closeReason']) ?? 'operator' };
  if (row.deadline_at !== null && Number(row.deadline_at) <= now) return { closed: true, reason: 'deadline' };
  return { closed: false, reason: null };
}

async function entriesOf(db: Db, chainId: number): Promise<ChainEntryView[]> {
  const rows = await db
    .selectFrom('chain_entry as e')
    .innerJoin('member as m', 'm.id', 'e.member_id')
    .select(['e.member_id', 'm.display_name', 'e.quantity', 'e.note'])
    .where('e.chain_id', '=', chainId)
    .orderBy('e.signed_at')
    .orderBy('e.id')
    .execute();
  return rows.map((r) => ({ member: { id: r.member_id, name: r.display_name }, quantity: r.quantity, note: r.note }));
}

function viewOf(row: ChainRow, entries: ChainEntryView[], now: number): ChainView {
  const state = closedState(row, now);
  return {
    id: row.id,
    groupId: row.group_id,
    title: row.title,
    quota: num(row.quota),
    deadline: num(row.deadline_at),
    closed: state.closed,
    closeReason: state.reason,
    taken: Number(row.taken),
    language: row.language === 'zh' ? 'zh' : 'en',
    entries,
  };
}

async function rowOf(db: Db, workspaceId: number, id: number): Promise<ChainRow> {
  const row = await db.selectFrom('chain').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) throw new ChainNotFoundError(id);
  return row;
}

/** A chain with every entry in the order members first signed. */
export async function getChain(db: Db, workspaceId: number, id: number, now: number): Promise<ChainView> {
  const row = await rowOf(db, workspaceId, id);
  return viewOf(row, await entriesOf(db, row.id), now);
}

/** The workspace's chains, newest first; `groupIds` limits them to those groups (null: all). */
export async function listChains(db: Db, workspaceId: number, now: number, options: { groupId?: number; groupIds?: number[] | null } = {}): Promise<ChainSummary[]> {
  if (options.groupIds && options.groupIds.length === 0) return [];
  let query = db
    .selectFrom('chain as c')
    .innerJoin('chat_group as g', 'g.id', 'c.group_id')
    .select((eb) => [
      'c.id',
      'c.group_id',
      'g.name as group_name',
      eb
        .selectFrom('chain_entry as e')
        .whereRef('e.chain_id', '=', 'c.id')
        .select((x) => x.fn.countAll<number>().as('n'))
        .as('entries'),
    ])
    .select([
      'c.title',
      'c.quota',
      'c.taken',
      'c.deadline_at',
      'c.closed_at',
      'c.close_reason',
      'c.created_at',
      'c.workspace_id',
      'c.language',
      'c.posts',
      'c.last_post_at',
      'c.repost_due_at',
      'c.created_by',
    ])
    .where('c.workspace_id', '=', workspaceId);
  if (options.groupId !== undefined) query = query.where('c.group_id', '=', options.groupId);
  if (options.groupIds) query = query.where('c.group_id', 'in', options.groupIds);
  const rows = await query.orderBy('c.id', 'desc').limit(500).execute();
  return rows.map((r) => {
    const state = closedState({ ...r, id: r.id, group_id: r.group_id } as ChainRow, now);
    return {
      id: r.id,
      groupId: r.group_id,
      groupName: r.group_name,
      title: r.title,
      quota: num(r.quota),
      taken: Number(r.taken),
      entries: Number(r.entries ?? 0),
      deadline: r.deadline_at === null ? null : new Date(Number(r.deadline_at)).toISOString(),
      closed: state.closed,
      closeReason: state.reason,
      createdAt: new Date(Number(r.created_at)).toISOString(),
    };
  });
}

/** The group a chain is in, as the list post needs it. */
async function groupOf(db: Db, groupId: number): Promise<{ id: number; workspace_id: number; platform: string; name: string; timezone: string }> {
  return db.selectFrom('chat_group').select(['id', 'workspace_id', 'platform', 'name', 'timezone']).where('id', '=', groupId).executeTakeFirstOrThrow();
}

export interface NewChain {
  workspaceId: number;
  groupId: number;
  title: string;
  quota?: number | null;
  /** Epoch ms. */
  deadline?: number | null;
  language?: ChainLanguage;
  createdBy?: string | null;
}

/**
 * Starts a chain in a group: checked in full first (nothing is stored for a bad one),
 * then stored with its first list post in the outbox (the sweep closes it at its deadline).
 */
export async function startChain(db: Kysely<Database>, chain: NewChain, now: number): Promise<ChainView> {
  const title = chain.title.replace(/\s+/g, ' ').trim();
  if (title === '') throw new InvalidChainError('a chain needs a title');
  if (title.length > MAX_TITLE) throw new InvalidChainError(`a chain title is at most ${MAX_TITLE} characters`);
  if (!isStorable(title)) throw new InvalidChainError(`a chain title ${NOT_STORABLE}`);
  const quota = chain.quota ?? null;
  if (quota !== null && (!Number.isInteger(quota) || quota < 1 || quota > MAX_QUOTA)) throw new InvalidChainError(`quota must be a whole number from 1 to ${MAX_QUOTA}, not ${quota}`);
  const deadline = chain.deadline ?? null;
  if (deadline !== null && (!Number.isFinite(deadline) || deadline <= now))
    throw new InvalidChainError(`the deadline ${Number.isFinite(deadline) ? new Date(deadline).toISOString() : deadline} has already passed`);
  return db.transaction().execute(async (trx) => {
    const group = await trx.selectFrom('chat_group').select(['id', 'name']).where('id', '=', chain.groupId).where('workspace_id', '=', chain.workspaceId).executeTakeFirst();
    if (!group) throw new InvalidChainError(`no group ${chain.groupId} in this workspace`);
    const { id } = await trx
      .insertInto('chain')
      .values({
        workspace_id: chain.workspaceId,
        group_id: group.id,
        title,
        quota,
        deadline_at: deadline,
        language: chain.language ?? languageOf(group.name, title),
        closed_at: null,
        close_reason: null,
        last_post_at: null,
        repost_due_at: null,
        created_by: chain.createdBy ?? null,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await postList(trx, id, now, { immediate: false });
    return getChain(trx, chain.workspaceId, id, now);
  });
}

/** Closes a chain by hand: the final list is posted at once. Closing a closed chain changes nothing. */
export async function closeChain(db: Kysely<Database>, workspaceId: number, id: number, now: number): Promise<ChainView> {
  return db.transaction().execute(async (trx) => {
    const row = await rowOf(trx, workspaceId, id);
    if (!closedState(row, now).closed) {
      const closed = await trx.updateTable('chain').set({ closed_at: now, close_reason: 'operator' }).where('id', '=', id).where('closed_at', 'is', null).executeTakeFirst();
      if (Number(closed.numUpdatedRows) === 1) await postList(trx, id, now, { immediate: true });
    }
    return getChain(trx, workspaceId, id, now);
  });
}

/** Writes one message of the chain's to the outbox (checked like any planned action). Returns whether a row was written. */
export async function planMessage(
  trx: Db,
  group: { id: number; workspace_id: number; platform: string },
  key: string,
  message: { text: string; replyTo?: string; mentions?: number[] },
  dueAt: number,
  now: number,
): Promise<boolean> {
  const checked = checkAction({ type: 'send_message', groupId: group.id, ...message });
  if (!checked.ok) throw new InvalidChainError(`the chain's message cannot be sent: ${checked.reason}`);
  return enqueueAction(trx, { workspaceId: group.workspace_id, groupId: group.id, platform: group.platform, key, rule: CHAIN_RULE, now, dueAt }, checked.action);
}

/**
 * Posts the list after a change, in the rhythm of {@link repostDue}: at once when the
 * last post is a window old (or the chain closes), else marked due at the window's end,
 * where the sweep posts the list as it is then. `eventId`: the message that caused it,
 * whose key an immediate post carries (so it is reported with that message). Returns
 * the outbox rows written.
 */
export async function postList(trx: Db, chainId: number, now: number, options: { immediate: boolean; eventId?: number }): Promise<number> {
  const row = await trx.selectFrom('chain').selectAll().where('id', '=', chainId).executeTakeFirstOrThrow();
  const due = repostDue(num(row.last_post_at), now, options.immediate);
  if (due > now) {
    if (row.repost_due_at === null) await trx.updateTable('chain').set({ repost_due_at: due }).where('id', '=', chainId).execute();
    return 0;
  }
  const group = await groupOf(trx, row.group_id);
  const text = renderList(viewOf(row, await entriesOf(trx, chainId), now), group.timezone);
  const n = Number(row.posts) + 1;
  const key = options.eventId !== undefined ? `evt:${options.eventId}:chain-list` : `chain:${chainId}:list:${n}`;
  const written = (await planMessage(trx, group, key, { text }, now, now)) ? 1 : 0;
  await trx.updateTable('chain').set({ posts: n, last_post_at: now, repost_due_at: null }).where('id', '=', chainId).execute();
  return written;
}

/**
 * The chains' sweep over a workspace (every minute, on the scheduler): a chain whose
 * deadline has passed is closed and its final list posted; a gathered repost whose
 * window has ended is posted. Each in its own transaction, guarded by a
 * compare-and-set, so two sweeps never post the same list twice.
 */
export async function sweepChains(db: Kysely<Database>, workspaceId: number, now: number): Promise<{ closed: number[]; reposted: number[] }> {
  const closed: number[] = [];
  const reposted: number[] = [];
  const due = await db
    .selectFrom('chain')
    .select(['id', 'deadline_at', 'repost_due_at'])
    .where('workspace_id', '=', workspaceId)
    .where('closed_at', 'is', null)
    .where((eb) => eb.or([eb('deadline_at', '<=', now), eb('repost_due_at', '<=', now)]))
    .orderBy('id')
    .execute();
  for (const chain of due) {
    await db.transaction().execute(async (trx) => {
      if (chain.deadline_at !== null && Number(chain.deadline_at) <= now) {
        const result = await trx
          .updateTable('chain')
          .set({ closed_at: Number(chain.deadline_at), close_reason: 'deadline' })
          .where('id', '=', chain.id)
          .where('closed_at', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) {
          await postList(trx, chain.id, now, { immediate: true });
          closed.push(chain.id);
        }
        return;
      }
      const result = await trx.updateTable('chain').set({ repost_due_at: null }).where('id', '=', chain.id).where('repost_due_at', '=', Number(chain.repost_due_at)).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) {
        await postList(trx, chain.id, now, { immediate: true });
        reposted.push(chain.id);
      }
    });
  }
  return { closed, reposted };
}

export { closedState, entriesOf, viewOf };
