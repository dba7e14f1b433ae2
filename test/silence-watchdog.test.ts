import { afterEach, describe, expect, it } from 'vitest';
import { setActivationSettings, ActivationSettingsInvalidError } from '../src/activation/activation-settings.js';
import { inQuietHours, judgeSilence, parseQuietHours } from '../src/activation/silence-rule.js';
import { listAlerts } from '../src/alerts/alert-store.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { SandboxService, type SandboxClock } from '../src/runtime/sandbox-service.js';
import { resolveWorkspace } from '../src/runtime/workspace-setup.js';
import type { DatabaseTarget } from '../src/store/database.js';
import { backends } from './helpers/backends.js';
import { ManualClock } from './helpers/sandbox-fixture.js';

const at = (iso: string) => Date.parse(iso);

describe('when the watchdog speaks (pure)', () => {
  const settings = { silenceMinutes: 720, warnMinutes: 60, quietHours: null };

  it('alerts from the threshold less the lead: at 11 h of a 12 h threshold, not at 10 h 59', () => {
    const since = at('2026-11-20T08:00:00Z');
    expect(judgeSilence(settings, 'UTC', since, at('2026-11-20T18:59:00Z'))).toEqual({ kind: 'lively' });
    expect(judgeSilence(settings, 'UTC', since, at('2026-11-20T19:00:00Z'))).toEqual({ kind: 'alert', silentMinutes: 660 });
  });

  it("reads quiet hours in the group's time zone, across midnight", () => {
    const quiet = parseQuietHours('22:00-08:00');
    expect(inQuietHours(quiet, 'Asia/Shanghai', at('2026-11-20T15:00:00Z'))).toBe(true); // 23:00 in Shanghai
    expect(inQuietHours(quiet, 'Asia/Shanghai', at('2026-11-20T23:59:00Z'))).toBe(true); // 07:59
    expect(inQuietHours(quiet, 'Asia/Shanghai', at('2026-11-21T00:00:00Z'))).toBe(false); // 08:00
    expect(inQuietHours(quiet, 'UTC', at('2026-11-20T15:00:00Z'))).toBe(false);
    expect(() => parseQuietHours('25:00-07:00')).toThrow(/HH:MM-HH:MM/);
    expect(parseQuietHours('off')).toBeNull();
  });
});

