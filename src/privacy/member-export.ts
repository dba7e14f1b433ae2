import type { Kysely } from 'kysely';
import { presentAuditEntry, type PresentedAuditEntry } from '../audit/audit-log.js';
import type { Database } from '../store/schema.js';
import { MemberNotFoundError } from './member-erasure.js';

/** Everything Hearth holds about one member, as one JSON document (a subject access export). */
export interface MemberExport {
  format: 'hearth.member-export';
  version: 1;
  exportedAt: string;
  workspace: { id: number; slug: string; name: string };
  member: { id: number; displayName: string; isBot: boolean; firstSeenAt: string; erasedAt: string | null };
  identities: { platform: string; externalId: string; displayName: string; username: string | null }[];
  memberships: {
    group: { id: number; name: string; platform: string };
    joinedAt: string;
    leftAt: string | null;
    joinMethod: string | null;
    leftReason: string | null;
    invitedBy: { memberId: number; displayName: string } | null;
    code: string | null;
  }[];
  /** Per group: what the rollups count for them. */
  figures: { group: { id: number; name: string }; messages: number; replies: number; reactions: number; activeDays: number; firstMessageAt: string | null; lastMessageAt: string | null }[];
  /** Every event they are the subject of, as stored. */
  events: { id: number; groupId: number; kind: string; occurredAt: string; dedupKey: string; payload: unknown }[];
  /** Bot actions that named them: mentions, mutes, removals, bans. */
  outbox: { id: number; groupId: number; status: string; createdAt: string; doneAt: string | null; action: unknown }[];
  /** Audit entries about them: actions on them, and sandbox entries acting as them. */
  audit: PresentedAuditEntry[];
}

const PAGE = 1_000;
const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());

/**
 * Gathers everything about one member of a workspace: the member, their identities,
 * memberships (group, join and leave, who invited them, with which code), their
 * figures per group, every event they are the subject of (payload as stored), the
 * bot actions that named them and the audit entries about them.
 *
 * @example const doc = await exportMember(db, workspace.id, 42, Date.now()); // JSON.stringify(doc)
 */
