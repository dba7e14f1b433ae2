/** A backup or restore that cannot be done, said in words an operator can act on. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

/** Progress of a backup or restore: `done` of `total` units (SQLite pages, PostgreSQL tables). */
export type BackupProgress = (done: number, total: number, unit: 'pages' | 'tables') => void;
