import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * The points ledger and check-in (src/activation/points). `points_entry` is the ledger:
 * one signed integer credit or debit per row, unique per workspace on `ref`, so an event
 * delivered twice credits once. `points_balance` keeps each member's balance and lifetime
 * earnings per group (group 0: not tied to a group), moved in the same transaction as
 * the entry; a debit is a conditional update that never takes a balance below zero, so
 * two spends of the last points grant one. `checkin` holds one row per member, group and
 * day (unique), `points_message_day` what a member's messages earned that day (the
 * anti-farming cap), `member_medal` a medal awarded once per member, group and period,
 * and `points_settings` each group's configuration (no row: points off).
 */
export function pointsMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('points_entry')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull())
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('points', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('ref', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addUniqueConstraint('points_entry_workspace_ref', ['workspace_id', 'ref'])
        .execute();
      await db.schema.createIndex('points_entry_member_idx').on('points_entry').columns(['workspace_id', 'member_id', 'at']).execute();
      await db.schema.createIndex('points_entry_group_day_idx').on('points_entry').columns(['group_id', 'day']).execute();
      await db.schema
        .createTable('points_balance')
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull())
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('balance', 'integer', (c) => c.notNull())
        .addColumn('earned', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('points_balance_pk', ['workspace_id', 'group_id', 'member_id'])
        .execute();
      await db.schema
        .createTable('points_settings')
        .addColumn('group_id', 'integer', (c) => c.primaryKey().references('chat_group.id'))
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('checkin')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('streak', 'integer', (c) => c.notNull())
        .addColumn('points', 'integer', (c) => c.notNull())
        .addColumn('makeup', 'integer', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('event_key', 'text', (c) => c.notNull())
        .addUniqueConstraint('checkin_member_day', ['group_id', 'member_id', 'day'])
        .execute();
      await db.schema
        .createTable('points_message_day')
        .addColumn('group_id', 'integer', (c) => c.notNull())
        .addColumn('member_id', 'integer', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('credited', 'integer', (c) => c.notNull())
        .addColumn('hashes', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('points_message_day_pk', ['group_id', 'member_id', 'day'])
        .execute();
      await db.schema
        .createTable('member_medal')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull())
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('medal', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('awarded_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('member_medal_once', ['group_id', 'member_id', 'medal', 'period'])
        .execute();
      await db.schema.createIndex('member_medal_member_idx').on('member_medal').columns(['workspace_id', 'member_id']).execute();
    },
  };
}