export async function exportMember(db: Kysely<Database>, workspaceId: number, memberId: number, now: number): Promise<MemberExport> {
  const member = await db.selectFrom('member').selectAll().where('id', '=', memberId).where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!member) throw new MemberNotFoundError(memberId);
  const workspace = await db.selectFrom('workspace').select(['id', 'slug', 'name']).where('id', '=', workspaceId).executeTakeFirstOrThrow();
  const identities = await db.selectFrom('identity').selectAll().where('member_id', '=', memberId).orderBy('id').execute();

  const memberships = await db
    .selectFrom('membership')
    .innerJoin('chat_group', 'chat_group.id', 'membership.group_id')
    .leftJoin('member as inviter', 'inviter.id', 'membership.inviter_member_id')
    .select([
      'membership.joined_at',
      'membership.left_at',
      'membership.join_method',
      'membership.left_reason',
      'membership.code',
      'membership.inviter_member_id',
      'inviter.display_name as inviter_name',
      'chat_group.id as group_id',
      'chat_group.name as group_name',
      'chat_group.platform',
    ])
    .where('membership.member_id', '=', memberId)
    .orderBy('membership.joined_at')
    .orderBy('membership.id')
    .execute();

  const totals = await db
    .selectFrom('member_group_total')
    .innerJoin('chat_group', 'chat_group.id', 'member_group_total.group_id')
    .select(['chat_group.id', 'chat_group.name', 'member_group_total.messages', 'member_group_total.first_message_at', 'member_group_total.last_message_at'])
    .where('member_group_total.member_id', '=', memberId)
    .execute();
  const days = await db
    .selectFrom('member_group_day')
    .innerJoin('chat_group', 'chat_group.id', 'member_group_day.group_id')
    .select((eb) => [
      'chat_group.id',
      'chat_group.name',
      eb.fn.sum<number>('member_group_day.replies').as('replies'),
      eb.fn.sum<number>('member_group_day.reactions').as('reactions'),
      eb.fn.sum<number>(eb.case().when('member_group_day.messages', '>', 0).then(1).else(0).end()).as('active_days'),
    ])
    .where('member_group_day.member_id', '=', memberId)
    .groupBy(['chat_group.id', 'chat_group.name'])
    .execute();
  const figures = new Map<number, MemberExport['figures'][number]>();
  const figureOf = (id: number, name: string) => {
    let f = figures.get(id);
    if (!f) figures.set(id, (f = { group: { id, name }, messages: 0, replies: 0, reactions: 0, activeDays: 0, firstMessageAt: null, lastMessageAt: null }));
    return f;
  };
  for (const t of totals) Object.assign(figureOf(t.id, t.name), { messages: Number(t.messages), firstMessageAt: iso(t.first_message_at), lastMessageAt: iso(t.last_message_at) });
  for (const d of days) Object.assign(figureOf(d.id, d.name), { replies: Number(d.replies), reactions: Number(d.reactions), activeDays: Number(d.active_days) });

  const events: MemberExport['events'] = [];
  for (let after = 0; ; ) {
    const rows = await db.selectFrom('event').selectAll().where('member_id', '=', memberId).where('id', '>', after).orderBy('id').limit(PAGE).execute();
    if (rows.length === 0) break;
    for (const r of rows) events.push({ id: r.id, groupId: r.group_id, kind: r.kind, occurredAt: iso(r.occurred_at)!, dedupKey: r.dedup_key, payload: JSON.parse(r.payload) as unknown });
    after = rows.at(-1)!.id;
  }
  events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id - b.id);

  const outbox: MemberExport['outbox'] = [];
  for (let after = 0; ; ) {
    const rows = await db
      .selectFrom('outbox')
      .select(['id', 'group_id', 'status', 'created_at', 'done_at', 'action'])
      .where('workspace_id', '=', workspaceId)
      .where((eb) => eb.or([`"memberId":${memberId},`, `"memberId":${memberId}}`, `[${memberId}]`, `[${memberId},`, `,${memberId}]`, `,${memberId},`].map((p) => eb('action', 'like', `%${p}%`))))
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      const action = JSON.parse(r.action) as { memberId?: unknown; mentions?: unknown };
      if (action.memberId === memberId || (Array.isArray(action.mentions) && action.mentions.includes(memberId))) {
        outbox.push({ id: r.id, groupId: r.group_id, status: r.status, createdAt: iso(r.created_at)!, doneAt: iso(r.done_at), action });
      }
    }
    after = rows.at(-1)!.id;
  }

  // Audit entries about them: anything targeting the member (moderation, erasure, exports),
  // moderation evidence naming them, and the sandbox acting as one of their sandbox names.
  const sandboxNames = new Set(identities.filter((i) => i.platform === 'sandbox').map((i) => i.external_id));
  const auditRows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) =>
      eb.or([
        eb.and([eb('target_kind', '=', 'member'), eb('target_id', '=', String(memberId))]),
        eb('detail', 'like', `%"memberId":${memberId}%`),
        ...(sandboxNames.size
          ? [eb.and([eb('action', 'like', 'sandbox.%'), eb.or([...sandboxNames].map((n) => eb('detail', 'like', `%"member":${JSON.stringify(n).replace(/[%_\\]/g, '_')}%`)))])]
          : []),
      ]),
    )
    .orderBy('id')
    .execute();
  const audit = auditRows.map(presentAuditEntry).filter((e) => {
    if (e.target?.kind === 'member' && e.target.id === String(memberId)) return true;
    const evidence = e.detail.evidence as { memberId?: unknown } | null | undefined;
    if (evidence?.memberId === memberId) return true;
    return e.action.startsWith('sandbox.') && typeof e.detail.member === 'string' && sandboxNames.has(e.detail.member);
  });

  return {
    format: 'hearth.member-export',
    version: 1,
    exportedAt: new Date(now).toISOString(),
    workspace,
    member: { id: member.id, displayName: member.display_name, isBot: member.is_bot === 1, firstSeenAt: iso(member.first_seen_at)!, erasedAt: iso(member.erased_at) },
    identities: identities.map((i) => ({ platform: i.platform, externalId: i.external_id, displayName: i.display_name, username: i.username })),
    memberships: memberships.map((m) => ({
      group: { id: m.group_id, name: m.group_name, platform: m.platform },
      joinedAt: iso(m.joined_at)!,
      leftAt: iso(m.left_at),
      joinMethod: m.join_method,
      leftReason: m.left_reason,
      invitedBy: m.inviter_member_id !== null ? { memberId: m.inviter_member_id, displayName: m.inviter_name ?? '' } : null,
      code: m.code,
    })),
    figures: [...figures.values()].sort((a, b) => a.group.id - b.group.id),
    events,
    outbox,
    audit,
  };
}
