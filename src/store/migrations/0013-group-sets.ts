import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Group sets (src/groups/group-sets.ts): tags an operator puts on groups ("beijing",
 * "paid", "autumn-campaign"), so a rule or a broadcast can take "these groups" by set.
 * A tag is unique per group; the workspace is kept beside it to list a workspace's
 * sets without a join.
 */
export function groupSetsMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('group_tag')
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('tag', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('group_tag_pk', ['group_id', 'tag'])
        .execute();
      await db.schema.createIndex('group_tag_by_tag').on('group_tag').columns(['workspace_id', 'tag']).execute();
    },
  };
}
