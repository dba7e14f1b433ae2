import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropPostgresSchema, type DatabaseTarget } from '../../src/store/database.js';

/** A database for one test: a fresh SQLite file, or a fresh PostgreSQL schema. */
export interface TestBackend {
  name: 'sqlite' | 'postgres';
  /** Makes a new, empty database target and a function that removes it. */
  create(): { target: DatabaseTarget; cleanup: () => Promise<void> };
}

const sqlite: TestBackend = {
  name: 'sqlite',
  create() {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-test-'));
    return { target: { kind: 'sqlite', file: join(dir, 'hearth.db') }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

function postgres(url: string): TestBackend {
  return {
    name: 'postgres',
    create() {
      const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
      return { target: { kind: 'postgres', url, schema }, cleanup: () => dropPostgresSchema(url, schema) };
    },
  };
}

/**
 * Every backend this run can reach: SQLite always, PostgreSQL when DATABASE_URL is
 * set (CI sets it). Store suites loop over this list.
 */
export const backends: TestBackend[] = process.env.DATABASE_URL ? [sqlite, postgres(process.env.DATABASE_URL)] : [sqlite];

if (!process.env.DATABASE_URL && !process.env.HEARTH_QUIET_SKIPS) {
  process.env.HEARTH_QUIET_SKIPS = '1';
  console.warn('[hearth tests] DATABASE_URL is not set: the PostgreSQL runs of the store suites are skipped (SQLite runs).');
}
