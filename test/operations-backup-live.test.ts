import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../src/operations/database-backup.js';
import { DemoWorkspace } from '../src/runtime/demo-workspace.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';

const NOW = Date.parse('2026-07-10T12:00:00Z');
const HOUR = 3_600_000;
/** What a group-day's `messages` counts (docs/metrics.md): messages and bot commands, an edit not again. */
const COUNTED = "kind in ('message', 'command') and coalesce(json_extract(payload, '$.edited'), 0) = 0";

describe('hearth backup while the server writes (SQLite)', { timeout: 120_000 }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('finishes under constant writes, moving forward only, with a snapshot whose event log and rollups agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-backup-live-'));
    const runtime = await HearthRuntime.open({ kind: 'sqlite', file: join(dir, 'hearth.db') });
    cleanups.push(
      async () => rmSync(dir, { recursive: true, force: true }),
      () => runtime.close(),
    );
    const demo = await DemoWorkspace.create(runtime, { now: NOW, historyDays: 3 });
    const messages = async () => Number((await sql<{ n: number }>`select count(*) as n from event where ${sql.raw(COUNTED)}`.execute(runtime.store.db)).rows[0]!.n);
    const before = await messages();

    // The live community goes on, hour after simulated hour, while three backups are taken.
    let writing = true;
    let hour = 0;
    const writer = (async () => {
      while (writing) {
        await demo.advance(NOW + ++hour * HOUR);
        // Let the backup's steps in between, as a server's requests would.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const snapshots: { events: number; rollups: number; progress: number[] }[] = [];
    for (let n = 1; n <= 3; n++) {
      const file = join(dir, `live-${n}.backup`);
      const progress: number[] = [];
      await backupDatabase({ kind: 'sqlite', file: join(dir, 'hearth.db') }, file, (done) => progress.push(done));
      const copy = new SQLite(file, { readonly: true });
      const row = copy.prepare(`select (select count(*) from event where ${COUNTED}) as events, (select coalesce(sum(messages), 0) from group_day) as rollups`).get() as {
        events: number;
        rollups: number;
      };
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      copy.close();
      snapshots.push({ ...row, progress });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    writing = false;
    await writer;

    expect(hour).toBeGreaterThan(1);
    expect(await messages()).toBeGreaterThan(before);
    for (const s of snapshots) {
      expect(s.events).toBe(s.rollups);
      expect(s.events).toBeGreaterThanOrEqual(before);
      expect(s.progress).toEqual([...s.progress].sort((a, b) => a - b));
    }
  });
});
