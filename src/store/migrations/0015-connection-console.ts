import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * What the dashboard's Connections page shows beside a connection's health
 * (src/connections/connection-supervisor.ts writes both): when the connection last
 * received something, and the login a WeChat account waits for (the value of its QR
 * code, sealed like the credentials), so a web process shows what the `bots`
 * process sees. A group's latest actions say which capabilities are in use there
 * (the bot's missing rights that matter), read through an index by group.
 */
export function connectionConsoleMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('connection').addColumn('last_event_at', 'bigint').execute();
      await db.schema.alterTable('connection').addColumn('login_prompt', 'text').execute();
      await db.schema.createIndex('outbox_group_idx').on('outbox').columns(['group_id', 'id']).execute();
    },
  };
}
