import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import { restoreDatabase } from '../../operations/database-backup.js';
import { describeTarget, progressReporter } from './backup-command.js';

export function registerRestoreCommand(program: Command): void {
  program
    .command('restore <file>')
    .description('replace the database with a backup; stop every Hearth process first. A database that holds data is replaced only with --yes')
    .option('--yes', 'replace a database that already holds data')
    .action(async (file: string, opts: { yes?: boolean }) => {
      const config = loadConfig();
      const from = resolve(file);
      process.stderr.write(`Restoring ${describeTarget(config.database)} from the backup (every Hearth process must be stopped)…\n`);
      const progress = progressReporter('restore');
      try {
        await restoreDatabase(config.database, from, { replace: opts.yes === true, onProgress: progress.update });
      } finally {
        progress.stop();
      }
      process.stdout.write(`Restored ${describeTarget(config.database)} from ${from}\n`);
    });
}
