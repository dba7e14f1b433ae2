import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'hearth-livecode-'));
const env = { ...process.env, HEARTH_DATA_DIR: dataDir, HEARTH_DEMO: '0', DATABASE_URL: '', REDIS_URL: '', HEARTH_LOG_LEVEL: 'warn' };
const hearth = async (...args: string[]) => (await run('node', ['bin/hearth.js', ...args], { env, cwd: process.cwd() })).stdout;
const lastWord = (out: string) => out.trim().split(/\s+/).at(-1)!;

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('hearth livecode and hearth code (CLI, embedded database)', { timeout: 420_000 }, () => {
  it('adds a live code over two sandbox groups, rolls it over after three joins through it, and refuses bad input plainly', async () => {
    const g1 = lastWord(await hearth('sandbox', 'group', 'add', 'Macarons-1'));
    const g2 = lastWord(await hearth('sandbox', 'group', 'add', 'Macarons-2'));
    const code = lastWord(await hearth('livecode', 'add', 'macarons', '--groups', `${g1},${g2}`, '--capacity', '3'));
    expect(code).toMatch(/^[2-9A-Z]{8}$/);
    const show = async () =>
      JSON.parse(await hearth('livecode', 'show', code, '--json')) as { current: { id: number; name: string }; groups: { id: number; members: number; capacity: number }[]; scans: number };
    expect((await show()).current).toMatchObject({ id: Number(g1), name: 'Macarons-1' });
    for (const m of ['ann', 'bob', 'cai']) await hearth('sandbox', 'join', g1, m, '--code', code);
    const after = await show();
    expect(after.current.id).toBe(Number(g2));
    expect(after.groups.map((g) => [g.id, g.members, g.capacity])).toEqual([
      [Number(g1), 3, 3],
      [Number(g2), 0, 3],
    ]);
    expect(after.scans).toBe(0);

    const failure = await run('node', ['bin/hearth.js', 'livecode', 'add', 'x', '--groups', `${g1},999`], { env, cwd: process.cwd() }).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 1, stderr: 'hearth: no group 999 in this workspace\n' });
  });
});
