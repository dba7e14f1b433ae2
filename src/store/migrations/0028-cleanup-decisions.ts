import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * The cleanup list's decisions (src/health/cleanup-queries.ts): an operator removed a
 * listed member (the removal went through the outbox) or dismissed them; either keeps
 * the member off the group's list until `until`. Kept, never updated: the latest row
 * for a group and member decides.
 */
export function cleanupDecisionsMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('cleanup_decision')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('reasons', 'text', (c) => c.notNull())
        .addColumn('planned', 'text', (c) => c.notNull())
        .addColumn('fallback', 'text')
        .addColumn('decided_by', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'bigint', (c) => c.notNull())
        .addColumn('until', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('cleanup_decision_group_member').on('cleanup_decision').columns(['group_id', 'member_id']).execute();
    },
  };
}
