import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * Tracked links and conversions (src/conversion/links). A link's `clicks` moves by an
 * atomic increment beside one `link_click` row per visit (time, member, group). A
 * conversion is unique per (workspace, external id): a webhook or import row seen twice
 * is refused by the constraint, so a replay stores nothing on either backend. Amounts are
 * integer minor units (bigint) with a currency. Its first and last touch (the clicks, or
 * the link a code named) are stored when it arrives. `conversion_setting` holds the
 * workspace's webhook secret (sealed with the instance secret) and attribution window.
 */
export function trackedLinksMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('tracked_link')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('parent_id', 'integer', (c) => c.references('tracked_link.id'))
        .addColumn('campaign', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('target_url', 'text', (c) => c.notNull())
        .addColumn('group_id', 'integer', (c) => c.references('chat_group.id'))
        .addColumn('member_id', 'integer', (c) => c.references('member.id'))
        .addColumn('clicks', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('tracked_link_workspace_idx').on('tracked_link').columns(['workspace_id', 'campaign']).execute();
      await db.schema
        .createTable('link_click')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('link_id', 'integer', (c) => c.notNull().references('tracked_link.id'))
        .addColumn('member_id', 'integer', (c) => c.references('member.id'))
        .addColumn('group_id', 'integer', (c) => c.references('chat_group.id'))
        .addColumn('clicked_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('link_click_member_idx').on('link_click').columns(['member_id', 'clicked_at']).execute();
      await db.schema.createIndex('link_click_link_idx').on('link_click').columns(['link_id']).execute();
      await db.schema
        .createTable('conversion')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('amount_minor', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('member_id', 'integer', (c) => c.references('member.id'))
        .addColumn('first_link_id', 'integer', (c) => c.references('tracked_link.id'))
        .addColumn('first_click_id', 'integer', (c) => c.references('link_click.id'))
        .addColumn('last_link_id', 'integer', (c) => c.references('tracked_link.id'))
        .addColumn('last_click_id', 'integer', (c) => c.references('link_click.id'))
        .addColumn('occurred_at', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('conversion_workspace_external', ['workspace_id', 'external_id'])
        .execute();
      await db.schema
        .createTable('conversion_setting')
        .addColumn('workspace_id', 'integer', (c) => c.primaryKey().references('workspace.id'))
        .addColumn('hook_secret', 'text')
        .addColumn('window_days', 'integer', (c) => c.notNull().defaultTo(30))
        .addColumn('updated_by', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
