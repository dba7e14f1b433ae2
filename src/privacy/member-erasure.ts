import type { Kysely, Transaction } from 'kysely';
import { recordAudit, type AuditActor } from '../audit/audit-log.js';
import type { Database } from '../store/schema.js';
import { idAfterErasure, idHoldsName, namesIn, pseudonymizeEvent, pseudonymOf } from './pseudonyms.js';

type Trx = Transaction<Database>;

/** No such member in the workspace (or not one the caller may reach). */
export class MemberNotFoundError extends Error {
  override readonly name = 'MemberNotFoundError';
  constructor(readonly memberId: number) {
    super(`no member ${memberId} in this workspace`);
  }
}

/** What an erasure changed, by count; never a name (it is recorded in the audit log). */
export interface ErasureReport {
  memberId: number;
  pseudonym: string;
  erasedAt: string;
  identities: number;
  /** Their own events (messages, joins, reactions…), names and text blanked. */
  events: number;
  /** Other people's events that named them (an invite, a removal, a mention). */
  eventsNamingThem: number;
  /** Lines of the sandbox conversation by them, or about them. */
  sandboxLines: number;
  /** Bot actions that named them (a welcome, a mute). */
  outboxActions: number;
}

const PAGE = 500;

/**
 * Erases a member's personal data, in one transaction: their display name and every
 * identity's name become a stable pseudonym ("Erased member #12"), usernames go,
 * and ids made of their name are replaced by a hash (see pseudonyms.ts). Every event
 * they are the subject of keeps its kind, time and ids but loses their names and
 * what they wrote; other people's events that named them (an invite, a removal, a
 * mention) get the pseudonym; the sandbox conversation loses their lines' text and
 * name; bot messages that named them get the pseudonym. Memberships and rollups are
 * not touched, so every figure stays the same. `member.erased_at` is set, so ingest
 * keeps later events from the same identity pseudonymous. An audit entry (counts,
 * never the old name) is written in the same transaction.
 *
 * What stays: the audit log, which is append-only by design (the database refuses
 * updates) and is the operators' record of what was done — its sandbox and
 * moderation entries can quote a name or a message as evidence.
 *
 * Running it again is harmless: it re-applies the same rewrite (and blanks text the
 * member wrote since).
 */
