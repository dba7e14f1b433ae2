import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Parked outbox rows: an action that cannot be sent as it is (it no longer validates,
 * the platform refused it for good, its retries ran out, the platform cannot do it)
 * is parked with a reason instead of failing the pass, and waits for an operator to
 * requeue or discard it. `failed` rows of earlier versions were exactly that: they
 * become `parked` (reason `refused`), so there is one status for "needs a person".
 */
export function outboxParkedMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('outbox').addColumn('parked_reason', 'text').execute();
      await db.schema.alterTable('outbox').addColumn('parked_at', 'bigint').execute();
      await sql`update outbox set status = 'parked', parked_reason = 'refused', parked_at = coalesce(done_at, next_attempt_at) where status = 'failed'`.execute(db);
      await db.schema.createIndex('outbox_workspace_status_idx').on('outbox').columns(['workspace_id', 'status', 'id']).execute();
    },
  };
}
