import type { Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import { migrateToLatest } from '../../store/migrate.js';
import { openStore } from '../../store/database.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(async () => {
      const store = await openStore(loadConfig().database, { migrate: false });
      try {
        const applied = await migrateToLatest(store.db, store.dialect);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the schema is up to date\n');
      } finally {
        await store.close();
      }
    });
}
