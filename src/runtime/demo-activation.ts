import { setActivationSettings } from '../activation/activation-settings.js';
import { runSilenceWatchdog, WATCHDOG_CRON } from '../activation/silence-watchdog.js';
import { runGroupWatch } from '../alerts/group-watch.js';
import { DEFAULT_SILENCE_MINUTES, DEFAULT_WARN_MINUTES } from '../activation/silence-rule.js';
import { nextSlot } from '../scheduler/cron-schedule.js';
import type { HearthRuntime } from './hearth-runtime.js';

const DAY = 86_400_000;
/** How far back the demo's watchdog looks. */
const LOOK_BACK = 14 * DAY;
/** Silence before the watchdog speaks, with the default threshold and lead. */
const ALERT_AFTER = (DEFAULT_SILENCE_MINUTES - DEFAULT_WARN_MINUTES) * 60_000;

/** Prepared topics for the demo's topic banks: questions any of its groups can take up. */
const TOPICS = [
  '今天大家在忙什么？分享一件这周让你有收获的小事吧。/ What are you working on today? Share one small win from this week.',
  '如果只能推荐一个工具或方法给新人，你会推荐什么？/ One tool or habit you would recommend to a newcomer?',
  '这个月你最想在群里学到或讨论什么？/ What would you most like to learn or discuss here this month?',
];

/**
 * The demo's silence watchdog: every group has a topic bank, the first keeps quiet
 * hours at night, and the group silent most recently posts a topic when it next falls
 * silent. The watchdog then looks back over the last two weeks of history: at each of
 * its own 10-minute slots where a simulated group had gone quiet long enough, it runs
 * as the scheduler would have run it, so the Alerts page shows the silences the
 * groups really had. Nothing is posted in this look back (topics are turned on after
 * it): the bot does not speak in the past.
 */
export async function seedDemoActivation(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const { db } = runtime.store;
  const groups = await db.selectFrom('chat_group').select(['id', 'created_at']).where('workspace_id', '=', workspaceId).orderBy('id').execute();
  if (groups.length === 0) return;
  for (const g of groups) await setActivationSettings(db, { id: g.id, workspaceId }, { topics: TOPICS }, now);
  await setActivationSettings(db, { id: groups[0]!.id, workspaceId }, { quietHours: '23:00-07:00' }, now);

  const from = now - LOOK_BACK;
  const messages = await db
    .selectFrom('event as e')
    .innerJoin('member as m', 'm.id', 'e.member_id')
    .select(['e.group_id', 'e.occurred_at'])
    .where('e.workspace_id', '=', workspaceId)
    .where('e.kind', '=', 'message')
    .where('m.is_bot', '=', 0)
    .where('e.occurred_at', '>=', from)
    .where('e.occurred_at', '<=', now)
    .orderBy('e.occurred_at')
    .execute();
  const byGroup = new Map<number, number[]>();
  for (const m of messages) byGroup.set(m.group_id, [...(byGroup.get(m.group_id) ?? []), Number(m.occurred_at)]);
  // The watchdog's slots that fall in a long enough silence, once per stretch (it may wait out quiet hours).
  const looks = new Set<number>();
  for (const times of byGroup.values()) {
    for (let i = 0; i < times.length; i++) {
      const end = times[i + 1] ?? now;
      const first = nextSlot(WATCHDOG_CRON, 'UTC', times[i]! + ALERT_AFTER - 1);
      for (let slot = first; slot !== null && slot < end && slot <= now; slot = nextSlot(WATCHDOG_CRON, 'UTC', slot)) looks.add(slot);
    }
  }
  for (const slot of [...looks].sort((a, b) => a - b)) await runSilenceWatchdog(db, workspaceId, slot);
  // The group watch's looks of the last two days, every two hours: questions nobody answered, spikes.
  for (let slot = now - 2 * 86_400_000; slot <= now; slot += 2 * 3_600_000) await runGroupWatch(db, workspaceId, Math.floor(slot / 600_000) * 600_000);

  const latest = await db.selectFrom('alert').select('group_id').where('workspace_id', '=', workspaceId).where('kind', '=', 'silence').orderBy('at', 'desc').limit(1).executeTakeFirst();
  if (latest?.group_id) await setActivationSettings(db, { id: latest.group_id, workspaceId }, { postTopic: true }, now);
}
