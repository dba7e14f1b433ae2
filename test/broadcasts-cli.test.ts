import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'hearth-broadcast-'));
const env = { ...process.env, HEARTH_DATA_DIR: dataDir, HEARTH_DEMO: '0', DATABASE_URL: '', REDIS_URL: '', HEARTH_LOG_LEVEL: 'warn' };
const hearth = async (...args: string[]) => (await run('node', ['bin/hearth.js', ...args], { env, cwd: process.cwd() })).stdout;
const lastWord = (out: string) => out.trim().split(/\s+/).at(-1)!;

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

type Shown = { id: number; status: string; total: number; sent: number; failed: number; pending: number; groups: { groupId: number; groupName: string; status: string; reason: string | null }[] };

describe('hearth broadcast (CLI, embedded database)', { timeout: 420_000 }, () => {
  it('sends to a set now, schedules one for a time the sandbox clock reaches, shows each group’s result, and refuses bad input plainly', async () => {
    const g1 = lastWord(await hearth('sandbox', 'group', 'add', 'Yoga Mornings'));
    const g2 = lastWord(await hearth('sandbox', 'group', 'add', 'Yoga Evenings'));
    // The sandbox clock to a fixed morning (a member joins then).
    await hearth('sandbox', 'join', g1, 'ann', '--at', '2026-09-01T08:00:00Z');
    await hearth('group', 'add-to-set', g1, 'yoga');
    await hearth('group', 'add-to-set', g2, 'yoga');

    const sent = await hearth('broadcast', 'send', '--set', 'yoga', '--text', 'Mats out, {group} ({members})!', '--json');
    const id = lastWord(sent);
    // Sent now: every group's result is there when the command returns.
    const shown = JSON.parse(sent.split('\n')[0]!) as Shown;
    expect(shown).toMatchObject({ id: Number(id), status: 'done', total: 2, sent: 2, failed: 0, pending: 0 });
    expect(shown.groups).toEqual([
      expect.objectContaining({ groupId: Number(g1), groupName: 'Yoga Mornings', status: 'sent', reason: null }),
      expect.objectContaining({ groupId: Number(g2), groupName: 'Yoga Evenings', status: 'sent', reason: null }),
    ]);

    // At a time: a job on the scheduler, fired when the sandbox clock reaches it, once.
    const scheduled = await hearth('broadcast', 'send', '--groups', 'Yoga Evenings', '--text', 'Evening class moved', '--at', '2026-09-01T09:00:00Z', '--json');
    const later = lastWord(scheduled);
    expect(JSON.parse(scheduled.split('\n')[0]!)).toMatchObject({ status: 'scheduled', sendAt: '2026-09-01T09:00:00.000Z', pending: 1 });
    await hearth('sandbox', 'tick', '--until', '2026-09-01T09:01:00Z');
    expect(JSON.parse(await hearth('broadcast', 'show', later, '--json'))).toMatchObject({ status: 'done', sent: 1 });
    const log = await hearth('sandbox', 'log', g2);
    expect(log.match(/Evening class moved/g)).toHaveLength(1);
    expect(log).toContain('Mats out, Yoga Evenings (0)!');

    const listed = (await hearth('broadcast', 'list', '--json'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Shown);
    expect(listed.map((b) => [b.id, b.status])).toEqual([
      [Number(later), 'done'],
      [Number(id), 'done'],
    ]);

    const failure = await run('node', ['bin/hearth.js', 'broadcast', 'send', '--set', 'nobody', '--text', 'x'], { env, cwd: process.cwd() }).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 1, stderr: 'hearth: the selector takes no groups\n' });
  });
});
