import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Personal data: `member.erased_at` marks a member whose personal data was erased
 * (src/privacy/member-erasure.ts). Ingest reads it so a later event from the same
 * platform identity keeps the pseudonym instead of bringing the old name back.
 */
export function privacyMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('member').addColumn('erased_at', 'bigint').execute();
    },
  };
}
