import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * Rule problems (src/automations/automation-problems.ts): an action a rule planned that
 * could not be sent, or one its platform cannot do that a fallback replaced. One row
 * per (automation, reason), counted, with the last event it happened on: a broken rule
 * firing on every message is one row, not a flood.
 */
export function automationProblemsMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('automation_problem')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('automation_id', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('problem', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('last_event_key', 'text', (c) => c.notNull())
        .addColumn('last_group_id', 'integer', (c) => c.notNull())
        .addUniqueConstraint('automation_problem_unique', ['workspace_id', 'automation_id', 'reason'])
        .execute();
    },
  };
}
