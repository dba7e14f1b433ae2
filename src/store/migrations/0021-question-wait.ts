import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * The group watch (src/alerts/group-watch.ts): how many minutes a member's question may
 * wait for a first response before the group's operators are alerted; null keeps the
 * default (30 minutes).
 */
export function questionWaitMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('group_activation').addColumn('question_minutes', 'integer').execute();
    },
  };
}
