import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * The members directory (src/members/member-directory.ts) lists a workspace's members
 * in id order a page at a time (on PostgreSQL the workspace index alone means sorting
 * every member of the workspace for each page), and opens one member at a time: their
 * stays, totals and days are read by member, which the group-first keys of these
 * tables cannot answer without a scan. Linking and erasing a member read them the
 * same way.
 */
export function memberDirectoryMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createIndex('member_workspace_id_idx').on('member').columns(['workspace_id', 'id']).execute();
      await db.schema.createIndex('membership_member_idx').on('membership').column('member_id').execute();
      await db.schema.createIndex('member_group_total_member_idx').on('member_group_total').column('member_id').execute();
      await db.schema.createIndex('member_group_day_member_idx').on('member_group_day').columns(['member_id', 'day']).execute();
    },
  };
}
