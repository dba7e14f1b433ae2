import { sql, type Kysely } from 'kysely';
import { dayIn, daysEnding } from '../core/calendar.js';
import type { Database } from '../store/schema.js';

/** A group's figures over some days. */
export interface Figures {
  messages: number;
  activeMembers: number;
  joins: number;
  leaves: number;
}

export interface DailySeries {
  messages: number[];
  activeMembers: number[];
  joins: number[];
  leaves: number[];
}

export interface GroupActivity {
  id: number;
  name: string;
  platform: string;
  type: string | null;
  purpose: string | null;
  theme: string | null;
  audience: string | null;
  timezone: string;
  members: number;
  lastMessageAt: string | null;
  /** The group's own calendar days (its time zone), oldest first; the last is its today. */
  days: string[];
  series: DailySeries;
  today: Figures;
  last7: Figures;
}

/**
 * Activity of a workspace's groups over the last `dayCount` days, read from the
 * rollups only (never the event log), with a handful of queries however many groups
 * there are. Each group's days are calendar days in its own time zone.
 */
export async function groupsActivity(db: Kysely<Database>, workspaceId: number, options: { now: number; days: number; groupIds?: number[] }): Promise<GroupActivity[]> {
  let q = db.selectFrom('chat_group').select(['id', 'name', 'platform', 'type', 'purpose', 'theme', 'audience', 'timezone']).where('workspace_id', '=', workspaceId).orderBy('id');
  if (options.groupIds) q = q.where('id', 'in', options.groupIds.length ? options.groupIds : [-1]);
  const groups = await q.execute();
  if (groups.length === 0) return [];
  const ids = groups.map((g) => g.id);
  const dayCount = Math.max(options.days, 7);
  const windows = new Map(groups.map((g) => [g.id, daysEnding(dayIn(g.timezone, options.now), dayCount)]));
  const earliest = [...windows.values()].map((d) => d[0]!).sort()[0]!;

  const [dayRows, activeRows, memberRows, lastRows] = await Promise.all([
    db.selectFrom('group_day').select(['group_id', 'day', 'messages', 'joins', 'leaves']).where('group_id', 'in', ids).where('day', '>=', earliest).execute(),
    db.selectFrom('member_group_day').select(['group_id', 'day', 'member_id']).where('group_id', 'in', ids).where('day', '>=', earliest).where('messages', '>', 0).execute(),
    db
      .selectFrom('membership')
      .select((eb) => ['group_id', eb.fn.countAll<number>().as('n')])
      .where('group_id', 'in', ids)
      .where('left_at', 'is', null)
      .groupBy('group_id')
      .execute(),
    db
      .selectFrom('member_group_total')
      .select((eb) => ['group_id', eb.fn.max<number>('last_message_at').as('last')])
      .where('group_id', 'in', ids)
      .groupBy('group_id')
      .execute(),
  ]);

  const byGroupDay = new Map(dayRows.map((r) => [`${r.group_id}|${r.day}`, r]));
  const activeByGroupDay = new Map<string, Set<number>>();
  for (const r of activeRows) {
    const key = `${r.group_id}|${r.day}`;
    let set = activeByGroupDay.get(key);
    if (!set) activeByGroupDay.set(key, (set = new Set()));
    set.add(r.member_id);
  }
  const members = new Map(memberRows.map((r) => [r.group_id, Number(r.n)]));
  const last = new Map(lastRows.map((r) => [r.group_id, r.last === null ? null : Number(r.last)]));

  return groups.map((g) => {
    const all = windows.get(g.id)!;
    const shown = all.slice(-options.days);
    const series: DailySeries = { messages: [], activeMembers: [], joins: [], leaves: [] };
    for (const day of shown) {
      const row = byGroupDay.get(`${g.id}|${day}`);
      series.messages.push(row?.messages ?? 0);
      series.joins.push(row?.joins ?? 0);
      series.leaves.push(row?.leaves ?? 0);
      series.activeMembers.push(activeByGroupDay.get(`${g.id}|${day}`)?.size ?? 0);
    }
    const figures = (days: string[]): Figures => {
      const active = new Set<number>();
      const f = { messages: 0, activeMembers: 0, joins: 0, leaves: 0 };
      for (const day of days) {
        const row = byGroupDay.get(`${g.id}|${day}`);
        f.messages += row?.messages ?? 0;
        f.joins += row?.joins ?? 0;
        f.leaves += row?.leaves ?? 0;
        activeByGroupDay.get(`${g.id}|${day}`)?.forEach((m) => active.add(m));
      }
      f.activeMembers = active.size;
      return f;
    };
    const lastAt = last.get(g.id) ?? null;
    return {
      ...g,
      members: members.get(g.id) ?? 0,
      lastMessageAt: lastAt === null ? null : new Date(lastAt).toISOString(),
      days: shown,
      series,
      today: figures(all.slice(-1)),
      last7: figures(all.slice(-7)),
    };
  });
}

/** The number of distinct members of a workspace's groups (people, not memberships); `groupIds` narrows it to those groups. */
export async function workspaceMemberCount(db: Kysely<Database>, workspaceId: number, groupIds?: readonly number[]): Promise<number> {
  let q = db
    .selectFrom('membership')
    .innerJoin('chat_group', 'chat_group.id', 'membership.group_id')
    .select(sql<number>`count(distinct membership.member_id)`.as('n'))
    .where('chat_group.workspace_id', '=', workspaceId)
    .where('membership.left_at', 'is', null);
  if (groupIds) q = q.where('chat_group.id', 'in', groupIds.length ? [...groupIds] : [-1]);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}
