import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * A connection's health, as the process that receives for it last saw it
 * (src/connections/connection-supervisor.ts): connecting, running or failing, the
 * last error (never a credential) and when the next attempt is due. Kept in the
 * database so the web process, the CLI and the dashboard see what the `bots`
 * process sees.
 */
export function connectionHealthMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('connection').addColumn('health_state', 'text').execute();
      await db.schema.alterTable('connection').addColumn('health_error', 'text').execute();
      await db.schema.alterTable('connection').addColumn('health_retry_at', 'bigint').execute();
      await db.schema.alterTable('connection').addColumn('health_at', 'bigint').execute();
    },
  };
}