describe.each(backends)('the silence watchdog on the sandbox, $name', { timeout: 120_000 }, (backend) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function open(target: DatabaseTarget, clock: SandboxClock) {
    const runtime = await HearthRuntime.open(target, { clock: () => clock.now() });
    const workspace = await resolveWorkspace(runtime.store.db);
    return { runtime, workspace, sandbox: new SandboxService(runtime, workspace.id, clock) };
  }
  async function setUp(start: number) {
    const { target, cleanup } = backend.create();
    cleanups.push(cleanup);
    const clock = new ManualClock(start);
    const opened = await open(target, clock);
    cleanups.push(() => opened.runtime.close());
    return { target, clock, ...opened };
  }

  it('one message, then silence: one silence alert before 12 h, and only one for the whole stretch', async () => {
    const { runtime, workspace, sandbox } = await setUp(at('2026-11-20T07:00:00Z'));
    const g = await sandbox.addGroup('Bakers');
    await sandbox.join(g.id, 'alice', { at: at('2026-11-20T07:59:00Z') });
    await sandbox.say(g.id, 'alice', '早上好', at('2026-11-20T08:00:00Z'));
    await sandbox.tick(at('2026-11-20T18:55:00Z'));
    expect(await listAlerts(runtime.store.db, { workspaceId: workspace.id })).toEqual([]);
    await sandbox.tick(at('2026-11-20T20:05:00Z'));
    const alerts = await listAlerts(runtime.store.db, { workspaceId: workspace.id, group: g.id });
    expect(alerts).toEqual([
      {
        id: expect.any(Number),
        kind: 'silence',
        groupId: g.id,
        groupName: 'Bakers',
        at: '2026-11-20T19:00:00.000Z',
        detail: { silentSince: '2026-11-20T08:00:00.000Z', silentMinutes: 660, thresholdMinutes: 720, notifiedGroupId: null, topic: null },
      },
    ]);
    // A day more of silence, looked at every 10 minutes: the same stretch, still one alert.
    await sandbox.tick(at('2026-11-21T20:00:00Z'));
    expect(await listAlerts(runtime.store.db, { workspaceId: workspace.id, group: g.id })).toHaveLength(1);
    // Someone speaks; the next stretch is a new alert.
    await sandbox.say(g.id, 'alice', 'anyone here?', at('2026-11-23T09:00:00Z'));
    await sandbox.tick(at('2026-11-23T21:00:00Z'));
    const again = await listAlerts(runtime.store.db, { workspaceId: workspace.id, group: g.id });
    // (Her question, unanswered for 30 minutes, is an alert of its own.)
    expect(again.map((a) => [a.kind, a.at])).toEqual([
      ['silence', '2026-11-23T20:00:00.000Z'],
      ['unanswered-question', '2026-11-23T09:30:00.000Z'],
      ['silence', '2026-11-20T19:00:00.000Z'],
    ]);
  });

  it("never alerts in the group's quiet hours: a stretch reaching 11 h at night is raised when they end", async () => {
    const { runtime, workspace, sandbox } = await setUp(at('2026-11-20T03:00:00Z'));
    const g = await sandbox.addGroup('Night owls', { timezone: 'Asia/Shanghai' });
    await setActivationSettings(
      runtime.store.db,
      { id: g.id, workspaceId: workspace.id },
      { quietHours: '22:00-08:00', postTopic: true, topics: ['What did you bake this week?'] },
      at('2026-11-20T03:00:00Z'),
    );
    // 12:00 in Shanghai; 11 h later is 23:00, inside the quiet hours.
    await sandbox.say(g.id, 'wei', '中午好', at('2026-11-20T04:00:00Z'));
    await sandbox.tick(at('2026-11-20T23:50:00Z')); // 07:50 Shanghai
    expect(await listAlerts(runtime.store.db, { workspaceId: workspace.id })).toEqual([]);
    expect((await sandbox.log(g.id)).filter((e) => e.from.bot)).toEqual([]);
    await sandbox.tick(at('2026-11-21T00:30:00Z')); // 08:30 Shanghai
    const alerts = await listAlerts(runtime.store.db, { workspaceId: workspace.id });
    expect(alerts.map((a) => [a.kind, a.at])).toEqual([['silence', '2026-11-21T00:00:00.000Z']]);
    expect((await sandbox.log(g.id)).filter((e) => e.from.bot).map((e) => [e.text, e.at])).toEqual([['What did you bake this week?', '2026-11-21T00:00:00.000Z']]);
  });

  it("notifies the operator channel and posts the bank's next topic through the outbox, once each, across a restart", async () => {
    const setup = await setUp(at('2026-11-20T07:00:00Z'));
    const { runtime, workspace, sandbox, target, clock } = setup;
    const g = await sandbox.addGroup('Hikers');
    const ops = await sandbox.addGroup('Operators');
    await setActivationSettings(
      runtime.store.db,
      { id: g.id, workspaceId: workspace.id },
      { silenceHours: 6, warnMinutes: 30, operatorChannelId: ops.id, postTopic: true, topics: ['Best trail this autumn?', 'Share a summit photo!'] },
      clock.now(),
    );
    await sandbox.say(g.id, 'bo', 'hi all', at('2026-11-20T08:00:00Z'));
    await sandbox.tick(at('2026-11-20T14:00:00Z'));
    const bot = async (id: number) => (await sandbox.log(id)).filter((e) => e.from.bot).map((e) => e.text);
    expect(await bot(g.id)).toEqual(['Best trail this autumn?']);
    expect(await bot(ops.id)).toEqual([expect.stringContaining('"Hikers" has had no member message for 5 h')]);

    // Restart: the slot that raised the alert is run again (as if the process died before
    // recording it), by a new runtime on the same database. Nothing is posted twice.
    await runtime.close();
    cleanups.pop();
    const reopened = await open(target, clock);
    cleanups.push(() => reopened.runtime.close());
    await reopened.runtime.store.db
      .updateTable('scheduled_job')
      .set({ next_run_at: at('2026-11-20T13:30:00Z') })
      .execute();
    clock.t = at('2026-11-20T13:30:00Z');
    await reopened.sandbox.tick(at('2026-11-20T16:00:00Z'));
    const botAfter = async (id: number) => (await reopened.sandbox.log(id)).filter((e) => e.from.bot).map((e) => e.text);
    expect(await botAfter(g.id)).toEqual(['Best trail this autumn?']);
    expect(await botAfter(ops.id)).toHaveLength(1);
    expect(await listAlerts(reopened.runtime.store.db, { workspaceId: workspace.id, group: g.id })).toHaveLength(1);

    // The next stretch takes the bank's next topic.
    await reopened.sandbox.say(g.id, 'bo', 'back from the hills', at('2026-11-21T08:00:00Z'));
    await reopened.sandbox.tick(at('2026-11-21T14:00:00Z'));
    expect(await botAfter(g.id)).toEqual(['Best trail this autumn?', 'Share a summit photo!']);
  });

  it('refuses bad settings, naming what is wrong, and stores nothing', async () => {
    const { runtime, workspace, sandbox } = await setUp(at('2026-11-20T07:00:00Z'));
    const g = await sandbox.addGroup('Readers');
    const set = (changes: Parameters<typeof setActivationSettings>[2]) => setActivationSettings(runtime.store.db, { id: g.id, workspaceId: workspace.id }, changes, 0);
    await expect(set({ quietHours: '23:00-7' })).rejects.toThrow(ActivationSettingsInvalidError);
    await expect(set({ silenceHours: 0.5 })).rejects.toThrow(/1 to 336 hours/);
    await expect(set({ silenceHours: 12, warnMinutes: 720 })).rejects.toThrow(/shorter than the silence threshold/);
    await expect(set({ postTopic: true })).rejects.toThrow(/topic bank/);
    await expect(set({ operatorChannelId: g.id })).rejects.toThrow(/own operator channel/);
    await expect(set({ silenceHours: 8, topics: ['ok', '  '] })).rejects.toThrow(/topic 2 is empty/);
    expect(await runtime.store.db.selectFrom('group_activation').selectAll().execute()).toEqual([]);
  });
});
