import { existsSync, mkdirSync, openSync, readSync, closeSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { BackupError, type BackupProgress } from './backup-error.js';

const SQLITE_HEADER = 'SQLite format 3\0';

/**
 * Copies a live SQLite database into `file` with SQLite's online backup API: a
 * consistent snapshot, taken page by page inside one read transaction while the
 * server goes on reading and writing (WAL mode lets it). The copy is written beside
 * `file` and renamed into place when complete, in rollback-journal mode so it is one
 * self-contained file.
 */
export async function backupSqlite(source: string, file: string, onProgress: BackupProgress = () => {}): Promise<void> {
  if (!existsSync(source)) throw new BackupError(`there is no database at ${source} to back up`);
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const db = new SQLite(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // One read transaction for the whole copy: every step reads the same snapshot, so
    // the server's writes meanwhile (into the WAL) never restart it, however busy it is.
    db.exec('BEGIN');
    db.prepare('select count(*) from sqlite_master').get();
    const { totalPages } = await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        onProgress(totalPages - remainingPages, totalPages, 'pages');
        return 256;
      },
    });
    onProgress(totalPages, totalPages, 'pages');
  } catch (error) {
    rmSync(partial, { force: true });
    throw new BackupError(`the backup of ${source} failed: ${(error as Error).message}`);
  } finally {
    if (db.inTransaction) db.exec('COMMIT');
    db.close();
  }
  const copy = new SQLite(partial);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  renameSync(partial, file);
}

/**
 * Replaces the database at `target` with the backup in `file`, through the same
 * backup API run the other way: the target is locked while its pages are replaced,
 * so a reader never sees half of each. A process that has the database open keeps
 * what it cached in memory, which is why the server must be stopped first.
 */
export async function restoreSqlite(file: string, target: string, onProgress: BackupProgress = () => {}): Promise<void> {
  assertSqliteBackup(file);
  mkdirSync(dirname(target), { recursive: true });
  const backup = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const { totalPages } = await backup.backup(target, {
      progress: ({ totalPages, remainingPages }) => {
        onProgress(totalPages - remainingPages, totalPages, 'pages');
        return 256;
      },
    });
    onProgress(totalPages, totalPages, 'pages');
  } catch (error) {
    throw new BackupError(`the restore into ${target} failed: ${(error as Error).message}`);
  } finally {
    backup.close();
  }
}

/** Throws unless `file` is an SQLite database holding Hearth's tables. */
export function assertSqliteBackup(file: string): void {
  if (!existsSync(file)) throw new BackupError(`there is no backup at ${file}`);
  if (readHeader(file, SQLITE_HEADER.length) !== SQLITE_HEADER) {
    throw new BackupError(
      readHeader(file, 5) === 'PGDMP' ? `${file} is a PostgreSQL backup; restore it with DATABASE_URL set to the PostgreSQL database` : `${file} is not a Hearth backup (not an SQLite database)`,
    );
  }
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const tables = new Set(db.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[]);
    if (!tables.has('workspace') || !tables.has('kysely_migration')) throw new BackupError(`${file} is an SQLite database, but not a Hearth backup (it has no workspace table)`);
  } finally {
    db.close();
  }
}

/** The first bytes of a file, as text (empty when the file is shorter). */
export function readHeader(file: string, length: number): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read).toString('latin1');
  } finally {
    closeSync(fd);
  }
}
