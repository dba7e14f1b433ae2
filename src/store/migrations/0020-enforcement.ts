import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * Enforcement with an escalation ladder (src/enforcement/): each workspace's ladder
 * and detector settings, overridable per group (`scope_group_id` 0 is the workspace's
 * own), and every enforcement taken — the violation, its evidence, the ladder step
 * and what was planned (with the fallback where the platform lacked a capability) —
 * until an operator undoes it. An active `ban` enforcement is a workspace ban.
 */
export function enforcementMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('enforcement_ladder')
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('scope_group_id', 'integer', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('enforcement_ladder_pk', ['workspace_id', 'scope_group_id'])
        .execute();
      await db.schema
        .createTable('enforcement')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('member_id', 'integer', (c) => c.notNull())
        .addColumn('event_id', 'integer', (c) => c.unique())
        .addColumn('violation', 'text', (c) => c.notNull())
        .addColumn('reasons', 'text', (c) => c.notNull())
        .addColumn('step', 'integer', (c) => c.notNull())
        .addColumn('step_kind', 'text', (c) => c.notNull())
        .addColumn('step_seconds', 'integer')
        .addColumn('strike', 'integer', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text')
        .addColumn('planned', 'text', (c) => c.notNull())
        .addColumn('fallback', 'text')
        .addColumn('group_ids', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('undone_at', 'bigint')
        .addColumn('undone_by', 'text')
        .execute();
      await db.schema.createIndex('enforcement_member_idx').on('enforcement').columns(['workspace_id', 'member_id', 'status']).execute();
      await db.schema.createIndex('enforcement_list_idx').on('enforcement').columns(['workspace_id', 'id']).execute();
    },
  };
}
