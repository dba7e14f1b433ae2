import { sql, type Kysely } from 'kysely';
import { raiseAlert } from '../alerts/alert-store.js';
import { enqueueAlertAction } from '../alerts/alert-outbox.js';
import { runGroupWatch } from '../alerts/group-watch.js';
import { ensureJob } from '../scheduler/job-store.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { Database } from '../store/schema.js';
import { DEFAULT_ROW, silenceSettingsOf } from './activation-settings.js';
import { judgeSilence, localTime } from './silence-rule.js';

export const WATCHDOG_KIND = 'silence-watchdog';
/** The watchdog looks every 10 minutes: with a 60-minute lead, the alert comes 50 to 60 minutes before the threshold. */
export const WATCHDOG_CRON = '*/10 * * * *';
/** The rule name its actions carry in the outbox. */
const RULE = 'silence-watchdog';

export interface RaisedSilence {
  alertId: number;
  groupId: number;
  silentMinutes: number;
  notified: number | null;
  topic: string | null;
}

/**
 * One look at every group of a workspace: a group silent (no member message) for its
 * threshold less the lead, outside its quiet hours, gets one `silence` alert for this
 * stretch (keyed by the group and the time its silence began); with the alert, in the
 * same transaction, the operator channel's notice and the next prepared topic go into
 * the outbox, so they are sent once, like any action.
 */
export async function runSilenceWatchdog(db: Kysely<Database>, workspaceId: number, now: number): Promise<RaisedSilence[]> {
  const lastSpoken = db
    .selectFrom('member_group_total as t')
    .innerJoin('member as m', 'm.id', 't.member_id')
    .select(['t.group_id', sql<number | null>`max(t.last_message_at)`.as('last_at')])
    .where('m.is_bot', '=', 0)
    .groupBy('t.group_id')
    .as('spoken');
  const groups = await db
    .selectFrom('chat_group as g')
    .leftJoin(lastSpoken, 'spoken.group_id', 'g.id')
    .leftJoin('group_activation as a', 'a.group_id', 'g.id')
    .select([
      'g.id',
      'g.name',
      'g.timezone',
      'g.created_at',
      'spoken.last_at',
      'a.silence_minutes',
      'a.warn_minutes',
      'a.quiet_start',
      'a.quiet_end',
      'a.operator_channel_id',
      'a.post_topic',
      'a.topics',
      'a.topic_next',
    ])
    .where('g.workspace_id', '=', workspaceId)
    .orderBy('g.id')
    .execute();

  const raised: RaisedSilence[] = [];
  for (const g of groups) {
    const row =
      g.silence_minutes === null
        ? DEFAULT_ROW
        : {
            silence_minutes: g.silence_minutes,
            warn_minutes: g.warn_minutes ?? DEFAULT_ROW.warn_minutes,
            quiet_start: g.quiet_start,
            quiet_end: g.quiet_end,
            operator_channel_id: g.operator_channel_id,
            post_topic: g.post_topic ?? 0,
            topics: g.topics ?? '[]',
            topic_next: g.topic_next ?? 0,
            question_minutes: null,
          };
    const since = await silentSince(db, g.id, g.last_at === null ? null : Number(g.last_at), Number(g.created_at), now);
    if (since === null) continue;
    const verdict = judgeSilence(silenceSettingsOf(row), g.timezone, since, now);
    if (verdict.kind !== 'alert') continue;
    const done = await db.transaction().execute(async (trx) => {
      const topics = JSON.parse(row.topics) as string[];
      const topic = row.post_topic === 1 && topics.length > 0 ? topics[row.topic_next % topics.length]! : null;
      const alertId = await raiseAlert(trx, {
        workspaceId,
        groupId: g.id,
        kind: 'silence',
        dedupKey: `silence:${g.id}:${since}`,
        at: now,
        detail: {
          silentSince: new Date(since).toISOString(),
          silentMinutes: verdict.silentMinutes,
          thresholdMinutes: row.silence_minutes,
          notifiedGroupId: row.operator_channel_id,
          topic,
        },
      });
      if (alertId === null) return null;
      if (row.operator_channel_id !== null) {
        const hours = Math.floor(verdict.silentMinutes / 60);
        const text = `⚠️ 「${g.name}」已 ${hours} 小时无人发言（自 ${localTime(g.timezone, since)} ${g.timezone}）/ "${g.name}" has had no member message for ${hours} h (since ${localTime(g.timezone, since)} ${g.timezone})`;
        await enqueueAlertAction(
          trx,
          { workspaceId, groupId: row.operator_channel_id, key: `alert:${alertId}:notify`, rule: RULE, now },
          { type: 'send_message', groupId: row.operator_channel_id, text },
        );
      }
      if (topic !== null) {
        await enqueueAlertAction(trx, { workspaceId, groupId: g.id, key: `alert:${alertId}:topic`, rule: RULE, now }, { type: 'send_message', groupId: g.id, text: topic });
        await trx
          .updateTable('group_activation')
          .set({ topic_next: (row.topic_next + 1) % topics.length })
          .where('group_id', '=', g.id)
          .execute();
      }
      return { alertId, groupId: g.id, silentMinutes: verdict.silentMinutes, notified: row.operator_channel_id, topic };
    });
    if (done) raised.push(done);
  }
  return raised;
}

/**
 * When the group's silence at `now` began: its last member message at or before `now`
 * (the rollup's last message, read from the event log when that is later than `now`:
 * an event that arrived late, or a look back in time), else its creation; null for a
 * group created after `now`.
 */
async function silentSince(db: Kysely<Database>, groupId: number, lastAt: number | null, createdAt: number, now: number): Promise<number | null> {
  if (lastAt !== null && lastAt <= now) return lastAt;
  if (lastAt !== null) {
    const row = await db
      .selectFrom('event as e')
      .innerJoin('member as m', 'm.id', 'e.member_id')
      .select(sql<number | null>`max(e.occurred_at)`.as('at'))
      .where('e.group_id', '=', groupId)
      .where('e.kind', '=', 'message')
      .where('e.occurred_at', '<=', now)
      .where('m.is_bot', '=', 0)
      .executeTakeFirst();
    if (row?.at !== null && row?.at !== undefined) return Number(row.at);
  }
  return createdAt <= now ? createdAt : null;
}

/** Every workspace gets its watchdog job (UTC pattern; each group's quiet hours are read in its own zone). */
export function registerSilenceWatchdog(scheduler: Scheduler): void {
  scheduler
    .declare(async (db, now) => {
      const workspaces = await db.selectFrom('workspace').select('id').execute();
      const known = new Set((await db.selectFrom('scheduled_job').select('job_key').where('kind', '=', WATCHDOG_KIND).execute()).map((r) => r.job_key));
      for (const w of workspaces) {
        const key = `${WATCHDOG_KIND}:${w.id}`;
        if (!known.has(key)) await ensureJob(db, { key, workspaceId: w.id, kind: WATCHDOG_KIND, cron: WATCHDOG_CRON, timezone: 'UTC', missed: 'once' }, now);
      }
    })
    .handle(WATCHDOG_KIND, async ({ db, job, now }) => {
      await runSilenceWatchdog(db, job.workspace_id, now);
      await runGroupWatch(db, job.workspace_id, now);
    });
}
