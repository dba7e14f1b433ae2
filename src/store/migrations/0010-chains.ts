import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * Chain sign-ups (接龙, src/conversion/chains): a list post in a group that members
 * append to by message. `taken` is the units signed up for, moved by a conditional
 * update, so the last unit of a quota is granted once under concurrent sign-ups; one
 * entry per member, in the order they first signed.
 */
export function chainsMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('chain')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('quota', 'integer')
        .addColumn('deadline_at', 'bigint')
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('taken', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('closed_at', 'bigint')
        .addColumn('close_reason', 'text')
        .addColumn('posts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_post_at', 'bigint')
        .addColumn('repost_due_at', 'bigint')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('chain_group_idx').on('chain').columns(['group_id', 'closed_at']).execute();
      await db.schema.createIndex('chain_workspace_idx').on('chain').columns(['workspace_id', 'closed_at']).execute();
      await db.schema
        .createTable('chain_entry')
        .addColumn('id', id.type, id.build)
        .addColumn('chain_id', 'integer', (c) => c.notNull().references('chain.id'))
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('signed_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('event_key', 'text', (c) => c.notNull())
        .addUniqueConstraint('chain_entry_member', ['chain_id', 'member_id'])
        .execute();
    },
  };
}
