import { dayIn } from '../../core/calendar.js';
import type { SandboxPayload } from '../../platforms/sandbox/sandbox-payload.js';
import type { HearthRuntime } from '../../runtime/hearth-runtime.js';
import { postCommendations } from './commendation-job.js';
import { addPoints } from './points-ledger.js';
import { addDays, checkinMedals, checkinPoints, DEFAULT_POINTS_CONFIG, previousMonth, streakEnding } from './points-rules.js';
import { savePointsSettings } from './points-settings.js';
import { awardMedals } from './points-store.js';

/** How many of a group's speakers keep a check-in habit in the demo. */
const REGULARS = 12;
const HOUR = 3_600_000;

/** A small deterministic generator (mulberry32), so the demo is the same on every start. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Points in the demo: the two liveliest groups have points on, and their regular
 * speakers have checked in since the start of last month, each with their own habit
 * (streaks, gaps, a make-up now and then), with message and reply points from what
 * they really said in the simulated history (under the daily caps). Last month's
 * commendation is posted, and this morning's first check-ins go through the real
 * rule, so the sandbox shows the bot's answers.
 */
export async function seedDemoPoints(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const { db } = runtime.store;
  const groups = await db
    .selectFrom('member_group_total as t')
    .innerJoin('chat_group as g', 'g.id', 't.group_id')
    .select(['g.id', 'g.name', 'g.timezone', 'g.platform', 'g.external_id', (eb) => eb.fn.countAll<number>().as('speakers')])
    .where('g.workspace_id', '=', workspaceId)
    .where('t.messages', '>', 0)
    .groupBy(['g.id', 'g.name', 'g.timezone', 'g.platform', 'g.external_id'])
    .orderBy('speakers', 'desc')
    .orderBy('g.id')
    .limit(2)
    .execute();
  const config = DEFAULT_POINTS_CONFIG;
  for (const [index, g] of groups.entries()) {
    const language = /[\u4e00-\u9fff]/.test(g.name) ? 'zh' : 'en';
    await savePointsSettings(db, { id: g.id, workspaceId }, { enabled: true, config: { language } }, now - 40 * 24 * HOUR);
    const today = dayIn(g.timezone, now);
    const first = `${previousMonth(today)}-01`;
    const regulars = await db
      .selectFrom('member_group_total as t')
      .innerJoin('member as m', 'm.id', 't.member_id')
      .select(['m.id', 'm.display_name'])
      .where('t.group_id', '=', g.id)
      .where('m.is_bot', '=', 0)
      .orderBy('t.messages', 'desc')
      .orderBy('m.id')
      .limit(REGULARS)
      .execute();
    const rand = random(20_261_203 + index);
    await db.transaction().execute(async (trx) => {
      for (const [rank, member] of regulars.entries()) {
        // The most active keep the steadiest habit.
        const habit = 0.95 - (rank / REGULARS) * 0.55;
        const days = new Set<string>();
        for (let day = first; day < today; day = addDays(day, 1)) {
          const at = Date.parse(`${day}T00:00:00Z`) + (7 + Math.floor(rand() * 14)) * HOUR;
          if (at >= now) break;
          const checked = rand() < habit;
          // Now and then a missed day was made up (补签) later, for no points.
          const madeUp = !checked && rand() < 0.08;
          if (!checked && !madeUp) continue;
          days.add(day);
          const streak = streakEnding(days, day);
          const who = { workspaceId, groupId: g.id, memberId: member.id };
          const points = madeUp ? 0 : checkinPoints(config.checkin, streak);
          await trx
            .insertInto('checkin')
            .values({ workspace_id: workspaceId, group_id: g.id, member_id: member.id, day, streak, points, makeup: madeUp ? 1 : 0, at, event_key: `demo-checkin:${g.id}:${member.id}:${day}` })
            .execute();
          if (points > 0) await addPoints(trx, { ...who, points, reason: 'checkin', ref: `checkin:${g.id}:${member.id}:${day}`, at, timeZone: g.timezone });
          await awardMedals(trx, who, checkinMedals(streak, days.size === 1), '', at);
        }
      }
      // What members said earns under the day's caps, as the rule would have credited it.
      const said = await trx
        .selectFrom('member_group_day')
        .select(['member_id', 'day', 'messages', 'replies'])
        .where('group_id', '=', g.id)
        .where('day', '>=', first)
        .where('day', '<', today)
        .where(
          'member_id',
          'in',
          regulars.map((r) => r.id),
        )
        .execute();
      for (const d of said) {
        const at = Date.parse(`${d.day}T12:00:00Z`);
        const replies = Math.min(Number(d.replies), config.reply.dailyCap);
        const messages = Math.min(Number(d.messages) - Number(d.replies), config.message.dailyCap);
        const who = { workspaceId, groupId: g.id, memberId: d.member_id, at, timeZone: g.timezone };
        if (messages > 0) await addPoints(trx, { ...who, points: messages * config.message.points, reason: 'message', ref: `demo-message:${g.id}:${d.member_id}:${d.day}` });
        if (replies > 0) await addPoints(trx, { ...who, points: replies * config.reply.points, reason: 'reply', ref: `demo-reply:${g.id}:${d.member_id}:${d.day}` });
      }
    });
  }
  runtime.pointsRule.settings.forget(workspaceId);
  await postCommendations(db, workspaceId, now);
  // This morning's first check-ins, through the rule: the sandbox shows the bot's answers.
  const liveliest = groups[0];
  if (liveliest) {
    const early = await db
      .selectFrom('member_group_total as t')
      .innerJoin('identity as i', 'i.member_id', 't.member_id')
      .select(['i.external_id', 'i.display_name'])
      .where('t.group_id', '=', liveliest.id)
      .where('i.platform', '=', 'sandbox')
      .orderBy('t.messages', 'desc')
      .orderBy('i.id')
      .limit(3)
      .execute();
    const words = ['签到', '打卡', 'check in'];
    const payloads: SandboxPayload[] = early.map((m, i) => ({
      type: 'message',
      updateId: `demo-checkin-${i}`,
      room: liveliest.external_id,
      roomTitle: liveliest.name,
      at: now - (30 - i * 10) * 60_000,
      from: { id: m.external_id, name: m.display_name },
      messageId: `demo-checkin-${i}`,
      text: words[i] ?? '签到',
    }));
    for (const payload of payloads) await runtime.sandboxFor(workspaceId).deliver([payload]);
  }
  await runtime.dispatcher.runDue();
}
