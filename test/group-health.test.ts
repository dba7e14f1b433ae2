import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metricsReport } from '../src/analytics/metrics-report.js';
import type { EventInput } from '../src/core/event.js';
import { groupHealth } from '../src/health/health-queries.js';
import { scoreHealth, type HealthFigures } from '../src/health/health-score.js';
import { judgeLifecycle } from '../src/health/lifecycle.js';
import { memberFigures } from '../src/health/member-figures.js';
import { firstResponses, isQuestion, type HealthMessage } from '../src/health/questions.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { backends } from './helpers/backends.js';

const DAY = 86_400_000;
const D = '2026-03-31';
const dayAt = (offsetFromD: number, hour: number, minute = 0) => Date.parse(`${D}T00:00:00Z`) + offsetFromD * DAY + hour * 3_600_000 + minute * 60_000;

function say(room: string, member: string, id: string, at: number, text = 'hello', replyTo?: string): EventInput {
  return {
    platform: 'sandbox',
    kind: 'message',
    dedupKey: `${room}-${id}`,
    occurredAt: new Date(at).toISOString(),
    group: { id: room, title: room },
    actor: { id: member, name: member.toUpperCase() },
    messageId: id,
    text,
    ...(replyTo ? { replyTo } : {}),
  };
}

/**
 * A group's history: `perDay[i]` messages on day D-(perDay.length-1-i), spread over
 * the day from 08:00 every 20 minutes, by `speakers` members in turn (so every one of
 * them speaks from the first day on).
 */
function history(room: string, perDay: number[], speakers = 12): EventInput[] {
  const out: EventInput[] = [];
  perDay.forEach((n, i) => {
    const offset = i - (perDay.length - 1);
    for (let k = 0; k < n; k++) out.push(say(room, `${room}-m${k % speakers}`, `${offset}-${k}`, dayAt(offset, 8, k * 20), 'a plain line'));
  });
  return out;
}
const days = (n: number, count: number) => Array.from({ length: n }, () => count);

describe('questions and first responses', () => {
  it('knows a question by its mark or its closing particle', () => {
    expect(isQuestion('does this work?')).toBe(true);
    expect(isQuestion('能用吗')).toBe(true);
    expect(isQuestion('这样好吗。')).toBe(true);
    expect(isQuestion('为什么？')).toBe(true);
    expect(isQuestion('thanks, all good')).toBe(false);
    expect(isQuestion('吗啡')).toBe(false);
    expect(isQuestion('   ')).toBe(false);
  });

  it("a question's first response is another member's next plain message or reply to it, within 24 hours", () => {
    const m = (at: number, memberId: number, messageId: string, text: string, replyTo: string | null = null): HealthMessage => ({ at: at * 60_000, memberId, messageId, text, replyTo });
    const qs = firstResponses([
      m(0, 5, 'x', 'hello'),
      m(60, 1, 'q1', 'does this work?'),
      m(65, 1, 'q2', 'anyone?'), // the asker again: no response
      m(70, 2, 'r', 'welcome', 'x'), // answers another message
      m(80, 3, 'y', 'yes'),
      m(300, 4, 'q3', '好吗'),
      m(300 + 24 * 60 + 1, 2, 'late', 'sorry, just saw this'),
    ]);
    expect(qs.map((q) => q.responseMinutes)).toEqual([20, 15, null]);
  });
});

