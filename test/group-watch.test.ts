import { afterEach, describe, expect, it } from 'vitest';
import { ActivationSettingsInvalidError, setActivationSettings } from '../src/activation/activation-settings.js';
import { listAlerts } from '../src/alerts/alert-store.js';
import { judgeSpike, LEAVE_SPIKE_FLOOR } from '../src/alerts/spike-rule.js';
import { type HealthMessage, unansweredQuestions } from '../src/health/questions.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { SandboxService } from '../src/runtime/sandbox-service.js';
import { resolveWorkspace } from '../src/runtime/workspace-setup.js';
import { backends } from './helpers/backends.js';
import { ManualClock } from './helpers/sandbox-fixture.js';

const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;

describe('spikes and open questions (pure)', () => {
  it('a spike is at least the floor and three times the usual hour', () => {
    // 14 days × 24 h = 336 hours; 336 leaves before: one an hour.
    expect(judgeSpike(4, 0, LEAVE_SPIKE_FLOOR)).toBeNull();
    expect(judgeSpike(5, 0, LEAVE_SPIKE_FLOOR)).toEqual({ count: 5, usualPerHour: 0 });
    expect(judgeSpike(5, 336 * 2, LEAVE_SPIKE_FLOOR)).toBeNull();
    expect(judgeSpike(6, 336 * 2, LEAVE_SPIKE_FLOOR)).toEqual({ count: 6, usualPerHour: 2 });
  });

  it('a question is open when nobody else has answered it within its wait, and no longer than a day', () => {
    const t0 = at('2026-11-20T08:00:00Z');
    const msg = (minutes: number, memberId: number | null, text: string, messageId: string, replyTo: string | null = null): HealthMessage => ({
      at: t0 + minutes * MIN,
      memberId,
      messageId,
      text,
      replyTo,
    });
    const messages = [msg(0, 1, 'Does the store ship to Hangzhou?', 'q1'), msg(5, 1, 'anyone?', 'q2'), msg(6, 2, 'unrelated chatter', 'x1', 'other'), msg(10, null, '', 'bot')];
    // The asker's own follow-up, a reply to another message and the bot's message answer nothing.
    expect(unansweredQuestions(messages, t0 + 29 * MIN, 30).map((q) => q.messageId)).toEqual([]);
    expect(unansweredQuestions(messages, t0 + 30 * MIN, 30).map((q) => q.messageId)).toEqual(['q1']);
    expect(unansweredQuestions(messages, t0 + 40 * MIN, 30).map((q) => [q.messageId, q.memberId, q.text])).toEqual([
      ['q1', 1, 'Does the store ship to Hangzhou?'],
      ['q2', 1, 'anyone?'],
    ]);
    // Another member speaking in the flow answers both; their own question then waits.
    const answered = [...messages, msg(50, 3, '这个周末开门吗', 'q3')];
    expect(unansweredQuestions(answered, t0 + 80 * MIN, 30).map((q) => q.messageId)).toEqual(['q3']);
    expect(unansweredQuestions(messages, t0 + 25 * 60 * MIN, 30)).toEqual([]);
  });
});

