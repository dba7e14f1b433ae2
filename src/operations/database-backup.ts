import { existsSync } from 'node:fs';
import { openStore, type DatabaseTarget } from '../store/database.js';
import { BackupError, type BackupProgress } from './backup-error.js';
import { assertPostgresBackup, backupPostgres, restorePostgres } from './postgres-backup.js';
import { assertSqliteBackup, backupSqlite, restoreSqlite } from './sqlite-backup.js';

/** What a database holds, in the figures an operator recognises. */
export interface DatabaseContents {
  workspaces: number;
  groups: number;
  events: number;
}

export interface RestoreOptions {
  /** Replace a database that holds data. Without it, a restore only fills an empty one. */
  replace?: boolean;
  onProgress?: BackupProgress;
}

/**
 * `hearth backup <file>`: a consistent copy of the whole database, safe while the
 * server runs. SQLite through its online backup API (the file is an SQLite
 * database); PostgreSQL through `pg_dump --format=custom` (the file is a pg_dump
 * archive, which `pg_restore` also reads).
 */
export async function backupDatabase(target: DatabaseTarget, file: string, onProgress?: BackupProgress): Promise<void> {
  if (target.kind === 'sqlite') await backupSqlite(target.file, file, onProgress);
  else await backupPostgres(target, file, onProgress);
}

/**
 * `hearth restore <file>`: replaces the database with a backup. The file is checked
 * first (the right kind for this database, Hearth's tables in it); a database that
 * already holds data is replaced only with `replace`. Every Hearth process must be
 * stopped: a running one keeps caches of what it read and would write them back.
 */
export async function restoreDatabase(target: DatabaseTarget, file: string, options: RestoreOptions = {}): Promise<void> {
  if (target.kind === 'sqlite') assertSqliteBackup(file);
  else await assertPostgresBackup(file);
  if (!options.replace) {
    const contents = await databaseContents(target);
    if (contents.workspaces > 0) {
      throw new BackupError(
        `the database already holds ${contents.workspaces} workspace(s), ${contents.groups} group(s) and ${contents.events} event(s); the restore would replace all of it with the backup. Stop every Hearth process first, then run the restore again with --yes`,
      );
    }
  }
  if (target.kind === 'sqlite') await restoreSqlite(file, target.file, options.onProgress);
  else await restorePostgres(file, target, options.onProgress);
}

/** What the database holds now; zeros when it does not exist or has no tables yet. */
export async function databaseContents(target: DatabaseTarget): Promise<DatabaseContents> {
  if (target.kind === 'sqlite' && !existsSync(target.file)) return { workspaces: 0, groups: 0, events: 0 };
  const store = await openStore(target, { migrate: false });
  try {
    const count = async (table: 'workspace' | 'chat_group' | 'event') => {
      const row = await store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    };
    return { workspaces: await count('workspace'), groups: await count('chat_group'), events: await count('event') };
  } catch (error) {
    // No tables yet: an empty database. Anything else (the database is unreachable) is reported.
    if (/no such table|does not exist/.test((error as Error).message)) return { workspaces: 0, groups: 0, events: 0 };
    throw error;
  } finally {
    await store.close();
  }
}
