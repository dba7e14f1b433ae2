import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * Broadcasts (src/activation/broadcasts): one post to many groups, now or at a time.
 * A broadcast keeps what it says and when; each target is one group with the outbox
 * key its message is written under, so a group's result is read back from that
 * outbox row (sent, failed and why) and the message is planned once however often
 * the start is repeated. `error`: the group's message could not be planned at all.
 */
export function broadcastsMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('broadcast')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('link', 'text')
        .addColumn('selector', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('send_at', 'bigint')
        .addColumn('started_at', 'bigint')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('broadcast_workspace_idx').on('broadcast').columns(['workspace_id', 'id']).execute();
      await db.schema
        .createTable('broadcast_target')
        .addColumn('broadcast_id', 'integer', (c) => c.notNull().references('broadcast.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('outbox_key', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint('broadcast_target_pk', ['broadcast_id', 'group_id'])
        .execute();
    },
  };
}
