import { sql, type Kysely } from 'kysely';
import { memberFigures } from '../health/member-figures.js';
import type { LinkSuggestionRecord, MemberDetailRecord, MemberGroupFiguresRecord, MemberListRecord, MemberSearchPage, MemberStayRecord } from '../shared/member-records.js';
import type { Database } from '../store/schema.js';
import { suggestLinks } from './member-links.js';

/** Which groups of the workspace the caller may see: every one (null) or only these. */
export type GroupScope = readonly number[] | null;

export interface MemberSearch {
  /** Part of a display name or username, on any platform; case-insensitive. A leading `@` is ignored. */
  q?: string;
  /** Only members with an identity on this platform. */
  platform?: string;
  /** Only members who were ever in this group. */
  groupId?: number;
  /** The `nextCursor` of the page before. */
  cursor?: string;
  limit: number;
}

const iso = (t: number | string | null | undefined) => (t === null || t === undefined ? null : new Date(Number(t)).toISOString());

/** A LIKE pattern matching `text` anywhere, with LIKE's own characters taken literally. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Reads a cursor back; anything that is not one this module wrote starts from the beginning. */
function cursorAfter(cursor: string | undefined): number {
  return cursor && /^\d{1,15}$/.test(cursor) ? Number(cursor) : 0;
}

/**
 * Searches a workspace's members in the database, a page at a time (oldest member
 * first; `nextCursor` continues): by name or username on any platform, by platform,
 * by group. A caller limited to some groups finds only members who were in one of them,
 * and the figures shown count only those groups.
 *
 * @example await searchMembers(db, ws.id, null, { q: 'lin', platform: 'telegram', limit: 50 })
 */
export async function searchMembers(db: Kysely<Database>, workspaceId: number, scope: GroupScope, search: MemberSearch): Promise<MemberSearchPage> {
  if (scope !== null && scope.length === 0) return { members: [], nextCursor: null };
  const text = search.q?.trim().replace(/^@/, '') ?? '';
  let q = db
    .selectFrom('member as m')
    .select(['m.id', 'm.display_name', 'm.is_bot', 'm.first_seen_at', 'm.erased_at'])
    .where('m.workspace_id', '=', workspaceId)
    .where('m.id', '>', cursorAfter(search.cursor));
  if (text) {
    const pattern = containsPattern(text);
    const like = (column: string) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
    q = q.where((eb) =>
      eb.or([
        like('m.display_name'),
        eb.exists(
          eb
            .selectFrom('identity as i')
            .select('i.id')
            .whereRef('i.member_id', '=', 'm.id')
            .where((ib) => ib.or([like('i.display_name'), like('i.username')])),
        ),
      ]),
    );
  }
  if (search.platform) {
    const platform = search.platform;
    q = q.where((eb) => eb.exists(eb.selectFrom('identity as i').select('i.id').whereRef('i.member_id', '=', 'm.id').where('i.platform', '=', platform)));
  }
  if (search.groupId !== undefined) {
    const groupId = search.groupId;
    q = q.where((eb) => eb.exists(eb.selectFrom('membership as s').select('s.id').whereRef('s.member_id', '=', 'm.id').where('s.group_id', '=', groupId)));
  }
  if (scope !== null) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('membership as s')
          .select('s.id')
          .whereRef('s.member_id', '=', 'm.id')
          .where('s.group_id', 'in', [...scope]),
      ),
    );
  }
  const rows = await q
    .orderBy('m.id')
    .limit(search.limit + 1)
    .execute();
  const page = rows.slice(0, search.limit);
  const ids = page.map((r) => r.id);
  if (ids.length === 0) return { members: [], nextCursor: null };

  let totals = db
    .selectFrom('member_group_total')
    .select((eb) => ['member_id', eb.fn.sum<number>('messages').as('messages'), eb.fn.max<number | null>('last_message_at').as('last_message_at')])
    .where('member_id', 'in', ids)
    .groupBy('member_id');
  let stays = db
    .selectFrom('membership')
    .select((eb) => ['member_id', eb.fn.count<number>('group_id').distinct().as('groups')])
    .where('member_id', 'in', ids)
    .where('left_at', 'is', null)
    .groupBy('member_id');
  if (scope !== null) {
    totals = totals.where('group_id', 'in', [...scope]);
    stays = stays.where('group_id', 'in', [...scope]);
  }
  const [identities, totalRows, stayRows] = await Promise.all([
    db.selectFrom('identity').select(['member_id', 'platform', 'display_name', 'username']).where('member_id', 'in', ids).orderBy('id').execute(),
    totals.execute(),
    stays.execute(),
  ]);
  const totalOf = new Map(totalRows.map((t) => [t.member_id, t]));
  const groupsOf = new Map(stayRows.map((s) => [s.member_id, Number(s.groups)]));
  const members: MemberListRecord[] = page.map((r) => {
    const total = totalOf.get(r.id);
    return {
      id: r.id,
      displayName: r.display_name,
      isBot: r.is_bot === 1,
      erasedAt: iso(r.erased_at),
      firstSeenAt: iso(r.first_seen_at)!,
      identities: identities.filter((i) => i.member_id === r.id).map((i) => ({ platform: i.platform, displayName: i.display_name, username: i.username })),
      groups: groupsOf.get(r.id) ?? 0,
      messages: Number(total?.messages ?? 0),
      lastSeenAt: iso(total?.last_message_at),
    };
  });
  return { members, nextCursor: rows.length > search.limit ? String(page[page.length - 1]!.id) : null };
}