describe('life-cycle stage and health score (pure)', () => {
  const f = { ageDays: 100, daysSinceLastMessage: 0, messagesLast28: 100, messagesPrevious28: 100, messagesLast14: 50, messagesPrevious14: 50 };
  it('judges each stage by its rule', () => {
    expect(judgeLifecycle({ ...f, ageDays: null, daysSinceLastMessage: null }).stage).toBe('launch');
    expect(judgeLifecycle({ ...f, daysSinceLastMessage: 14 }).stage).toBe('dormant');
    expect(judgeLifecycle({ ...f, daysSinceLastMessage: 13 }).stage).toBe('mature');
    expect(judgeLifecycle({ ...f, ageDays: 27 }).stage).toBe('launch');
    expect(judgeLifecycle({ ...f, messagesLast28: 60 }).stage).toBe('declining');
    expect(judgeLifecycle({ ...f, messagesLast14: 25, messagesPrevious14: 50 }).stage).toBe('declining');
    expect(judgeLifecycle({ ...f, messagesLast28: 125 }).stage).toBe('growth');
    expect(judgeLifecycle({ ...f, messagesLast28: 124 }).stage).toBe('mature');
    expect(judgeLifecycle({ ...f, daysSinceLastMessage: 20 }).rule).toMatch(/no message for 20 days/);
  });

  it('scores each part against its maximum', () => {
    const best: HealthFigures = {
      weeklyActiveDays: 7,
      longestSilenceHours7: 12,
      speakers7: 10,
      newSpeakers28: 3,
      top20Share28: 0.8,
      messages28: 400,
      questions28: 10,
      answeredQuestions28: 10,
      medianFirstResponseMinutes28: 60,
      messages7: 100,
      weeklyMessagesBefore: 100,
    };
    expect(scoreHealth(best).score).toBe(100);
    const half = scoreHealth({ ...best, weeklyActiveDays: 3.5, answeredQuestions28: 5, speakers7: 5 });
    expect(half.parts.find((p) => p.name === 'activeDays')?.points).toBe(12.5);
    expect(half.parts.find((p) => p.name === 'responses')?.points).toBe(7.5);
    expect(half.score).toBe(73); // 100 − 12.5 − 7.5 − 7.5 = 72.5, rounded
    // a silent week scores nothing for activity, silence, speakers and trend
    const silent = scoreHealth({ ...best, weeklyActiveDays: 0, longestSilenceHours7: 168, speakers7: 0, messages7: 0 });
    expect(silent.score).toBe(10 + 10 + 15);
    expect(scoreHealth({ ...best, top20Share28: 1 }).parts.find((p) => p.name === 'spread')?.points).toBe(0);
    expect(scoreHealth({ ...best, medianFirstResponseMinutes28: 24 * 60 }).parts.find((p) => p.name === 'responses')?.points).toBe(3.8);
  });
});

