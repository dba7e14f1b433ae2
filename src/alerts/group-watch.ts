import { sql, type Kysely } from 'kysely';
import { DEFAULT_QUESTION_MINUTES } from '../activation/activation-settings.js';
import { inQuietHours, localTime } from '../activation/silence-rule.js';
import { groupMessages } from '../health/health-queries.js';
import { RESPONSE_WINDOW_MS, unansweredQuestions } from '../health/questions.js';
import type { Database } from '../store/schema.js';
import { enqueueAlertAction } from './alert-outbox.js';
import { raiseAlert } from './alert-store.js';
import { judgeSpike, LEAVE_SPIKE_FLOOR, SPAM_SPIKE_FLOOR, SPIKE_BASELINE_MS, SPIKE_WINDOW_MS } from './spike-rule.js';

/** The rule name the group watch's notices carry in the outbox. */
const RULE = 'group-watch';
/** A question quoted in a notice is cut to this many characters. */
const QUOTE_CHARS = 80;

export interface RaisedWatchAlert {
  alertId: number;
  groupId: number;
  kind: 'leave-spike' | 'spam-spike' | 'unanswered-question';
}

interface WatchedGroup {
  id: number;
  name: string;
  timezone: string;
  operatorChannelId: number | null;
  quiet: { start: string; end: string } | null;
  questionMinutes: number;
}

/**
 * One look at every group of a workspace for what the silence watchdog does not see
 * (docs/metrics.md, "Alerts"): a spike of leaves or of spam in the last hour against the
 * group's usual hour, and a member's question that has waited its group's limit for a first
 * response (never in the group's quiet hours: it is raised when they end, if still open).
 * Each is one alert per occurrence; with it, in the same transaction, a notice to the
 * group's operator channel goes into the outbox.
 */
export async function runGroupWatch(db: Kysely<Database>, workspaceId: number, now: number): Promise<RaisedWatchAlert[]> {
  const groups = await watchedGroups(db, workspaceId);
  if (groups.length === 0) return [];
  const raised: RaisedWatchAlert[] = [];
  const hour = Math.floor(now / SPIKE_WINDOW_MS);

  const leaves = await hourlyCounts(db, 'event', groups, now);
  const spam = await hourlyCounts(db, 'moderation_item', groups, now);
  const raisedSpikes = await spikesWithinHour(db, workspaceId, now);
  for (const g of groups) {
    const recentSpikes = raisedSpikes.get(g.id) ?? new Set<string>();
    const leaveSpike = recentSpikes.has('leave-spike') ? null : judgeSpike(leaves.get(g.id)?.recent ?? 0, leaves.get(g.id)?.baseline ?? 0, LEAVE_SPIKE_FLOOR);
    if (leaveSpike) {
      const notice = `⚠️ 「${g.name}」过去一小时有 ${leaveSpike.count} 人退群（平时每小时约 ${leaveSpike.usualPerHour} 人）/ ${leaveSpike.count} members left "${g.name}" in the last hour (usually ${leaveSpike.usualPerHour} an hour)`;
      const id = await raise(
        db,
        workspaceId,
        g,
        { kind: 'leave-spike', dedupKey: `leave-spike:${g.id}:${hour}`, now, detail: { leaves: leaveSpike.count, usualPerHour: leaveSpike.usualPerHour, notifiedGroupId: g.operatorChannelId } },
        notice,
      );
      if (id !== null) raised.push({ alertId: id, groupId: g.id, kind: 'leave-spike' });
    }
    const spamSpike = recentSpikes.has('spam-spike') ? null : judgeSpike(spam.get(g.id)?.recent ?? 0, spam.get(g.id)?.baseline ?? 0, SPAM_SPIKE_FLOOR);
    if (spamSpike) {
      const notice = `⚠️ 「${g.name}」过去一小时有 ${spamSpike.count} 条疑似广告（平时每小时约 ${spamSpike.usualPerHour} 条）/ ${spamSpike.count} suspected spam messages in "${g.name}" in the last hour (usually ${spamSpike.usualPerHour} an hour)`;
      const id = await raise(
        db,
        workspaceId,
        g,
        { kind: 'spam-spike', dedupKey: `spam-spike:${g.id}:${hour}`, now, detail: { spam: spamSpike.count, usualPerHour: spamSpike.usualPerHour, notifiedGroupId: g.operatorChannelId } },
        notice,
      );
      if (id !== null) raised.push({ alertId: id, groupId: g.id, kind: 'spam-spike' });
    }

    if (inQuietHours(g.quiet, g.timezone, now)) continue;
    const messages = await groupMessages(db, g.id, now - RESPONSE_WINDOW_MS, now + 1);
    for (const q of unansweredQuestions(messages, now, g.questionMinutes)) {
      const waited = Math.floor((now - q.askedAt) / 60_000);
      const quote = q.text.length > QUOTE_CHARS ? `${q.text.slice(0, QUOTE_CHARS)}…` : q.text;
      const notice = `❓ 「${g.name}」有个问题 ${waited} 分钟无人回复（${localTime(g.timezone, q.askedAt)} ${g.timezone}）/ A question in "${g.name}" has waited ${waited} min for an answer: ${quote}`;
      const detail = {
        askedAt: new Date(q.askedAt).toISOString(),
        waitedMinutes: waited,
        limitMinutes: g.questionMinutes,
        memberId: q.memberId,
        messageId: q.messageId,
        text: quote,
        notifiedGroupId: g.operatorChannelId,
      };
      const id = await raise(db, workspaceId, g, { kind: 'unanswered-question', dedupKey: `question:${g.id}:${q.messageId || q.askedAt}`, now, detail }, notice);
      if (id !== null) raised.push({ alertId: id, groupId: g.id, kind: 'unanswered-question' });
    }
  }
  return raised;
}

