import type { Kysely } from 'kysely';
import { dayIn } from '../core/calendar.js';
import type { Database } from '../store/schema.js';
import { type CohortStay, type CohortTable, cohortTable, mergeCohortTables, weekStartOf } from './cohorts.js';
import { dayStart } from './health-queries.js';

const DAY_MS = 86_400_000;

/** A group as the cohort reads need it. */
export interface CohortGroup {
  id: number;
  workspace_id: number;
  timezone: string;
}

/** The cohort options the API and the CLI take. */
export interface CohortOptions {
  asOf: string;
  weeks: number;
  by: 'week' | 'channel';
}

/**
 * A group's retention cohorts and churn (docs/metrics.md, "Retention cohorts"): every
 * stay of the members (bots left out) whose stays reach into the weeks shown, their
 * speaking days from the rollups, and each stay's channel from the growth code its
 * join named. Days are the group's time zone's.
 */
export async function groupCohorts(db: Kysely<Database>, group: CohortGroup, options: CohortOptions): Promise<CohortTable> {
  const tz = group.timezone;
  const firstWeek = new Date(Date.parse(`${weekStartOf(options.asOf)}T00:00:00Z`) - (options.weeks - 1) * 7 * DAY_MS).toISOString().slice(0, 10);
  const from = dayStart(tz, firstWeek);

  // members with a stay open at or after the first week's start: their every stay, so a first join before it is seen
  const rows = await db
    .selectFrom('membership as s')
    .innerJoin('member as m', 'm.id', 's.member_id')
    .select(['s.member_id', 's.joined_at', 's.left_at', 's.code'])
    .where('s.group_id', '=', group.id)
    .where('m.is_bot', '=', 0)
    .where('s.member_id', 'in', (eb) =>
      eb
        .selectFrom('membership as r')
        .select('r.member_id')
        .where('r.group_id', '=', group.id)
        .where((w) => w.or([w('r.left_at', 'is', null), w('r.left_at', '>=', from)])),
    )
    .execute();
  const codes = [...new Set(rows.map((r) => r.code).filter((c): c is string => c !== null))];
  const channelOf = new Map<string, string | null>();
  for (let i = 0; i < codes.length; i += 500) {
    const found = await db
      .selectFrom('growth_code')
      .select(['code', 'channel'])
      .where('workspace_id', '=', group.workspace_id)
      .where('code', 'in', codes.slice(i, i + 500))
      .execute();
    for (const f of found) channelOf.set(f.code, f.channel);
  }
  const stays: CohortStay[] = rows.map((r) => ({
    memberId: r.member_id,
    joinDay: dayIn(tz, Number(r.joined_at)),
    leftDay: r.left_at === null ? null : dayIn(tz, Number(r.left_at)),
    channel: r.code === null ? null : (channelOf.get(r.code) ?? null),
  }));

  const dayRows = await db
    .selectFrom('member_group_day')
    .select(['member_id', 'day'])
    .where('group_id', '=', group.id)
    .where('day', '>=', firstWeek)
    .where('day', '<=', options.asOf)
    .where('messages', '>', 0)
    .execute();
  const speakingDays = new Map<number, string[]>();
  for (const r of dayRows) {
    let days = speakingDays.get(r.member_id);
    if (!days) speakingDays.set(r.member_id, (days = []));
    days.push(r.day);
  }
  return cohortTable({ stays, speakingDays, asOf: options.asOf, weeks: options.weeks, by: options.by });
}

/**
 * The workspace's cohorts: each group's (in its own time zone, as of the day `now`
 * falls on there) added together; `groupIds` limits them to an operator's groups.
 * The weeks are labelled by the day `now` falls on in UTC.
 */
export async function workspaceCohorts(
  db: Kysely<Database>,
  workspaceId: number,
  groupIds: readonly number[] | null,
  options: { now: number; weeks: number; by: 'week' | 'channel' },
): Promise<CohortTable & { groups: number }> {
  let query = db.selectFrom('chat_group').select(['id', 'workspace_id', 'timezone']).where('workspace_id', '=', workspaceId);
  if (groupIds) query = groupIds.length > 0 ? query.where('id', 'in', [...groupIds]) : query.where(({ lit }) => lit(false));
  const groups = await query.orderBy('id').execute();
  const asOf = dayIn('UTC', options.now);
  const tables: CohortTable[] = [];
  for (const g of groups) tables.push(await groupCohorts(db, g, { asOf: dayIn(g.timezone, options.now), weeks: options.weeks, by: options.by }));
  return { ...mergeCohortTables(tables, asOf, options.weeks, options.by), groups: groups.length };
}