export async function eraseMember(db: Kysely<Database>, workspaceId: number, memberId: number, options: { actor: AuditActor; now: number }): Promise<ErasureReport> {
  const { now } = options;
  return db.transaction().execute(async (trx) => {
    const member = await trx.selectFrom('member').selectAll().where('id', '=', memberId).where('workspace_id', '=', workspaceId).executeTakeFirst();
    if (!member) throw new MemberNotFoundError(memberId);
    const pseudonym = pseudonymOf(memberId);
    const identities = await trx.selectFrom('identity').selectAll().where('member_id', '=', memberId).execute();

    // Who they are on each platform, and every name they went by (to find in bot messages).
    const ids = new Map<string, Map<string, number>>();
    const usernames = new Map<string, Map<string, number>>();
    const names = new Set<string>([member.display_name]);
    for (const i of identities) {
      mapOf(ids, i.platform).set(i.external_id, memberId);
      names.add(i.display_name);
      if (i.username) {
        names.add(i.username);
        mapOf(usernames, i.platform).set(i.username.toLowerCase(), memberId);
      }
    }

    const groupIds = new Set<number>();
    const rewrite = async (row: { id: number; group_id: number; payload: string }, blankText: boolean): Promise<boolean> => {
      const event = JSON.parse(row.payload) as { platform?: string };
      const platform = String(event.platform ?? '');
      const mine = ids.get(platform);
      if (!mine) return false;
      for (const n of namesIn(event, new Set(mine.keys()))) names.add(n);
      const changed = pseudonymizeEvent(event, mine, { blankText, usernames: usernames.get(platform) ?? new Map() });
      if (changed === event) return false;
      await trx
        .updateTable('event')
        .set({ payload: JSON.stringify(changed) })
        .where('id', '=', row.id)
        .execute();
      return true;
    };

    // Their own events, page by page.
    let events = 0;
    for (let after = 0; ; ) {
      const rows = await trx.selectFrom('event').select(['id', 'group_id', 'payload']).where('member_id', '=', memberId).where('id', '>', after).orderBy('id').limit(PAGE).execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        groupIds.add(row.group_id);
        if (await rewrite(row, true)) events++;
      }
      after = rows.at(-1)!.id;
    }
    for (const m of await trx
      .selectFrom('membership')
      .select('group_id')
      .where((eb) => eb.or([eb('member_id', '=', memberId), eb('inviter_member_id', '=', memberId)]))
      .execute())
      groupIds.add(m.group_id);

    // Other people's events in the same groups that name them: joins they invited to,
    // removals they made, and messages mentioning them by an id or a handle made of their name.
    let eventsNamingThem = 0;
    const groups = [...groupIds];
    const handles = [...identities.filter((i) => idHoldsName(i.platform, i.external_id)).map((i) => i.external_id), ...identities.filter((i) => i.username).map((i) => `@${i.username}`)];
    for (let g = 0; g < groups.length; g += PAGE) {
      const inGroups = groups.slice(g, g + PAGE);
      for (let after = 0; ; ) {
        const rows = await trx
          .selectFrom('event')
          .select(['id', 'group_id', 'payload'])
          .where('group_id', 'in', inGroups)
          .where((eb) => eb.or([eb('member_id', 'is', null), eb('member_id', '!=', memberId)]))
          .where((eb) =>
            eb.or([
              eb('kind', 'in', ['member.joined', 'member.left']),
              ...(handles.length ? [eb.and([eb('kind', '=', 'message'), eb.or(handles.map((h) => eb('payload', 'like', `%${likeEscaped(JSON.stringify(h))}%`)))])] : []),
            ]),
          )
          .where('id', '>', after)
          .orderBy('id')
          .limit(PAGE)
          .execute();
        if (rows.length === 0) break;
        for (const row of rows) if (await rewrite(row, false)) eventsNamingThem++;
        after = rows.at(-1)!.id;
      }
    }

    const spoken = [...names].filter((n) => n.length >= 2 && n !== pseudonym).sort((a, b) => b.length - a.length);
    const sandboxLines = await eraseSandboxLines(trx, workspaceId, identities, pseudonym);
    const { outboxActions, botLines } = await eraseFromOutbox(trx, workspaceId, memberId, spoken, pseudonym);

    await trx
      .updateTable('member')
      .set({ display_name: pseudonym, erased_at: member.erased_at ?? now })
      .where('id', '=', memberId)
      .execute();
    for (const i of identities) {
      await trx
        .updateTable('identity')
        .set({ display_name: pseudonym, username: null, external_id: idAfterErasure(i.platform, i.external_id) })
        .where('id', '=', i.id)
        .execute();
    }

    const report: ErasureReport = {
      memberId,
      pseudonym,
      erasedAt: new Date(Number(member.erased_at ?? now)).toISOString(),
      identities: identities.length,
      events,
      eventsNamingThem,
      sandboxLines: sandboxLines + botLines,
      outboxActions,
    };
    const { memberId: _id, pseudonym: _p, erasedAt: _at, ...counts } = report;
    await recordAudit(trx, { workspaceId, actor: options.actor, action: 'member.erased', target: { kind: 'member', id: memberId }, detail: { pseudonym, ...counts } }, now);
    return report;
  });
}

/**
 * Every occurrence of a name in a bot's text. Where the name starts or ends with a
 * Latin letter or digit, only as a whole word ("Al" is not replaced inside "Alpha");
 * other scripts (Chinese has no spaces between words) are matched as they are.
 */
function replaceName(text: string, name: string, by: string): string {
  if (!text.includes(name)) return text;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const before = /^[A-Za-z0-9]/.test(name) ? '(?<![A-Za-z0-9])' : '';
  const after = /[A-Za-z0-9]$/.test(name) ? '(?![A-Za-z0-9])' : '';
  return text.replace(new RegExp(`${before}${escaped}${after}`, 'g'), () => by);
}

function mapOf<V>(maps: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let m = maps.get(key);
  if (!m) maps.set(key, (m = new Map()));
  return m;
}

