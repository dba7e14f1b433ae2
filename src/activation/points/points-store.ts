import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { checkAction } from '../../core/action.js';
import { enqueueAction } from '../../outbox/enqueue-action.js';
import { dayIn } from '../../core/calendar.js';
import type { CheckinDay, LeaderboardLine, MemberPoints, MonthMedal, PointsGroupLine } from '../../shared/points-records.js';
import type { Database } from '../../store/schema.js';
import { addPoints, balanceOf, earnedOf, InvalidPointsError } from './points-ledger.js';
import { levelFor, streakEnding, type Level } from './points-rules.js';

export type { LeaderboardLine, LedgerLine, MemberPoints, PointsGroupLine } from '../../shared/points-records.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The rule name outbox rows of points and check-in carry. */
export const POINTS_RULE = 'points';

/** A member or month the caller named that is not there. */
export class PointsNotFoundError extends Error {
  override readonly name = 'PointsNotFoundError';
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Checks a 'YYYY-MM' month; throws naming it when it is not one. */
export function checkMonth(month: string): string {
  if (!MONTH.test(month)) throw new InvalidPointsError(`month must be YYYY-MM, got ${JSON.stringify(month)}`);
  return month;
}

/** Awards medals once each (per member, group and period); returns the ones newly awarded. */
export async function awardMedals(trx: Db, who: { workspaceId: number; groupId: number; memberId: number }, medals: readonly string[], period: string, at: number): Promise<string[]> {
  const awarded: string[] = [];
  for (const medal of medals) {
    const result = await trx
      .insertInto('member_medal')
      .values({ workspace_id: who.workspaceId, group_id: who.groupId, member_id: who.memberId, medal, period, awarded_at: at })
      .onConflict((oc) => oc.columns(['group_id', 'member_id', 'medal', 'period']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) awarded.push(medal);
  }
  return awarded;
}

/** Writes one message to a group's outbox, once per idempotency key; true when written. */
export async function planPointsMessage(
  trx: Db,
  group: { id: number; workspaceId: number; platform: string },
  key: string,
  message: { text: string; replyTo?: string; mentions?: number[] },
  now: number,
): Promise<boolean> {
  const checked = checkAction({ type: 'send_message', groupId: group.id, ...message });
  if (!checked.ok) throw new Error(`the points message cannot be sent: ${checked.reason}`);
  return enqueueAction(trx, { workspaceId: group.workspaceId, groupId: group.id, platform: group.platform, key, rule: POINTS_RULE, now }, checked.action);
}

/** Earned in a period: credits, and operators' adjustments either way; spending (make-ups, draws) does not lower it. */
const earnedPoints = sql<number>`sum(case when points_entry.points > 0 or points_entry.reason = 'adjust' then points_entry.points else 0 end)`;

/** A group's leaderboard for one month ('YYYY-MM', days in the group's time zone), best first; members with nothing earned are left out. */
export async function leaderboard(db: Db, groupId: number, month: string, levels: readonly Level[], limit = 20): Promise<LeaderboardLine[]> {
  checkMonth(month);
  const rows = await db
    .selectFrom('points_entry')
    .innerJoin('member', 'member.id', 'points_entry.member_id')
    .select(['points_entry.member_id as memberId', 'member.display_name as name', earnedPoints.as('points')])
    .where('points_entry.group_id', '=', groupId)
    .where('points_entry.day', '>=', `${month}-01`)
    .where('points_entry.day', '<=', `${month}-31`)
    .groupBy(['points_entry.member_id', 'member.display_name'])
    .orderBy('points', 'desc')
    .orderBy('points_entry.member_id', 'asc')
    .limit(limit * 2)
    .execute();
  const lines = rows
    .map((r) => ({ memberId: r.memberId, name: r.name, points: Number(r.points) }))
    .filter((r) => r.points > 0)
    .slice(0, limit);
  if (lines.length === 0) return [];
  const ids = lines.map((l) => l.memberId);
  const checkins = new Map(
    (
      await db
        .selectFrom('checkin')
        .select(['member_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('group_id', '=', groupId)
        .where('member_id', 'in', ids)
        .where('day', '>=', `${month}-01`)
        .where('day', '<=', `${month}-31`)
        .groupBy('member_id')
        .execute()
    ).map((r) => [r.member_id, Number(r.n)]),
  );
  const earned = new Map(
    (await db.selectFrom('points_balance').select(['member_id', 'earned']).where('group_id', '=', groupId).where('member_id', 'in', ids).execute()).map((r) => [r.member_id, Number(r.earned)]),
  );
  return lines.map((l, i) => {
    const total = earned.get(l.memberId) ?? 0;
    const level = levelFor(levels, total);
    return { rank: i + 1, ...l, checkins: checkins.get(l.memberId) ?? 0, earned: total, level: level.level, title: { zh: level.zh, en: level.en } };
  });
}

/** Who earned the most of one kind of points in a group's month (ties: the earlier member), or null. */
export async function topOf(db: Db, groupId: number, month: string, reason: string): Promise<{ memberId: number; name: string; points: number } | null> {
  const row = await db
    .selectFrom('points_entry')
    .innerJoin('member', 'member.id', 'points_entry.member_id')
    .select(['points_entry.member_id as memberId', 'member.display_name as name', (eb) => eb.fn.sum<number | string>('points_entry.points').as('points')])
    .where('points_entry.group_id', '=', groupId)
    .where('points_entry.reason', '=', reason)
    .where('points_entry.day', '>=', `${month}-01`)
    .where('points_entry.day', '<=', `${month}-31`)
    .groupBy(['points_entry.member_id', 'member.display_name'])
    .orderBy('points', 'desc')
    .orderBy('points_entry.member_id', 'asc')
    .limit(1)
    .executeTakeFirst();
  return row && Number(row.points) > 0 ? { memberId: row.memberId, name: row.name, points: Number(row.points) } : null;
}

/** Each day's check-ins in a group's month, for the chart. */
export async function checkinsByDay(db: Db, groupId: number, month: string): Promise<CheckinDay[]> {
  checkMonth(month);
  const rows = await db
    .selectFrom('checkin')
    .select(['day', (eb) => eb.fn.countAll<number | string>().as('n'), (eb) => eb.fn.sum<number | string>('makeup').as('m')])
    .where('group_id', '=', groupId)
    .where('day', '>=', `${month}-01`)
    .where('day', '<=', `${month}-31`)
    .groupBy('day')
    .orderBy('day')
    .execute();
  return rows.map((r) => ({ day: r.day, checkins: Number(r.n), makeups: Number(r.m ?? 0) }));
}

/** One member's points: balance, each group's level and streak, medals, and the latest ledger entries; `groupIds` null: every group. */
export async function memberPoints(
  db: Db,
  workspaceId: number,
  memberId: number,
  options: { groupIds: number[] | null; now: number; limit?: number; levelsOf: (groupId: number) => Promise<readonly Level[]> },
): Promise<MemberPoints> {
  const member = await db.selectFrom('member').select(['id', 'display_name']).where('id', '=', memberId).where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!member) throw new PointsNotFoundError(`no member ${memberId}`);
  const scope = options.groupIds;
  const inScope = (groupId: number) => scope === null || scope.includes(groupId);
  const balances = (await db.selectFrom('points_balance').select(['group_id', 'balance', 'earned']).where('workspace_id', '=', workspaceId).where('member_id', '=', memberId).execute()).filter(
    (b) => b.group_id === 0 || inScope(b.group_id),
  );
  const groupIds = balances.map((b) => b.group_id).filter((g) => g !== 0);
  const names = new Map(groupIds.length ? (await db.selectFrom('chat_group').select(['id', 'name', 'timezone']).where('id', 'in', groupIds).execute()).map((g) => [g.id, g]) : []);
  const groups: MemberPoints['groups'] = [];
  for (const b of balances) {
    if (b.group_id === 0) continue;
    const g = names.get(b.group_id);
    const days = (await db.selectFrom('checkin').select('day').where('group_id', '=', b.group_id).where('member_id', '=', memberId).orderBy('day', 'desc').limit(400).execute()).map((r) => r.day);
    const set = new Set(days);
    const today = dayIn(g?.timezone ?? 'UTC', options.now);
    const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const level = levelFor(await options.levelsOf(b.group_id), Number(b.earned));
    groups.push({
      groupId: b.group_id,
      groupName: g?.name ?? `#${b.group_id}`,
      balance: Number(b.balance),
      earned: Number(b.earned),
      level: level.level,
      title: { zh: level.zh, en: level.en },
      streak: set.has(today) ? streakEnding(set, today) : streakEnding(set, yesterday),
      checkins: days.length,
    });
  }
  const medals = (
    await db
      .selectFrom('member_medal')
      .select(['medal', 'group_id', 'period', 'awarded_at'])
      .where('workspace_id', '=', workspaceId)
      .where('member_id', '=', memberId)
      .orderBy('awarded_at', 'desc')
      .execute()
  )
    .filter((m) => inScope(m.group_id))
    .map((m) => ({ medal: m.medal, groupId: m.group_id, period: m.period, awardedAt: new Date(Number(m.awarded_at)).toISOString() }));
  let entriesQuery = db
    .selectFrom('points_entry')
    .leftJoin('chat_group', 'chat_group.id', 'points_entry.group_id')
    .select([
      'points_entry.id',
      'points_entry.group_id',
      'chat_group.name as group_name',
      'points_entry.points',
      'points_entry.reason',
      'points_entry.note',
      'points_entry.day',
      'points_entry.at',
      'points_entry.created_by',
    ])
    .where('points_entry.workspace_id', '=', workspaceId)
    .where('points_entry.member_id', '=', memberId);
  if (scope !== null) entriesQuery = entriesQuery.where('points_entry.group_id', 'in', [0, ...scope]);
  const entries = await entriesQuery
    .orderBy('points_entry.at', 'desc')
    .orderBy('points_entry.id', 'desc')
    .limit(options.limit ?? 100)
    .execute();
  return {
    member: { id: member.id, name: member.display_name },
    balance: balances.reduce((sum, b) => sum + Number(b.balance), 0),
    groups,
    medals,
    entries: entries.map((e) => ({
      id: Number(e.id),
      groupId: e.group_id === 0 ? null : e.group_id,
      groupName: e.group_name ?? null,
      points: Number(e.points),
      reason: e.reason,
      note: e.note,
      day: e.day,
      at: new Date(Number(e.at)).toISOString(),
      createdBy: e.created_by,
    })),
  };
}

/**
 * An operator's adjustment (points ±n with a reason), credited once: the ref is fresh
 * per request. A debit beyond the member's balance in that group is refused
 * ({@link InvalidPointsError}), storing nothing.
 */
export async function adjustPoints(
  db: Kysely<Database>,
  input: { workspaceId: number; groupId: number | null; memberId: number; points: number; note: string; by: string },
  now: number,
): Promise<{ entryId: number; balance: number }> {
  const note = input.note.trim();
  if (note.length === 0 || note.length > 200) throw new InvalidPointsError('an adjustment needs a reason of 1 to 200 characters');
  const member = await db.selectFrom('member').select('id').where('id', '=', input.memberId).where('workspace_id', '=', input.workspaceId).executeTakeFirst();
  if (!member) throw new PointsNotFoundError(`no member ${input.memberId}`);
  const result = await db.transaction().execute((trx) =>
    addPoints(trx, {
      workspaceId: input.workspaceId,
      groupId: input.groupId,
      memberId: input.memberId,
      points: input.points,
      reason: 'adjust',
      ref: `adjust:${randomUUID()}`,
      at: now,
      note,
      createdBy: input.by,
    }),
  );
  if (result.status === 'insufficient') throw new InvalidPointsError(`the member has ${result.balance} points there; a debit of ${-input.points} would take them below zero`);
  if (result.status !== 'credited') throw new Error('a fresh adjustment reference was already used');
  return { entryId: result.entryId, balance: result.balance };
}

export { balanceOf, earnedOf };

/** A workspace's groups with their points switch and this month's figures; `groupIds` null: every group. */
export async function pointsGroups(db: Db, workspaceId: number, groupIds: number[] | null, now: number): Promise<PointsGroupLine[]> {
  let query = db
    .selectFrom('chat_group')
    .leftJoin('points_settings', 'points_settings.group_id', 'chat_group.id')
    .select(['chat_group.id', 'chat_group.name', 'chat_group.platform', 'chat_group.timezone', 'points_settings.enabled'])
    .where('chat_group.workspace_id', '=', workspaceId);
  if (groupIds !== null) query = query.where('chat_group.id', 'in', groupIds.length ? groupIds : [-1]);
  const groups = await query.orderBy('chat_group.id').execute();
  const lines: PointsGroupLine[] = [];
  for (const g of groups) {
    const month = dayIn(g.timezone, now).slice(0, 7);
    const figures = await db
      .selectFrom('points_entry')
      .select([earnedPoints.as('points'), (eb) => eb.fn.count<number | string>('member_id').distinct().as('members')])
      .where('group_id', '=', g.id)
      .where('day', '>=', `${month}-01`)
      .where('day', '<=', `${month}-31`)
      .executeTakeFirst();
    const checkins = await db
      .selectFrom('checkin')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('group_id', '=', g.id)
      .where('day', '>=', `${month}-01`)
      .where('day', '<=', `${month}-31`)
      .executeTakeFirst();
    lines.push({
      groupId: g.id,
      name: g.name,
      platform: g.platform,
      enabled: g.enabled === 1,
      month,
      points: Number(figures?.points ?? 0),
      checkins: Number(checkins?.n ?? 0),
      members: Number(figures?.members ?? 0),
    });
  }
  return lines;
}

/** The medals awarded in a group for a month ('YYYY-MM'), with the members' names. */
export async function monthMedals(db: Db, groupId: number, month: string): Promise<MonthMedal[]> {
  checkMonth(month);
  const rows = await db
    .selectFrom('member_medal')
    .innerJoin('member', 'member.id', 'member_medal.member_id')
    .select(['member_medal.member_id', 'member.display_name', 'member_medal.medal', 'member_medal.period', 'member_medal.awarded_at'])
    .where('member_medal.group_id', '=', groupId)
    .orderBy('member_medal.awarded_at')
    .execute();
  return rows
    .filter((r) => r.period === month || (r.period === '' && new Date(Number(r.awarded_at)).toISOString().slice(0, 7) === month))
    .map((r) => ({ memberId: r.member_id, name: r.display_name, medal: r.medal }));
}
