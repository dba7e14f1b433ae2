import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * Growth codes (src/growth/): every code and link Hearth issues — an invitation code
 * (one group, maybe a limited quantity) or a live code over a series of groups — with
 * its campaign, channel, inviter and scan count; the series of a live code; the
 * platform links created for a code (a Telegram invite link, cached once made); and
 * the operator-uploaded QR image of a WeChat/WeCom group, which expires after 7 days.
 * Joins through a code are the memberships whose `code` names it.
 */
export function growthCodesMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('growth_code')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('campaign', 'text')
        .addColumn('channel', 'text')
        .addColumn('inviter_member_id', 'integer')
        .addColumn('quantity', 'integer')
        .addColumn('capacity', 'integer')
        .addColumn('scans', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('expires_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('growth_code_group')
        .addColumn('code_id', 'integer', (c) => c.notNull().references('growth_code.id').onDelete('cascade'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('growth_code_group_pk', ['code_id', 'group_id'])
        .execute();
      await db.schema
        .createTable('growth_code_link')
        .addColumn('code_id', 'integer', (c) => c.notNull().references('growth_code.id').onDelete('cascade'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('url', 'text')
        .addColumn('outbox_id', 'integer')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('growth_code_link_pk', ['code_id', 'group_id'])
        .execute();
      await db.schema
        .createTable('growth_group_qr')
        .addColumn('group_id', 'integer', (c) => c.primaryKey().references('chat_group.id'))
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('image', 'text', (c) => c.notNull())
        .addColumn('uploaded_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('membership_code_idx').on('membership').columns(['code', 'group_id']).execute();
    },
  };
}
