import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/** The spine: workspaces, connections, groups, members, the event log, rollups, automations, outbox, sandbox. */
export function initialMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('workspace')
        .addColumn('id', id.type, id.build)
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('connection')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('config', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('connection_name_unique', ['workspace_id', 'name'])
        .execute();

      await db.schema
        .createTable('chat_group')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('connection_id', 'integer', (c) => c.references('connection.id'))
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC'))
        .addColumn('purpose', 'text')
        .addColumn('type', 'text')
        .addColumn('theme', 'text')
        .addColumn('audience', 'text')
        .addColumn('promise', 'text')
        .addColumn('naming_rule', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('chat_group_external_unique', ['workspace_id', 'platform', 'external_id'])
        .execute();

      await db.schema
        .createTable('member')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('is_bot', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('member_workspace_idx').on('member').column('workspace_id').execute();

      await db.schema
        .createTable('identity')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('username', 'text')
        .addUniqueConstraint('identity_external_unique', ['workspace_id', 'platform', 'external_id'])
        .execute();
      await db.schema.createIndex('identity_member_idx').on('identity').column('member_id').execute();

      await db.schema
        .createTable('membership')
        .addColumn('id', id.type, id.build)
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('joined_at', 'bigint', (c) => c.notNull())
        .addColumn('left_at', 'bigint')
        .addColumn('join_method', 'text')
        .addColumn('inviter_member_id', 'integer', (c) => c.references('member.id'))
        .addColumn('code', 'text')
        .addColumn('left_reason', 'text')
        .execute();
      await db.schema.createIndex('membership_group_member_idx').on('membership').columns(['group_id', 'member_id']).execute();

      await db.schema
        .createTable('event')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('member_id', 'integer', (c) => c.references('member.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('dedup_key', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'bigint', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addUniqueConstraint('event_dedup_unique', ['workspace_id', 'dedup_key'])
        .execute();
      await db.schema.createIndex('event_group_time_idx').on('event').columns(['group_id', 'kind', 'occurred_at']).execute();

      await db.schema
        .createTable('group_day')
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('messages', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('replies', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('reactions', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('joins', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('leaves', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('group_day_pk', ['group_id', 'day'])
        .execute();

      await db.schema
        .createTable('member_group_day')
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('messages', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('replies', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('reactions', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('member_group_day_pk', ['group_id', 'day', 'member_id'])
        .execute();

      await db.schema
        .createTable('member_group_total')
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('messages', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('first_message_at', 'bigint')
        .addColumn('last_message_at', 'bigint')
        .addPrimaryKeyConstraint('member_group_total_pk', ['group_id', 'member_id'])
        .execute();

      await db.schema
        .createTable('automation')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.references('chat_group.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('automation_workspace_idx').on('automation').column('workspace_id').execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('result', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('done_at', 'bigint')
        .execute();
      await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['status', 'next_attempt_at']).execute();

      await db.schema
        .createTable('sandbox_room')
        .addColumn('room', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sandbox_message')
        .addColumn('id', id.type, id.build)
        .addColumn('room', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('from_id', 'text', (c) => c.notNull())
        .addColumn('from_name', 'text', (c) => c.notNull())
        .addColumn('from_bot', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('text', 'text')
        .addColumn('reply_to', 'text')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('sandbox_message_unique', ['room', 'message_id'])
        .execute();
      await db.schema.createIndex('sandbox_message_room_at_idx').on('sandbox_message').columns(['room', 'at']).execute();

      await db.schema
        .createTable('sandbox_state')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
