import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * First-run setup (src/auth/first-run-setup.ts): the one-time tokens `serve` prints
 * while nobody can sign in. Only a hash is kept; every token goes when the owner is made.
 */
export function setupTokenMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('setup_token')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
