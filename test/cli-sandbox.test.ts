import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'hearth-cli-'));
const env = { ...process.env, HEARTH_DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', HEARTH_LOG_LEVEL: 'warn' };

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
const lines = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('hearth sandbox (CLI, in process, on the embedded database)', { timeout: 120_000 }, () => {
  let group = '';

  it('adds a group and prints its id', async () => {
    group = (await hearth('sandbox', 'group', 'add', 'Tea Lovers')).trim();
    expect(group).toMatch(/^\d+$/);
  });

  it('a join runs through the whole pipeline and prints the welcome the bot sent', async () => {
    const out = lines(await hearth('sandbox', 'join', group, 'Lin', '--at', '2026-04-01T09:00:00Z', '--code', 'poster-spring'));
    expect(out).toEqual([expect.objectContaining({ type: 'send_message', rule: 'welcome', status: 'done', text: expect.stringContaining('Welcome Lin to Tea Lovers') })]);
  });

  it('a join delivered again by the same member is not welcomed twice, and say prints nothing when no rule answers', async () => {
    expect(await hearth('sandbox', 'leave', group, 'Lin', '--at', '2026-04-01T09:05:00Z')).toBe('');
    expect(lines(await hearth('sandbox', 'join', group, 'Lin', '--at', '2026-04-01T09:06:00Z'))).toEqual([]);
    expect(await hearth('sandbox', 'say', group, 'Lin', 'good', 'morning', '--at', '2026-04-01T09:07:00Z')).toBe('');
  });

  it('tick runs the work due on the sandbox clock', async () => {
    expect(await hearth('sandbox', 'tick', '--until', '2026-04-01T10:00:00Z')).toBe('');
  });

  it('log shows the conversation, bot messages included', async () => {
    const log = lines(await hearth('sandbox', 'log', group, '--json'));
    expect(log.map((e) => [e.kind, (e.from as { name: string }).name])).toEqual([
      ['join', 'Lin'],
      ['message', 'Hearth'],
      ['leave', 'Lin'],
      ['join', 'Lin'],
      ['message', 'Lin'],
    ]);
    expect(log[4]!.text).toBe('good morning');
  });

  it('metrics --json prints the documented fields from the store', async () => {
    const report = JSON.parse(await hearth('metrics', '--json')) as { groups: Record<string, unknown>[] };
    expect(report.groups).toEqual([
      expect.objectContaining({
        id: Number(group),
        name: 'Tea Lovers',
        platform: 'sandbox',
        messages: 1,
        senders: 1,
        joins: 2,
        leaves: 1,
        replies: 0,
        firstMessageAt: '2026-04-01T09:07:00.000Z',
        lastMessageAt: '2026-04-01T09:07:00.000Z',
        activeDays: 1,
        longestSilenceHours: 0,
        top20Share: 1,
      }),
    ]);
  });

  it('the welcome is configurable from the CLI, per group', async () => {
    const [workspaceWelcome] = lines(await hearth('automation', 'list'));
    expect(workspaceWelcome).toMatchObject({ kind: 'welcome', groupId: null, enabled: true });
    const added = lines(await hearth('automation', 'add', 'welcome', '--group', 'Tea Lovers', '--config', '{"template":"Hi {name}, tea is ready in {group}"}'))[0]!;
    const out = lines(await hearth('sandbox', 'join', group, 'Noor', '--at', '2026-04-01T10:00:00Z'));
    expect(out.map((o) => o.text)).toEqual(['Hi Noor, tea is ready in Tea Lovers']);
    await hearth('automation', 'disable', String(added.id));
    expect(lines(await hearth('sandbox', 'join', group, 'Omar', '--at', '2026-04-01T10:05:00Z'))).toEqual([]);
    await hearth('automation', 'remove', String(added.id));
    expect((await hearthFails('automation', 'set', String(workspaceWelcome!.id), '--config', '{"template":""}')).stderr).toMatch(/invalid welcome config: template/);
  });

  it('names what is wrong with bad input', async () => {
    expect(await hearthFails('sandbox', 'say', '999', 'Lin', 'hi')).toMatchObject({ code: 1, stderr: expect.stringContaining('no group "999"') });
    expect(await hearthFails('sandbox', 'join', group, 'Lin', '--at', 'tomorrow')).toMatchObject({ code: 1, stderr: expect.stringContaining('--at takes an ISO 8601 time') });
    expect(await hearthFails('metrics', '--from', '01/02/2026')).toMatchObject({ code: 1, stderr: expect.stringContaining('--from takes a date') });
  });
});
