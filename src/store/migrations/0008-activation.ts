import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * The activation engine's tables. `scheduled_job`: the persisted scheduler
 * (src/scheduler/): one row per job with its cron pattern, time zone, what to do with
 * a run missed while nothing was running, and the next slot it is due; a run moves
 * `next_run_at` on with a compare-and-set, so two processes (or a restart) never
 * take the same slot twice. `alert`: what needs an operator's eye, one row per
 * occurrence (`dedup_key`: a silence stretch is one alert however often the watchdog
 * looks), `kind` open to new kinds. `group_activation`: a group's watchdog settings
 * (threshold, warning lead, quiet hours, operator channel, topic bank).
 */
export function activationMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('scheduled_job')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('job_key', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('group_id', 'integer', (c) => c.references('chat_group.id'))
        .addColumn('cron', 'text', (c) => c.notNull())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('missed', 'text', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('next_run_at', 'bigint', (c) => c.notNull())
        .addColumn('last_slot_at', 'bigint')
        .addColumn('last_run_at', 'bigint')
        .addColumn('last_outcome', 'text')
        .addColumn('runs', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('scheduled_job_due_idx').on('scheduled_job').columns(['enabled', 'next_run_at']).execute();

      await db.schema
        .createTable('alert')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.references('chat_group.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('dedup_key', 'text', (c) => c.notNull().unique())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alert_workspace_at_idx').on('alert').columns(['workspace_id', 'at']).execute();

      await db.schema
        .createTable('group_activation')
        .addColumn('group_id', 'integer', (c) => c.primaryKey().references('chat_group.id'))
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('silence_minutes', 'integer', (c) => c.notNull())
        .addColumn('warn_minutes', 'integer', (c) => c.notNull())
        .addColumn('quiet_start', 'text')
        .addColumn('quiet_end', 'text')
        .addColumn('operator_channel_id', 'integer', (c) => c.references('chat_group.id'))
        .addColumn('post_topic', 'integer', (c) => c.notNull())
        .addColumn('topics', 'text', (c) => c.notNull())
        .addColumn('topic_next', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
