import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { metricsReport, type GroupMetrics } from '../../src/analytics/metrics-report.js';
import { HearthRuntime } from '../../src/runtime/hearth-runtime.js';
import { ensureWorkspace } from '../../src/store/workspaces.js';
import type { TestBackend } from './backends.js';

/** What each import test works with; fresh for every test. */
export interface ImportFixture {
  runtime: HearthRuntime;
  workspaceId: number;
  /** A scratch directory for corrupted copies. */
  tmp: string;
  eventCount(): Promise<number>;
  report(): Promise<GroupMetrics[]>;
}

/** Registers the hooks that give every test of the describe block a fresh database, workspace and scratch directory. */
export function importFixture(backend: TestBackend): ImportFixture {
  let cleanup: () => Promise<void>;
  const f = {
    eventCount: async () => (await f.runtime.store.db.selectFrom('event').select('id').execute()).length,
    report: () => metricsReport(f.runtime.store.db, { workspaceId: f.workspaceId }),
  } as ImportFixture;
  beforeEach(async () => {
    const made = backend.create();
    cleanup = made.cleanup;
    f.runtime = await HearthRuntime.open(made.target);
    f.workspaceId = (await ensureWorkspace(f.runtime.store.db, 'acme')).id;
    f.tmp = mkdtempSync(join(tmpdir(), 'hearth-import-'));
  });
  afterEach(async () => {
    await f.runtime.close();
    await cleanup();
    rmSync(f.tmp, { recursive: true, force: true });
  });
  return f;
}
