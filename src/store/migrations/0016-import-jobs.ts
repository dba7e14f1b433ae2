import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * Imports started from the dashboard (src/importers/import-jobs.ts): one row per
 * uploaded export, its progress while it runs (written every few seconds, which is
 * also its heartbeat) and, once it ends, its report or what was wrong with the file.
 * The report outlives the upload and a restart.
 */
export function importJobsMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('import_job')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('file_bytes', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('options', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('progress_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('total_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('events', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('report', 'text')
        .addColumn('error', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .execute();
      await db.schema.createIndex('import_job_workspace_idx').on('import_job').columns(['workspace_id', 'id']).execute();
    },
  };
}
