import type { Selectable, Transaction } from 'kysely';
import type { AutomationContext } from '../../core/automation-context.js';
import type { ChainTable, Database } from '../../store/schema.js';
import { closedReply, entryLine, fullReply, grantable, partialReply } from './chain-list.js';
import { mayBeChainMessage, readChainMessage } from './chain-message.js';
import { closedState, entriesOf, planMessage, postList } from './chain-store.js';

type Trx = Transaction<Database>;

/** A chain closed this long ago still answers sign-ups ("full"), so late members learn why nothing happened. */
const ANSWER_CLOSED_FOR_MS = 7 * 24 * 3600_000;

/**
 * The chain rule, run by ingest on each new message inside the batch's transaction
 * (it needs the chain's state, which the pure rules do not have): a sign-up, an edit
 * or a withdrawal for the group's latest chain is applied, its replies and the list's
 * repost go to the outbox. The event is stored once (ingest drops a duplicate before
 * the rules), so a message delivered twice counts once. Units are taken by a
 * compare-and-set on the chain's `taken`, so two sign-ups for the last unit, in two
 * workers at once, get it once on SQLite and PostgreSQL.
 *
 * Returns the outbox rows it wrote.
 */
export async function applyChainMessage(trx: Trx, ctx: AutomationContext, eventId: number): Promise<number> {
  const { event, member, group, now } = ctx;
  if (event.kind !== 'message' || member.isBot || !mayBeChainMessage(event.text)) return 0;
  const found = await latestChain(trx, group.id, now);
  if (!found) return 0;
  let chain: Selectable<ChainTable> = found;
  const mine = await trx.selectFrom('chain_entry').select(['id', 'quantity']).where('chain_id', '=', chain.id).where('member_id', '=', member.id).executeTakeFirst();
  const known = (await entriesOf(trx, chain.id)).map(entryLine);
  const message = readChainMessage(event.text, member.displayName, known);
  if (!message) return 0;
  const language = chain.language === 'zh' ? 'zh' : 'en';
  const target = { id: group.id, workspace_id: group.workspaceId, platform: group.platform };
  const reply = async (text: string, n: number) => ((await planMessage(trx, target, `evt:${eventId}:chain-${n}`, { text, replyTo: event.messageId, mentions: [member.id] }, now, now)) ? 1 : 0);
  /** A closed chain answers a sign-up "full" (or "closed" after its deadline or by hand), and a member's withdrawal "closed". */
  const refuse = async (reason: string | null) => {
    let written = 0;
    // The deadline passed and the sweep has not closed it yet: closed now, with its final list.
    if (chain.closed_at === null && reason === 'deadline') {
      const result = await trx
        .updateTable('chain')
        .set({ closed_at: Number(chain.deadline_at), close_reason: 'deadline' })
        .where('id', '=', chain.id)
        .where('closed_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) written += await postList(trx, chain.id, now, { immediate: true, eventId });
    }
    if (message.kind !== 'sign' && !mine) return written;
    return written + (await reply(message.kind === 'sign' && reason === 'full' ? fullReply(language, member.displayName) : closedReply(language, member.displayName), 0));
  };

  if (message.kind === 'withdraw') {
    const state = closedState(chain, now);
    if (state.closed) return refuse(state.reason);
    if (!mine) return 0;
    const keep = message.quantity === null ? 0 : Math.max(0, mine.quantity - message.quantity);
    await trx
      .updateTable('chain')
      .set((eb) => ({ taken: eb('taken', '-', mine.quantity - keep) }))
      .where('id', '=', chain.id)
      .execute();
    if (keep === 0) await trx.deleteFrom('chain_entry').where('id', '=', mine.id).execute();
    else await trx.updateTable('chain_entry').set({ quantity: keep, updated_at: now, event_key: event.dedupKey }).where('id', '=', mine.id).execute();
    return postList(trx, chain.id, now, { immediate: false, eventId });
  }

  const current = mine?.quantity ?? 0;
  let granted = 0;
  let closing = false;
  for (let attempt = 0; ; attempt++) {
    const state = closedState(chain, now);
    if (state.closed) return refuse(state.reason);
    const quota = chain.quota === null ? null : Number(chain.quota);
    const taken = Number(chain.taken);
    granted = grantable(quota, taken, current, message.quantity);
    if (granted === 0) return refuse('full');
    closing = quota !== null && taken - current + granted >= quota;
    const moved = await trx
      .updateTable('chain')
      .set({ taken: taken - current + granted, ...(closing ? { closed_at: now, close_reason: 'full' } : {}) })
      .where('id', '=', chain.id)
      .where('closed_at', 'is', null)
      .where('taken', '=', taken)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 1) break;
    // Another sign-up moved the count first: read it again and decide again.
    if (attempt >= 20) throw new Error(`chain ${chain.id}: the count kept moving under this sign-up`);
    const again = await trx.selectFrom('chain').selectAll().where('id', '=', chain.id).executeTakeFirstOrThrow();
    chain = again;
  }
  if (mine) await trx.updateTable('chain_entry').set({ quantity: granted, note: message.note, updated_at: now, event_key: event.dedupKey }).where('id', '=', mine.id).execute();
  else
    await trx
      .insertInto('chain_entry')
      .values({ chain_id: chain.id, member_id: member.id, quantity: granted, note: message.note, signed_at: now, updated_at: now, event_key: event.dedupKey })
      .execute();
  let written = 0;
  if (granted < message.quantity) written += await reply(partialReply(language, member.displayName, granted, message.quantity), 1);
  return written + (await postList(trx, chain.id, now, { immediate: closing, eventId }));
}

/** The group's chain messages are read against: the latest one open, else the latest closed in the last week. */
async function latestChain(trx: Trx, groupId: number, now: number) {
  const open = await trx
    .selectFrom('chain')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('closed_at', 'is', null)
    .where('created_at', '<=', now)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (open && !closedState(open, now).closed) return open;
  const recent = await trx.selectFrom('chain').selectAll().where('group_id', '=', groupId).where('created_at', '<=', now).orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!recent) return undefined;
  const closedAt = recent.closed_at !== null ? Number(recent.closed_at) : recent.deadline_at !== null ? Number(recent.deadline_at) : null;
  return closedAt !== null && now - closedAt <= ANSWER_CLOSED_FOR_MS ? recent : undefined;
}