/**
 * A value inside a LIKE pattern without an ESCAPE clause (the backends disagree on
 * the default): `%`, `_` and `\` become `_`, any one character. The pattern then
 * matches a little more than the value, and each row found is checked exactly.
 */
function likeEscaped(value: string): string {
  return value.replace(/[%_\\]/g, '_');
}

/** The sandbox conversation: their lines lose name and text; their id (their name) becomes the hashed one. */
async function eraseSandboxLines(trx: Trx, workspaceId: number, identities: { platform: string; external_id: string }[], pseudonym: string): Promise<number> {
  const sandboxIds = identities.filter((i) => i.platform === 'sandbox').map((i) => i.external_id);
  if (sandboxIds.length === 0) return 0;
  // Every sandbox room of the workspace: a room shows lines of people who never joined it in Hearth's eyes (a reaction, a leave).
  const rooms = (await trx.selectFrom('chat_group').select('external_id').where('workspace_id', '=', workspaceId).where('platform', '=', 'sandbox').execute()).map((g) => g.external_id);
  if (rooms.length === 0) return 0;
  let lines = 0;
  for (const id of sandboxIds) {
    const theirs = () => trx.updateTable('sandbox_message').where('room', 'in', rooms).where('from_id', '=', id).where('from_bot', '=', 0);
    const blanked = await theirs()
      .where('kind', '=', 'message')
      .set({ from_id: idAfterErasure('sandbox', id), from_name: pseudonym, text: '' })
      .executeTakeFirst();
    const renamed = await theirs()
      .set({ from_id: idAfterErasure('sandbox', id), from_name: pseudonym })
      .executeTakeFirst();
    lines += Number(blanked.numUpdatedRows) + Number(renamed.numUpdatedRows);
  }
  return lines;
}

/** Bot actions that named them (mentions, a mute or ban): their names in the text become the pseudonym, in the outbox and in the sandbox room. */
async function eraseFromOutbox(trx: Trx, workspaceId: number, memberId: number, names: string[], pseudonym: string): Promise<{ outboxActions: number; botLines: number }> {
  let outboxActions = 0;
  let botLines = 0;
  const replace = (text: string) => names.reduce((t, n) => replaceName(t, n, pseudonym), text);
  for (let after = 0; ; ) {
    const rows = await trx
      .selectFrom('outbox')
      .innerJoin('chat_group', 'chat_group.id', 'outbox.group_id')
      .select(['outbox.id', 'outbox.idempotency_key', 'outbox.action', 'chat_group.platform', 'chat_group.external_id'])
      .where('outbox.workspace_id', '=', workspaceId)
      // As actionSchema serializes them: `"memberId":12` or 12 in `"mentions":[…]`.
      .where((eb) =>
        eb.or([`"memberId":${memberId},`, `"memberId":${memberId}}`, `[${memberId}]`, `[${memberId},`, `,${memberId}]`, `,${memberId},`].map((p) => eb('outbox.action', 'like', `%${p}%`))),
      )
      .where('outbox.id', '>', after)
      .orderBy('outbox.id')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    after = rows.at(-1)!.id;
    for (const row of rows) {
      const action = JSON.parse(row.action) as { memberId?: unknown; mentions?: unknown; text?: unknown };
      const namesThem = action.memberId === memberId || (Array.isArray(action.mentions) && action.mentions.includes(memberId));
      if (!namesThem) continue;
      if (typeof action.text === 'string') {
        const text = replace(action.text);
        if (text !== action.text)
          await trx
            .updateTable('outbox')
            .set({ action: JSON.stringify({ ...action, text }) })
            .where('id', '=', row.id)
            .execute();
      }
      outboxActions++;
      if (row.platform === 'sandbox') {
        const line = await trx.selectFrom('sandbox_message').select(['id', 'text']).where('room', '=', row.external_id).where('message_id', '=', `bot:${row.idempotency_key}`).executeTakeFirst();
        if (line?.text) {
          const text = replace(line.text);
          if (text !== line.text) {
            await trx.updateTable('sandbox_message').set({ text }).where('id', '=', line.id).execute();
            botLines++;
          }
        }
      }
    }
  }
  return { outboxActions, botLines };
}
