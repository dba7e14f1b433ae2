import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { BackupError, type BackupProgress } from './backup-error.js';
import { readHeader } from './sqlite-backup.js';

/** A PostgreSQL database as Hearth uses it: its URL and, in tests, the schema Hearth's tables live in. */
export interface PostgresTarget {
  url: string;
  schema?: string | undefined;
}

/**
 * Dumps the schema Hearth's tables live in (the connection's current schema, `public`
 * unless the URL's search path says otherwise) with `pg_dump --format=custom`: a
 * consistent snapshot taken in one transaction while the server runs. Only that
 * schema, so other applications' tables in the same database stay out of it. The
 * dump is written beside `file` and renamed into place when complete.
 */
export async function backupPostgres(target: PostgresTarget, file: string, onProgress: BackupProgress = () => {}): Promise<void> {
  const { schema, tables } = await inspect(target);
  if (tables === 0) throw new BackupError(`schema ${schema} holds no tables: there is nothing to back up`);
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  let done = 0;
  onProgress(0, tables, 'tables');
  try {
    await run('pg_dump', ['--format=custom', '--verbose', `--schema=${schema}`, `--file=${partial}`], target.url, (line) => {
      if (/dumping contents of table/.test(line)) onProgress(++done, tables, 'tables');
    });
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  renameSync(partial, file);
}

/**
 * Restores a dump made by `backupPostgres` with `pg_restore --clean --if-exists` in
 * one transaction: the tables, sequences and indexes the dump holds are dropped and
 * made again from it, or, if anything fails, nothing changes. The schema itself is
 * left alone (made when missing): dropping `public` would fail on anything else in
 * it, and is not Hearth's to drop. The dump must be of the same schema name (a dump
 * of `public` restores into `public`).
 */
export async function restorePostgres(file: string, target: PostgresTarget, onProgress: BackupProgress = () => {}): Promise<void> {
  const dumped = await assertPostgresBackup(file);
  const { schema } = await inspect(target, { create: true });
  if (dumped.schema !== schema) throw new BackupError(`${file} holds schema ${dumped.schema}, but this database's tables live in ${schema}; restore it where it was taken`);
  const listDir = mkdtempSync(join(tmpdir(), 'hearth-restore-'));
  const listFile = join(listDir, 'toc.list');
  writeFileSync(listFile, `${dumped.entries.filter((line) => !/^\d+; \d+ \d+ (SCHEMA|COMMENT) - /.test(line)).join('\n')}\n`);
  let done = 0;
  onProgress(0, dumped.tables, 'tables');
  try {
    await run('pg_restore', ['--clean', '--if-exists', '--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges', '--verbose', `--use-list=${listFile}`, file], target.url, (line) => {
      if (/processing data for table/.test(line)) onProgress(++done, dumped.tables, 'tables');
    });
  } finally {
    rmSync(listDir, { recursive: true, force: true });
  }
}

/** Checks that `file` is a pg_dump archive of Hearth's tables; gives its schema, how many tables it holds and its table of contents. */
export async function assertPostgresBackup(file: string): Promise<{ schema: string; tables: number; entries: string[] }> {
  if (!existsSync(file)) throw new BackupError(`there is no backup at ${file}`);
  if (readHeader(file, 5) !== 'PGDMP') {
    throw new BackupError(
      readHeader(file, 6) === 'SQLite' ? `${file} is an SQLite backup; restore it with DATABASE_URL unset (the embedded database)` : `${file} is not a Hearth backup (not a pg_dump archive)`,
    );
  }
  const lines: string[] = [];
  await run(
    'pg_restore',
    ['--list', file],
    undefined,
    () => {},
    (line) => lines.push(line),
  );
  // "123; 1259 16390 TABLE <schema> <name> <owner>"
  const tables = lines.map((l) => /^\d+; \d+ \d+ TABLE (\S+) (\S+) /.exec(l)).filter((m) => m !== null);
  const workspace = tables.find((m) => m[2] === 'workspace');
  if (!workspace) throw new BackupError(`${file} is a pg_dump archive, but not a Hearth backup (it has no workspace table)`);
  return { schema: workspace[1]!, tables: tables.filter((m) => m[1] === workspace[1]).length, entries: lines };
}

/** The schema Hearth's tables live in for this target (made when missing, with `create`), and how many tables it holds. */
async function inspect(target: PostgresTarget, options: { create?: boolean } = {}): Promise<{ schema: string; tables: number }> {
  const client = new pg.Client({ connectionString: target.url });
  try {
    await client.connect();
  } catch (error) {
    throw new BackupError(`cannot connect to PostgreSQL: ${(error as Error).message}`);
  }
  try {
    // The first schema of the search path, even when it does not exist (yet, or any more).
    const current = (await client.query<{ s: string | null; path: string }>("select current_schema() as s, current_setting('search_path') as path")).rows[0];
    const firstInPath = current?.path
      .split(',')
      .map((s) => s.trim().replace(/^"(.*)"$/, '$1'))
      .find((s) => s !== '$user');
    const schema = target.schema ?? (current?.s || firstInPath);
    if (!schema) throw new BackupError("the connection's search path names no schema for Hearth's tables");
    if (options.create) await client.query(`create schema if not exists "${schema.replaceAll('"', '""')}"`);
    const { rows } = await client.query<{ n: string }>("select count(*) as n from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'", [schema]);
    return { schema, tables: Number(rows[0]?.n ?? 0) };
  } finally {
    await client.end();
  }
}

/**
 * Runs a PostgreSQL client tool against `url` (given by environment, so a password never
 * shows in the process list), handing each stderr line to `onStderr`. Fails with the
 * tool's last words when it exits non-zero, and says how to install it when it is absent.
 */
function run(tool: string, args: string[], url: string | undefined, onStderr: (line: string) => void, onStdout: (line: string) => void = () => {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, url ? [...args, `--dbname=${withoutPassword(url)}`] : args, { env: { ...process.env, ...(url ? passwordEnv(url) : {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    createInterface({ input: child.stdout }).on('line', onStdout);
    createInterface({ input: child.stderr }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 5) tail.shift();
      onStderr(line);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new BackupError(`${tool} is not installed: install PostgreSQL's client tools, of your server's major version or newer (Debian and Ubuntu: apt-get install postgresql-client)`)
          : new BackupError(`${tool} could not start: ${error.message}`),
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new BackupError(
            `${tool} failed (exit code ${code}): ${tail.filter((l) => !/^\S+: (dumping|processing|reading|creating|dropping|identifying|saving|last built-in|implied|finding|flagging|setting|executing|connecting)/.test(l)).join(' / ') || tail.join(' / ')}`,
          ),
        );
    });
  });
}

/** The URL without its password (which goes by PGPASSWORD instead). */
function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (!parsed.password) return url;
  parsed.password = '';
  return parsed.toString();
}

function passwordEnv(url: string): Record<string, string> {
  const password = new URL(url).password;
  return password ? { PGPASSWORD: decodeURIComponent(password) } : {};
}
