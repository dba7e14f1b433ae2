import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * Poster templates (src/growth/posters): what the operator designs for a fission
 * campaign's share-a-poster form. `design` is the design's JSON without its background
 * image, which sits in `background_image` (a data URL, at most 700 KB decoded) so a
 * list of templates never reads the images.
 */
export function posterTemplatesMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('poster_template')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('design', 'text', (c) => c.notNull())
        .addColumn('background_image', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('poster_template_workspace_idx').on('poster_template').columns(['workspace_id']).execute();
    },
  };
}