/** Per group, the spike kinds already raised in the last hour: a spike that goes on is one alert, not one per look. */
async function spikesWithinHour(db: Kysely<Database>, workspaceId: number, now: number): Promise<Map<number, Set<string>>> {
  const rows = await db
    .selectFrom('alert')
    .select(['group_id', 'kind'])
    .where('workspace_id', '=', workspaceId)
    .where('at', '>', now - SPIKE_WINDOW_MS)
    .where('kind', 'in', ['leave-spike', 'spam-spike'])
    .execute();
  const raised = new Map<number, Set<string>>();
  for (const r of rows) if (r.group_id !== null) raised.set(r.group_id, (raised.get(r.group_id) ?? new Set()).add(r.kind));
  return raised;
}

async function watchedGroups(db: Kysely<Database>, workspaceId: number): Promise<WatchedGroup[]> {
  const rows = await db
    .selectFrom('chat_group as g')
    .leftJoin('group_activation as a', 'a.group_id', 'g.id')
    .select(['g.id', 'g.name', 'g.timezone', 'a.operator_channel_id', 'a.quiet_start', 'a.quiet_end', 'a.question_minutes'])
    .where('g.workspace_id', '=', workspaceId)
    .orderBy('g.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    timezone: r.timezone,
    operatorChannelId: r.operator_channel_id ?? null,
    quiet: r.quiet_start && r.quiet_end ? { start: r.quiet_start, end: r.quiet_end } : null,
    questionMinutes: r.question_minutes ?? DEFAULT_QUESTION_MINUTES,
  }));
}

/** Per group: leaves (from the event log) or spam verdicts (the moderation queue) in the last hour, and in the 14 days before it. */
async function hourlyCounts(db: Kysely<Database>, source: 'event' | 'moderation_item', groups: readonly WatchedGroup[], now: number): Promise<Map<number, { recent: number; baseline: number }>> {
  const hourStart = now - SPIKE_WINDOW_MS;
  const from = hourStart - SPIKE_BASELINE_MS;
  const ids = groups.map((g) => g.id);
  const rows =
    source === 'event'
      ? await db
          .selectFrom('event')
          .select([
            'group_id',
            sql<number>`sum(case when occurred_at >= ${hourStart} then 1 else 0 end)`.as('recent'),
            sql<number>`sum(case when occurred_at < ${hourStart} then 1 else 0 end)`.as('baseline'),
          ])
          .where('group_id', 'in', ids)
          .where('kind', '=', 'member.left')
          .where('occurred_at', '>=', from)
          .where('occurred_at', '<=', now)
          .groupBy('group_id')
          .execute()
      : await db
          .selectFrom('moderation_item')
          .select([
            'group_id',
            sql<number>`sum(case when created_at >= ${hourStart} then 1 else 0 end)`.as('recent'),
            sql<number>`sum(case when created_at < ${hourStart} then 1 else 0 end)`.as('baseline'),
          ])
          .where('group_id', 'in', ids)
          .where('created_at', '>=', from)
          .where('created_at', '<=', now)
          .groupBy('group_id')
          .execute();
  return new Map(rows.map((r) => [r.group_id, { recent: Number(r.recent), baseline: Number(r.baseline) }]));
}

async function raise(
  db: Kysely<Database>,
  workspaceId: number,
  group: WatchedGroup,
  alert: { kind: RaisedWatchAlert['kind']; dedupKey: string; now: number; detail: Record<string, unknown> },
  notice: string,
): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    const alertId = await raiseAlert(trx, { workspaceId, groupId: group.id, kind: alert.kind, dedupKey: alert.dedupKey, at: alert.now, detail: alert.detail });
    if (alertId !== null && group.operatorChannelId !== null)
      await enqueueAlertAction(
        trx,
        { workspaceId, groupId: group.operatorChannelId, key: `alert:${alertId}:notify`, rule: RULE, now: alert.now },
        { type: 'send_message', groupId: group.operatorChannelId, text: notice },
      );
    return alertId;
  });
}