/**
 * Whether a member of the workspace is within the caller's reach: in the workspace,
 * and (for a caller limited to some groups) ever in one of them.
 */
export async function memberInScope(db: Kysely<Database>, workspaceId: number, memberId: number, scope: GroupScope): Promise<boolean> {
  const member = await db.selectFrom('member').select('id').where('id', '=', memberId).where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!member) return false;
  if (scope === null) return true;
  if (scope.length === 0) return false;
  const stay = await db
    .selectFrom('membership')
    .select('id')
    .where('member_id', '=', memberId)
    .where('group_id', 'in', [...scope])
    .executeTakeFirst();
  return stay !== undefined;
}

/**
 * One member as the directory opens them: identities on each platform, every stay in
 * the caller's groups (joined, left), and their figures per group from the member
 * rollups (src/health/member-figures.ts) with totals over those groups. Undefined when
 * the member is not within the caller's reach.
 */
export async function memberDetail(db: Kysely<Database>, workspaceId: number, memberId: number, scope: GroupScope): Promise<MemberDetailRecord | undefined> {
  if (!(await memberInScope(db, workspaceId, memberId, scope))) return undefined;
  const member = await db.selectFrom('member').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow();
  let stayQuery = db
    .selectFrom('membership as s')
    .innerJoin('chat_group as g', 'g.id', 's.group_id')
    .select(['s.joined_at', 's.left_at', 's.left_reason', 's.join_method', 'g.id as group_id', 'g.name as group_name', 'g.platform'])
    .where('s.member_id', '=', memberId);
  let totalQuery = db.selectFrom('member_group_total as t').innerJoin('chat_group as g', 'g.id', 't.group_id').select(['g.id', 'g.name']).where('t.member_id', '=', memberId);
  let dayQuery = db
    .selectFrom('member_group_day')
    .select((eb) => eb.fn.count<number>('day').distinct().as('days'))
    .where('member_id', '=', memberId)
    .where('messages', '>', 0);
  if (scope !== null) {
    stayQuery = stayQuery.where('s.group_id', 'in', [...scope]);
    totalQuery = totalQuery.where('t.group_id', 'in', [...scope]);
    dayQuery = dayQuery.where('group_id', 'in', [...scope]);
  }
  const [identities, stayRows, groups, dayRow] = await Promise.all([
    db.selectFrom('identity').select(['platform', 'external_id', 'display_name', 'username']).where('member_id', '=', memberId).orderBy('id').execute(),
    stayQuery.orderBy('s.joined_at', 'desc').orderBy('s.id', 'desc').execute(),
    totalQuery.orderBy('g.id').execute(),
    dayQuery.executeTakeFirst(),
  ]);
  const stays: MemberStayRecord[] = stayRows.map((s) => ({
    group: { id: s.group_id, name: s.group_name, platform: s.platform },
    joinedAt: iso(s.joined_at)!,
    leftAt: iso(s.left_at),
    leftReason: s.left_reason,
    joinMethod: s.join_method,
  }));
  const figures: MemberGroupFiguresRecord[] = [];
  for (const g of groups) {
    const [f] = await memberFigures(db, g.id, { memberId, limit: 1 });
    if (f) {
      const { memberId: _id, displayName: _name, ...counts } = f;
      figures.push({ group: { id: g.id, name: g.name }, ...counts });
    }
  }
  figures.sort((a, b) => b.messages - a.messages || a.group.id - b.group.id);
  const lastSeen = figures.map((f) => f.lastSeenAt).filter((t): t is string => t !== null);
  return {
    member: { id: member.id, displayName: member.display_name, isBot: member.is_bot === 1, erasedAt: iso(member.erased_at), firstSeenAt: iso(member.first_seen_at)! },
    identities: identities.map((i) => ({ platform: i.platform, externalId: i.external_id, displayName: i.display_name, username: i.username })),
    stays,
    figures,
    totals: {
      messages: figures.reduce((sum, f) => sum + f.messages, 0),
      activeDays: Number(dayRow?.days ?? 0),
      lastSeenAt: lastSeen.length ? lastSeen.sort().at(-1)! : null,
    },
  };
}

/**
 * The link suggestions (src/members/member-links.ts) a caller may act on: both members
 * within their reach, optionally only those naming `memberId`, at most `limit`.
 */
export async function linkSuggestionsInScope(db: Kysely<Database>, workspaceId: number, scope: GroupScope, options: { memberId?: number; limit: number }): Promise<LinkSuggestionRecord[]> {
  if (scope !== null && scope.length === 0) return [];
  const all = await suggestLinks(db, workspaceId, 1_000);
  const wanted = options.memberId === undefined ? all : all.filter((s) => s.memberId === options.memberId || s.otherMemberId === options.memberId);
  if (scope === null) return wanted.slice(0, options.limit);
  const ids = [...new Set(wanted.flatMap((s) => [s.memberId, s.otherMemberId]))];
  if (ids.length === 0) return [];
  const visible = new Set(
    (
      await db
        .selectFrom('membership')
        .select('member_id')
        .distinct()
        .where('member_id', 'in', ids)
        .where('group_id', 'in', [...scope])
        .execute()
    ).map((r) => r.member_id),
  );
  return wanted.filter((s) => visible.has(s.memberId) && visible.has(s.otherMemberId)).slice(0, options.limit);
}
