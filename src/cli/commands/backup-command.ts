import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import type { BackupProgress } from '../../operations/backup-error.js';
import { backupDatabase } from '../../operations/database-backup.js';
import type { DatabaseTarget } from '../../store/database.js';

export function registerBackupCommand(program: Command): void {
  program
    .command('backup <file>')
    .description('a consistent copy of the database, safe while the server runs (SQLite online backup; PostgreSQL through pg_dump)')
    .action(async (file: string) => {
      const config = loadConfig();
      const out = resolve(file);
      process.stderr.write(`Backing up ${describeTarget(config.database)}…\n`);
      const progress = progressReporter('backup');
      try {
        await backupDatabase(config.database, out, progress.update);
      } finally {
        progress.stop();
      }
      process.stdout.write(`Backup written (${(statSync(out).size / 1e6).toFixed(1)} MB): ${out}\n`);
    });
}

/** The database a command works on, in words, without its password. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'sqlite') return `the SQLite database ${target.file}`;
  const url = new URL(target.url);
  url.password = '';
  return `the PostgreSQL database ${url.host}${url.pathname}`;
}

/**
 * Progress on stderr: a bar on a terminal; otherwise a line at each quarter, which
 * reads well in a systemd journal.
 */
export function progressReporter(label: string): { update: BackupProgress; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ stream: process.stderr, format: `${label} [{bar}] {percentage}% | {value}/{total} {unit}`, hideCursor: true, clearOnComplete: false });
    let started = false;
    return {
      update(done, total, unit) {
        if (!started) bar.start(Math.max(1, total), done, { unit });
        else bar.update(done, { unit });
        started = true;
      },
      stop: () => started && bar.stop(),
    };
  }
  let shown = -1;
  return {
    update(done, total, unit) {
      const quarter = total > 0 ? Math.floor((done / total) * 4) : 4;
      if (quarter === shown) return;
      shown = quarter;
      process.stderr.write(`  ${label} ${quarter * 25}% (${done}/${total} ${unit})\n`);
    },
    stop: () => {},
  };
}
