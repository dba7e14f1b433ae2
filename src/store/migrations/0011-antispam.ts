import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * Anti-spam (src/antispam/): each workspace's trained spam model (one row, replaced
 * whole by `hearth spam train`), whether the spam rule runs there (`spam_guard`), and the moderation queue: a message the spam rule
 * judged spam, with its evidence, waiting for an operator to approve (it was spam) or
 * dismiss (it was not). One queue item per event.
 */
export function antispamMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('spam_model')
        .addColumn('workspace_id', 'integer', (c) => c.primaryKey().references('workspace.id'))
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('spam_count', 'integer', (c) => c.notNull())
        .addColumn('ham_count', 'integer', (c) => c.notNull())
        .addColumn('trained_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('spam_guard')
        .addColumn('workspace_id', 'integer', (c) => c.primaryKey().references('workspace.id'))
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('moderation_item')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('member_id', 'integer')
        .addColumn('event_id', 'integer', (c) => c.notNull().unique())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('score', 'real', (c) => c.notNull())
        .addColumn('reasons', 'text', (c) => c.notNull())
        .addColumn('planned', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('decided_at', 'bigint')
        .addColumn('decided_by', 'text')
        .execute();
      await db.schema.createIndex('moderation_item_queue_idx').on('moderation_item').columns(['workspace_id', 'status', 'id']).execute();
    },
  };
}
