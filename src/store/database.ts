import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Dialect } from './dialect.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';

// int8 (bigint, bigserial, count(*)) arrives as a string from pg; every such value
// Hearth stores (epoch ms, ids, counts) fits a double exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema?: string };

/** An open database: the Kysely handle, which backend it is, and how to close it. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /**
   * SQLite only: the better-sqlite3 handle under Kysely, for hot paths that run
   * prepared statements themselves (ingest). Use it only inside a Kysely transaction,
   * which holds the one connection, so its statements belong to that transaction.
   */
  readonly sqlite?: SQLite.Database;
  close(): Promise<void>;
}

/**
 * Opens (and migrates) the database. SQLite runs in WAL mode with foreign keys on;
 * PostgreSQL may be given a schema, which is created and used as the search path, so
 * test runs never collide.
 */
export async function openStore(target: DatabaseTarget, options: { migrate?: boolean } = {}): Promise<Store> {
  const store = target.kind === 'sqlite' ? openSqlite(target.file) : await openPostgres(target.url, target.schema);
  if (options.migrate !== false) await migrateToLatest(store.db, store.dialect);
  return store;
}

function openSqlite(file: string): Store {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true });
    ownerOnly(file);
  }
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return { db, dialect: 'sqlite', sqlite: database, close: () => db.destroy() };
}

/**
 * The database file readable and writable by its owner only (0600): it holds members'
 * messages and operators' password hashes. Created so before SQLite opens it, and
 * narrowed when an older install (or a restore) left it wider. SQLite gives the -wal
 * and -shm files it creates the database file's mode; ones already there are narrowed too.
 */
function ownerOnly(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600);
}

/**
 * better-sqlite3 with its prepared statements kept: Kysely prepares every query it
 * runs, and ingest runs the same few queries for every batch. A small LRU of
 * statements saves the SQL parse and plan each time.
 */
function withStatementCache(database: SQLite.Database, size = 256) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sqlText: string): SQLite.Statement {
      const hit = cache.get(sqlText);
      if (hit && !hit.busy) {
        cache.delete(sqlText);
        cache.set(sqlText, hit);
        return hit;
      }
      const statement = database.prepare(sqlText);
      if (!hit) {
        cache.set(sqlText, statement);
        if (cache.size > size) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
  };
}

async function openPostgres(url: string, schema?: string): Promise<Store> {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({ connectionString: url, max: 10, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  // A connection the server closes (a PostgreSQL restart, a failover, an admin
  // terminating it) emits 'error': on the pool while idle, on the client while a query
  // or a transaction holds it. Without a listener Node treats it as uncaught and the
  // process dies. The pool drops the connection and opens a new one for the next
  // query; a query the outage does hit rejects to its caller, which retries.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await sql`select 1`.execute(db);
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** Drops a PostgreSQL schema made for a test run. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await admin.end();
  }
}