describe.each(backends)('group health from ingested events on $name', (backend) => {
  let runtime: HearthRuntime;
  let cleanup: () => Promise<void>;
  let workspaceId: number;
  const NOW = dayAt(0, 23);

  beforeEach(async () => {
    const made = backend.create();
    cleanup = made.cleanup;
    runtime = await HearthRuntime.open(made.target, { clock: () => NOW });
    workspaceId = (await ensureWorkspace(runtime.store.db, 'acme')).id;
  });
  afterEach(async () => {
    await runtime.close();
    await cleanup();
  });

  const groupId = async (room: string) => (await runtime.store.db.selectFrom('chat_group').select('id').where('external_id', '=', room).executeTakeFirstOrThrow()).id;
  const report = async (room: string, to?: string, from?: string) => {
    const [g] = await metricsReport(runtime.store.db, { workspaceId, groupIds: [await groupId(room)], now: NOW, ...(to ? { to } : {}), ...(from ? { from } : {}) });
    return g!;
  };

  it('reads each simulated group in the stage it was built to be in', async () => {
    const built = {
      launch: days(10, 20),
      growth: [...days(28, 10), ...days(28, 20)],
      mature: days(56, 15),
      declining: [...days(28, 20), ...days(28, 8)],
      dormant: [...days(40, 15), ...days(16, 0)],
    };
    for (const [room, perDay] of Object.entries(built)) await runtime.ingest(history(room, perDay), { workspaceId });
    for (const room of Object.keys(built)) expect((await report(room, D)).lifecycleStage, room).toBe(room);
    const scores = Object.fromEntries(await Promise.all(Object.keys(built).map(async (room) => [room, (await report(room, D)).healthScore])));
    // a busy, even week of 12 speakers in a mature group outscores the one that fell, which outscores the silent one
    expect(scores.mature).toBeGreaterThan(scores.declining);
    expect(scores.declining).toBeGreaterThan(scores.dormant);
    expect(scores.dormant).toBeLessThanOrEqual(35);
    const mature = await report('mature', D);
    expect(mature).toMatchObject({ weeklyActiveDays: 7, messagesOnActiveDays: 15 });
    const declining = await report('declining', D);
    expect(declining).toMatchObject({ weeklyActiveDays: 7, messagesOnActiveDays: 8 });
    expect((await report('dormant', D)).weeklyActiveDays).toBe(0);
  });

  it('a group busy every day of its last week reads 7 active days and high health then, dormant and lower two months later', async () => {
    await runtime.ingest(history('busy', days(60, 15)), { workspaceId });
    const last = await report('busy', D);
    const later = await report('busy', '2026-05-31');
    expect(last).toMatchObject({ weeklyActiveDays: 7, lifecycleStage: 'mature' });
    expect(last.healthScore).toBeGreaterThanOrEqual(70);
    expect(later).toMatchObject({ weeklyActiveDays: 0, messagesOnActiveDays: 0, lifecycleStage: 'dormant' });
    expect(later.healthScore).toBeLessThan(last.healthScore);
    // existing figures are unchanged beside the new ones
    expect(last).toMatchObject({ messages: 900, senders: 12, activeDays: 60 });
  });

  it('counts questions, first responses, reactions, new speakers and per-member replies exactly', async () => {
    const room = 'qa';
    const base = history(room, days(3, 2), 2).map((e) => ({ ...e, occurredAt: new Date(Date.parse(e.occurredAt) - 3 * DAY).toISOString() }));
    const q = (member: string, id: string, h: number, m: number, text: string, replyTo?: string) => say(room, member, id, dayAt(0, h, m), text, replyTo);
    const events: EventInput[] = [
      ...base,
      q('eve', 'x', 8, 0, 'hello'),
      q('ann', 'q1', 9, 0, 'does this work?'),
      q('ann', 'q2', 9, 5, 'anyone?'),
      q('bob', 'r1', 9, 10, 'welcome', 'x'),
      q('cat', 'y', 9, 20, 'yes'),
      q('bob', 'q3', 12, 0, 'ok?'),
      q('ann', 'r2', 13, 0, 'sure', 'q3'),
      q('dan', 'q4', 14, 0, '好吗'),
      {
        platform: 'sandbox',
        kind: 'reaction',
        dedupKey: 'qa-re1',
        occurredAt: new Date(dayAt(0, 15)).toISOString(),
        group: { id: room, title: room },
        actor: { id: 'bob', name: 'BOB' },
        messageId: 'y',
        emoji: '👍',
      },
      {
        platform: 'sandbox',
        kind: 'reaction',
        dedupKey: 'qa-re2',
        occurredAt: new Date(dayAt(0, 15, 1)).toISOString(),
        group: { id: room, title: room },
        actor: { id: 'ann', name: 'ANN' },
        messageId: 'y',
        emoji: '🎉',
      },
    ] as EventInput[];
    await runtime.ingest(events, { workspaceId });
    await runtime.ingest(events.slice(-4), { workspaceId }); // delivered twice: counted once
    const today = await report(room, D, D);
    expect(today).toMatchObject({ messages: 8, reactions: 2, newSpeakers: 5, questions: 4, answeredQuestions: 3, medianFirstResponseMinutes: 20 });
    const health = await groupHealth(runtime.store.db, { id: await groupId(room), timezone: 'UTC' }, D, NOW);
    const d = health.days.at(-1)!;
    expect(d).toMatchObject({ day: D, messages: 8, speakers: 5, newSpeakers: 5, questions: 4, answeredQuestions: 3, medianFirstResponseMinutes: 20, reactions: 2, replies: 2 });
    // the day's first message (08:00) came three days, less 20 minutes, after the last one before it (08:20)
    expect(d.longestSilenceHours).toBe(71.67);
    const members = await memberFigures(runtime.store.db, await groupId(room), { from: D, to: D });
    const ann = members.find((m) => m.displayName === 'ANN')!;
    expect(ann).toMatchObject({ messages: 3, activeDays: 1, repliesGiven: 1, repliesReceived: 0, reactions: 1, lastSeenAt: new Date(dayAt(0, 13)).toISOString() });
    expect(members.find((m) => m.displayName === 'BOB')).toMatchObject({ messages: 2, repliesGiven: 1, repliesReceived: 1, reactions: 1 });
    expect(members.find((m) => m.displayName === 'EVE')).toMatchObject({ repliesReceived: 1 });
  });
});
