import { sql, type Kysely } from 'kysely';
import { dayIn } from '../core/calendar.js';
import type { Database } from '../store/schema.js';
import { dayStart, groupHealth, groupMessages, nextDay } from '../health/health-queries.js';
import type { LifecycleStage } from '../health/lifecycle.js';
import { firstResponses, median } from '../health/questions.js';
import { longestSilenceHours, top20Share } from './group-metrics.js';

/** One group's figures, as `hearth metrics --json` prints them (ARCHITECTURE.md, public interface). */
export interface GroupMetrics {
  id: number;
  name: string;
  platform: string;
  timezone: string;
  messages: number;
  senders: number;
  joins: number;
  leaves: number;
  replies: number;
  reactions: number;
  firstMessageAt: string | null;
  lastMessageAt: string | null;
  activeDays: number;
  longestSilenceHours: number;
  top20Share: number;
  /** Days with ≥ 1 message among the 7 ending `to` (or today). */
  weeklyActiveDays: number;
  /** Messages of those 7 days ÷ their active days. */
  messagesOnActiveDays: number;
  /** Members whose first message in the group falls in the window. */
  newSpeakers: number;
  questions: number;
  answeredQuestions: number;
  /** Median minutes from a question in the window to its first response; null with none answered. */
  medianFirstResponseMinutes: number | null;
  /** As of `to` (or today). */
  lifecycleStage: LifecycleStage;
  /** 0–100, as of `to` (or today). */
  healthScore: number;
}

export interface MetricsQuery {
  workspaceId: number;
  groupIds?: number[];
  /** Inclusive calendar days ('YYYY-MM-DD') in each group's time zone. */
  from?: string;
  to?: string;
  /** The clock: "today" when `to` is absent. */
  now?: number;
}

/**
 * Figures per group from the rollups (counts, senders, active days, top-20% share)
 * and, for the longest silence, the group's message times read in order from the
 * event log's (group, kind, time) index.
 */
export async function metricsReport(db: Kysely<Database>, query: MetricsQuery): Promise<GroupMetrics[]> {
  let groupsQuery = db.selectFrom('chat_group').select(['id', 'name', 'platform', 'timezone']).where('workspace_id', '=', query.workspaceId).orderBy('id');
  if (query.groupIds) groupsQuery = groupsQuery.where('id', 'in', query.groupIds.length ? query.groupIds : [-1]);
  const groups = await groupsQuery.execute();
  const out: GroupMetrics[] = [];
  for (const group of groups) {
    let days = db
      .selectFrom('group_day')
      .select((eb) => [
        eb.fn.coalesce(eb.fn.sum<number>('messages'), sql<number>`0`).as('messages'),
        eb.fn.coalesce(eb.fn.sum<number>('replies'), sql<number>`0`).as('replies'),
        eb.fn.coalesce(eb.fn.sum<number>('reactions'), sql<number>`0`).as('reactions'),
        eb.fn.coalesce(eb.fn.sum<number>('joins'), sql<number>`0`).as('joins'),
        eb.fn.coalesce(eb.fn.sum<number>('leaves'), sql<number>`0`).as('leaves'),
        eb.fn.count<number>('day').filterWhere('messages', '>', 0).as('active_days'),
      ])
      .where('group_id', '=', group.id);
    let perMember = db
      .selectFrom('member_group_day')
      .select((eb) => ['member_id', eb.fn.sum<number>('messages').as('messages')])
      .where('group_id', '=', group.id)
      .where('messages', '>', 0)
      .groupBy('member_id');
    if (query.from) {
      days = days.where('day', '>=', query.from);
      perMember = perMember.where('day', '>=', query.from);
    }
    if (query.to) {
      days = days.where('day', '<=', query.to);
      perMember = perMember.where('day', '<=', query.to);
    }
    const totals = await days.executeTakeFirstOrThrow();
    const senders = (await perMember.execute()).map((r) => Number(r.messages));
    const times = await messageTimes(db, group.id, group.timezone, query.from, query.to);
    const now = query.now ?? Date.now();
    const asOf = query.to ?? dayIn(group.timezone, now);
    const [health, windowMessages, firsts] = await Promise.all([
      groupHealth(db, group, asOf, now),
      groupMessages(db, group.id, query.from ? dayStart(group.timezone, query.from) : 0, query.to ? dayStart(group.timezone, nextDay(query.to)) : Number.MAX_SAFE_INTEGER),
      db.selectFrom('member_group_total').select('first_message_at').where('group_id', '=', group.id).where('first_message_at', 'is not', null).execute(),
    ]);
    const inWindow = (at: number) => {
      const day = dayIn(group.timezone, at);
      return (!query.from || day >= query.from) && (!query.to || day <= query.to);
    };
    const questions = firstResponses(windowMessages);
    const answered = questions.filter((q) => q.responseMinutes !== null).map((q) => q.responseMinutes!);
    out.push({
      id: group.id,
      name: group.name,
      platform: group.platform,
      timezone: group.timezone,
      messages: Number(totals.messages),
      senders: senders.length,
      joins: Number(totals.joins),
      leaves: Number(totals.leaves),
      replies: Number(totals.replies),
      reactions: Number(totals.reactions),
      firstMessageAt: times.length ? new Date(times[0]!).toISOString() : null,
      lastMessageAt: times.length ? new Date(times[times.length - 1]!).toISOString() : null,
      activeDays: Number(totals.active_days),
      longestSilenceHours: longestSilenceHours(times),
      top20Share: top20Share(senders),
      weeklyActiveDays: health.weeklyActiveDays,
      messagesOnActiveDays: health.messagesOnActiveDays,
      newSpeakers: firsts.filter((r) => inWindow(Number(r.first_message_at))).length,
      questions: questions.length,
      answeredQuestions: answered.length,
      medianFirstResponseMinutes: median(answered),
      lifecycleStage: health.lifecycle.stage,
      healthScore: health.health.score,
    });
  }
  return out;
}

async function messageTimes(db: Kysely<Database>, groupId: number, timezone: string, from?: string, to?: string): Promise<number[]> {
  const rows = await db.selectFrom('event').select('occurred_at').where('group_id', '=', groupId).where('kind', 'in', ['message', 'command']).orderBy('occurred_at').execute();
  const times = rows.map((r) => Number(r.occurred_at));
  if (!from && !to) return times;
  return times.filter((t) => {
    const day = dayIn(timezone, t);
    return (!from || day >= from) && (!to || day <= to);
  });
}
