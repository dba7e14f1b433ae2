import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'hearth-cli-alerts-'));
const env = { ...process.env, HEARTH_DATA_DIR: dataDir, HEARTH_DEMO: '0', DATABASE_URL: '', REDIS_URL: '', HEARTH_LOG_LEVEL: 'warn' };

async function hearth(...args: string[]): Promise<string> {
  const { stdout } = await run('node', ['bin/hearth.js', ...args], { env, cwd: process.cwd() });
  return stdout;
}
async function hearthFails(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run('node', ['bin/hearth.js', ...args], { env, cwd: process.cwd() });
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`hearth ${args.join(' ')} succeeded`);
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('hearth alerts and hearth activation (CLI, on the sandbox clock)', { timeout: 400_000 }, () => {
  let bakers = '';
  let ops = '';

  it('a sandbox group with one message, ticked past 12 h, has one silence alert, its operators notified and a topic posted', async () => {
    bakers = (await hearth('sandbox', 'group', 'add', 'Bakers')).trim();
    ops = (await hearth('sandbox', 'group', 'add', 'Operators')).trim();
    const topics = await hearth('activation', 'set', bakers, '--operator-channel', 'Operators', '--post-topic', 'on', '--topic', 'Sourdough or brioche?', '--quiet-hours', '01:00-06:00');
    expect(JSON.parse(topics)).toEqual({
      groupId: Number(bakers),
      silenceHours: 12,
      warnMinutes: 60,
      quietHours: '01:00-06:00',
      operatorChannelId: Number(ops),
      postTopic: true,
      topics: ['Sourdough or brioche?'],
      questionMinutes: 30,
    });
    await hearth('sandbox', 'say', bakers, 'alice', '早上好', '--at', '2026-11-20T08:00:00Z');
    const ticked = (await hearth('sandbox', 'tick', '--until', '2026-11-20T20:05:00Z'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { groupId: number; text: string; rule: string; status: string });
    expect(ticked.map((o) => [o.groupId, o.rule, o.status])).toEqual([
      [Number(ops), 'silence-watchdog', 'done'],
      [Number(bakers), 'silence-watchdog', 'done'],
    ]);
    expect(ticked[1]!.text).toBe('Sourdough or brioche?');

    const out = JSON.parse(await hearth('alerts', '--json', '--group', bakers)) as { alerts: { kind: string; groupId: number; at: string; detail: Record<string, unknown> }[] };
    expect(out.alerts).toEqual([
      expect.objectContaining({
        kind: 'silence',
        groupId: Number(bakers),
        at: '2026-11-20T19:00:00.000Z',
        detail: { silentSince: '2026-11-20T08:00:00.000Z', silentMinutes: 660, thresholdMinutes: 720, notifiedGroupId: Number(ops), topic: 'Sourdough or brioche?' },
      }),
    ]);
    expect(await hearth('alerts')).toContain(`silence  group ${bakers} (Bakers) silent 11 h 0 min`);
  });

  it('ticking on does not raise the same silence again, and the schedule shows the watchdog job', async () => {
    await hearth('sandbox', 'tick', '--until', '2026-11-21T03:00:00Z');
    expect((JSON.parse(await hearth('alerts', '--json', '--group', bakers)) as { alerts: unknown[] }).alerts).toHaveLength(1);
    const jobs = (await hearth('schedule'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(jobs.filter((j) => j.kind === 'silence-watchdog')).toEqual([expect.objectContaining({ cron: '*/10 * * * *', timezone: 'UTC', missed: 'once', lastOutcome: 'ran' })]);
  });

  it('refuses bad settings and unknown groups with a clear message', async () => {
    expect(await hearthFails('activation', 'set', bakers, '--quiet-hours', '25:00-07:00')).toEqual({ code: 1, stderr: expect.stringMatching(/^hearth: quiet hours are HH:MM-HH:MM/) });
    expect(await hearthFails('alerts', '--json', '--group', 'Nowhere')).toEqual({ code: 1, stderr: 'hearth: no group "Nowhere"\n' });
  });
});
