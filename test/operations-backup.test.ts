import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { metricsReport } from '../src/analytics/metrics-report.js';
import { backupDatabase, restoreDatabase } from '../src/operations/database-backup.js';
import { DemoWorkspace } from '../src/runtime/demo-workspace.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { setUpWorkspace } from '../src/runtime/workspace-setup.js';
import { dropPostgresSchema, type DatabaseTarget } from '../src/store/database.js';
import { backends, type TestBackend } from './helpers/backends.js';

const run = promisify(execFile);
const NOW = Date.parse('2026-07-10T12:00:00Z');

/** Runs `hearth` as an operator would, on the backend's database; never throws, gives the exit code. */
function hearthOn(env: NodeJS.ProcessEnv) {
  return async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run('node', ['bin/hearth.js', ...args], { env, cwd: process.cwd(), maxBuffer: 16 * 1024 * 1024 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
}

/**
 * The backend's database as the CLI sees it: SQLite in a data directory; PostgreSQL
 * in the test's own schema, named in the URL's search path (pg and pg_dump both read
 * `options` from the URL).
 */
function cliSetup(backend: TestBackend, dir: string) {
  const base = { ...process.env, HEARTH_DATA_DIR: dir, REDIS_URL: '', HEARTH_LOG_LEVEL: 'warn' };
  if (backend.name === 'sqlite') {
    const file = join(dir, 'hearth.db');
    return {
      target: { kind: 'sqlite', file } as DatabaseTarget,
      env: { ...base, DATABASE_URL: '' },
      wipe: async () => ['', '-wal', '-shm'].forEach((suffix) => rmSync(`${file}${suffix}`, { force: true })),
      cleanup: async () => {},
    };
  }
  const made = backend.create();
  if (made.target.kind !== 'postgres' || !made.target.schema) throw new Error('a PostgreSQL test backend has a schema');
  const { url, schema } = made.target;
  const cliUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return { target: made.target, env: { ...base, DATABASE_URL: cliUrl }, wipe: () => dropPostgresSchema(url, schema), cleanup: made.cleanup };
}

describe.each(backends)('hearth backup and hearth restore on $name', { timeout: 600_000 }, (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('backup, wipe, restore: metrics --json is the same before and after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-backup-'));
    const setup = cliSetup(backend, dir);
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }), setup.cleanup);
    const hearth = hearthOn(setup.env);

    // Five days of a simulated community through the whole pipeline, on a "server"
    // that stays open while the backup is taken.
    const runtime = await HearthRuntime.open(setup.target);
    let closed = false;
    cleanups.push(async () => void (closed || (await runtime.close())));
    await DemoWorkspace.create(runtime, { now: NOW, historyDays: 5 });
    const before = await hearth('metrics', '--json');
    expect(before.code).toBe(0);
    const figures = JSON.parse(before.stdout) as { groups: { messages: number }[] };
    expect(figures.groups.length).toBeGreaterThan(1);
    expect(figures.groups.reduce((n, g) => n + g.messages, 0)).toBeGreaterThan(100);

    const file = join(dir, 'backups', 'hearth.backup');
    const backup = await hearth('backup', file);
    expect(backup.stderr).toMatch(/backup 100%/);
    expect(backup.code).toBe(0);
    expect(backup.stdout.trim().split(/\s+/).at(-1)).toBe(file);
    expect(existsSync(`${file}.partial`)).toBe(false);
    await runtime.close();
    closed = true;

    // A database that holds data is not replaced without --yes.
    const later = await HearthRuntime.open(setup.target);
    await setUpWorkspace(later.store.db, 'added-after', 'Added after the backup', NOW);
    await later.close();
    const refused = await hearth('restore', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds 2 workspace\(s\), \d+ group\(s\) and \d+ event\(s\).*--yes/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);

    const replaced = await hearth('restore', file, '--yes');
    expect(replaced.code).toBe(0);
    expect(replaced.stdout.trim().split(/\s+/).at(-1)).toBe(file);
    expect((await hearth('metrics', '--json')).stdout).toBe(before.stdout);

    // Gone entirely: restored into nothing.
    await setup.wipe();
    const restored = await hearth('restore', file);
    expect(restored.stderr).toMatch(/restore 100%/);
    expect(restored.code).toBe(0);
    expect((await hearth('metrics', '--json')).stdout).toBe(before.stdout);
  });

  it('refuses a file that is not a backup of this kind of database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-backup-'));
    const setup = cliSetup(backend, dir);
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }), setup.cleanup);
    const hearth = hearthOn(setup.env);
    const junk = join(dir, 'notes.txt');
    writeFileSync(junk, 'not a database\n');
    const res = await hearth('restore', junk, '--yes');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('is not a Hearth backup');
    await expect(restoreDatabase(setup.target, join(dir, 'missing.backup'))).rejects.toThrow(/there is no backup at/);
  });
});

describe.runIf(process.env.DATABASE_URL)('hearth restore into PostgreSQL’s public schema', { timeout: 300_000 }, () => {
  it('replaces Hearth’s tables and leaves another application’s table in the schema alone', async () => {
    const adminUrl = process.env.DATABASE_URL!;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const name = `hearth_restore_${Date.now().toString(36)}`;
    await admin.query(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const target = { kind: 'postgres', url: url.toString() } as const;
    const dir = mkdtempSync(join(tmpdir(), 'hearth-backup-'));
    try {
      const runtime = await HearthRuntime.open(target);
      await DemoWorkspace.create(runtime, { now: NOW, historyDays: 2 });
      await sql`create table other_app (id integer)`.execute(runtime.store.db);
      await sql`insert into other_app values (7)`.execute(runtime.store.db);
      const figures = async () => JSON.stringify(await metricsReport(runtime.store.db, { workspaceId: 1 }));
      const before = await figures();
      const file = join(dir, 'public.backup');
      await backupDatabase(target, file);
      await setUpWorkspace(runtime.store.db, 'added-after', 'Added after the backup', NOW);
      await runtime.close();

      await restoreDatabase(target, file, { replace: true });
      const after = await HearthRuntime.open(target);
      try {
        expect(JSON.stringify(await metricsReport(after.store.db, { workspaceId: 1 }))).toBe(before);
        expect((await sql<{ n: number }>`select count(*) as n from workspace`.execute(after.store.db)).rows[0]!.n).toBe(1);
        expect((await sql<{ id: number }>`select id from other_app`.execute(after.store.db)).rows).toEqual([{ id: 7 }]);
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await admin.query(`drop database ${name} with (force)`);
      await admin.end();
    }
  });
});