describe.each(backends)('the group watch on the sandbox, $name', { timeout: 120_000 }, (backend) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function setUp(start: number) {
    const { target, cleanup } = backend.create();
    cleanups.push(cleanup);
    const clock = new ManualClock(start);
    const runtime = await HearthRuntime.open(target, { clock: () => clock.now() });
    cleanups.push(() => runtime.close());
    const workspace = await resolveWorkspace(runtime.store.db);
    const sandbox = new SandboxService(runtime, workspace.id, clock);
    const bot = async (id: number) => (await sandbox.log(id)).filter((e) => e.from.bot).map((e) => e.text);
    return { runtime, workspace, sandbox, clock, bot };
  }

  it("a question nobody answers within the group's wait alerts the dashboard and the operator channel once; an answered one does not", async () => {
    const { runtime, workspace, sandbox, clock, bot } = await setUp(at('2026-11-20T07:00:00Z'));
    const g = await sandbox.addGroup('Tea lovers');
    const other = await sandbox.addGroup('Coffee lovers');
    const ops = await sandbox.addGroup('Operators');
    for (const id of [g.id, other.id]) await setActivationSettings(runtime.store.db, { id, workspaceId: workspace.id }, { operatorChannelId: ops.id, questionMinutes: 20 }, clock.now());
    await sandbox.say(g.id, 'mei', 'Which oolong for a beginner?', at('2026-11-20T08:00:00Z'));
    await sandbox.say(other.id, 'li', '今天有新豆子吗？', at('2026-11-20T08:01:00Z'));
    await sandbox.say(other.id, 'mei', '有的，昨天到的', at('2026-11-20T08:02:00Z'));
    await sandbox.tick(at('2026-11-20T08:15:00Z'));
    expect(await listAlerts(runtime.store.db, { workspaceId: workspace.id, kind: 'unanswered-question' })).toEqual([]);

    await sandbox.tick(at('2026-11-20T09:30:00Z'));
    const alerts = await listAlerts(runtime.store.db, { workspaceId: workspace.id, kind: 'unanswered-question' });
    // Nobody answered Mei; Li was answered within two minutes.
    expect(alerts).toEqual([
      {
        id: expect.any(Number),
        kind: 'unanswered-question',
        groupId: g.id,
        groupName: 'Tea lovers',
        at: '2026-11-20T08:20:00.000Z',
        detail: expect.objectContaining({ askedAt: '2026-11-20T08:00:00.000Z', waitedMinutes: 20, limitMinutes: 20, text: 'Which oolong for a beginner?', notifiedGroupId: ops.id }),
      },
    ]);
    expect(await bot(ops.id)).toEqual([expect.stringContaining('A question in "Tea lovers" has waited 20 min for an answer: Which oolong for a beginner?')]);
  });

  it('waits out the quiet hours, and refuses a wait out of range storing nothing', async () => {
    const { runtime, workspace, sandbox, clock } = await setUp(at('2026-11-20T20:00:00Z'));
    const g = await sandbox.addGroup('Night owls');
    await setActivationSettings(runtime.store.db, { id: g.id, workspaceId: workspace.id }, { quietHours: '22:00-08:00' }, clock.now());
    await sandbox.say(g.id, 'ana', 'is anyone awake?', at('2026-11-20T21:50:00Z'));
    await sandbox.tick(at('2026-11-21T07:55:00Z'));
    expect(await listAlerts(runtime.store.db, { workspaceId: workspace.id, kind: 'unanswered-question' })).toEqual([]);
    await sandbox.tick(at('2026-11-21T08:05:00Z'));
    // Asked 10 h 10 min before: still within the day a question waits, raised when the quiet hours end.
    expect((await listAlerts(runtime.store.db, { workspaceId: workspace.id, kind: 'unanswered-question' })).map((a) => a.at)).toEqual(['2026-11-21T08:00:00.000Z']);

    await expect(setActivationSettings(runtime.store.db, { id: g.id, workspaceId: workspace.id }, { questionMinutes: 2, quietHours: 'off' }, clock.now())).rejects.toThrow(
      ActivationSettingsInvalidError,
    );
    const row = await runtime.store.db.selectFrom('group_activation').select(['question_minutes', 'quiet_start']).where('group_id', '=', g.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ question_minutes: null, quiet_start: '22:00' });
  });

  it('a burst of leaves is one leave-spike alert for the hour; a few leaves are none', async () => {
    const { runtime, workspace, sandbox } = await setUp(at('2026-11-16T08:00:00Z'));
    const g = await sandbox.addGroup('Runners');
    const calm = await sandbox.addGroup('Walkers');
    for (let i = 0; i < 6; i++) await sandbox.join(g.id, `r${i}`, { at: at('2026-11-16T09:00:00Z') + i * MIN });
    for (let i = 0; i < 4; i++) await sandbox.join(calm.id, `w${i}`, { at: at('2026-11-16T09:00:00Z') + i * MIN });
    for (let i = 0; i < 6; i++) await sandbox.leave(g.id, `r${i}`, at('2026-11-16T10:00:00Z') + i * MIN);
    for (let i = 0; i < 4; i++) await sandbox.leave(calm.id, `w${i}`, at('2026-11-16T10:00:00Z') + i * MIN);
    await sandbox.tick(at('2026-11-16T10:25:00Z'));

    const spikes = await listAlerts(runtime.store.db, { workspaceId: workspace.id, kind: 'leave-spike' });
    expect(spikes.map((a) => [a.groupName, a.detail.leaves, a.detail.usualPerHour])).toEqual([['Runners', 6, 0]]);
    await sandbox.tick(at('2026-11-16T10:55:00Z'));
    expect(await listAlerts(runtime.store.db, { workspaceId: workspace.id, kind: 'leave-spike' })).toHaveLength(1);
  });

  it('five messages the spam rule queued in an hour are a spam-spike alert', async () => {
    const { runtime, workspace, sandbox } = await setUp(at('2026-11-16T08:00:00Z'));
    const g = await sandbox.addGroup('Gardeners');
    await sandbox.say(g.id, 'spammer', 'first hello', at('2026-11-16T08:30:00Z'));
    const { db } = runtime.store;
    const event = await db.selectFrom('event').select(['id', 'member_id']).where('group_id', '=', g.id).executeTakeFirstOrThrow();
    // The moderation queue as the spam rule fills it (one item per flagged message).
    for (let i = 0; i < 5; i++)
      await db
        .insertInto('moderation_item')
        .values({
          workspace_id: workspace.id,
          group_id: g.id,
          member_id: event.member_id,
          event_id: event.id + 1000 + i,
          message_id: `spam-${i}`,
          text: '加我微信领取免费资料',
          score: 0.97,
          reasons: '[]',
          planned: '[]',
          status: 'pending',
          created_at: at('2026-11-16T09:40:00Z') + i * MIN,
        })
        .execute();
    await sandbox.tick(at('2026-11-16T10:05:00Z'));
    const spikes = await listAlerts(db, { workspaceId: workspace.id, kind: 'spam-spike' });
    expect(spikes.map((a) => [a.groupName, a.detail.spam])).toEqual([['Gardeners', 5]]);
  });
});
