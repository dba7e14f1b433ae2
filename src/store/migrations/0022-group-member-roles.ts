import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * In-group roles (src/groups/member-roles.ts): who is the owner, an administrator, an
 * official operation account, an extra, an expert, an opinion leader, an initiator or a
 * seed user in each group. A member holds each role at most once per group; the
 * workspace is kept beside it so a workspace's staff can be read without a join.
 */
export function groupMemberRolesMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('group_member_role')
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('assigned_by', 'text')
        .addColumn('assigned_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('group_member_role_pk', ['group_id', 'member_id', 'role'])
        .execute();
    },
  };
}
