import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * Outgoing webhooks (src/webhooks): a URL an operator registered with the event kinds
 * it wants, its secret sealed with the instance secret, and whether it is enabled (a
 * long run of failures disables it, with the reason). Deliveries are rows, inserted
 * in the ingest transaction that stores their event, so an event is never stored
 * without its deliveries; one per (webhook, source key), so an event seen twice is
 * delivered once. The body is fixed when queued: a redelivery sends the same bytes.
 */
export function webhooksMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('webhook')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('disabled_reason', 'text')
        .addColumn('failures_in_a_row', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('removed_at', 'bigint')
        .execute();
      await db.schema.createIndex('webhook_workspace_idx').on('webhook').columns(['workspace_id', 'removed_at']).execute();
      await db.schema
        .createTable('webhook_delivery')
        .addColumn('id', id.type, id.build)
        .addColumn('webhook_id', 'integer', (c) => c.notNull().references('webhook.id'))
        .addColumn('source_key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_until', 'bigint')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('last_attempt_at', 'bigint')
        .addColumn('delivered_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('webhook_delivery_source', ['webhook_id', 'source_key'])
        .execute();
      await db.schema.createIndex('webhook_delivery_due_idx').on('webhook_delivery').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('webhook_delivery_recent_idx').on('webhook_delivery').columns(['webhook_id', 'id']).execute();
    },
  };
}
