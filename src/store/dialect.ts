import type { ColumnDefinitionBuilder } from 'kysely';

/** The two backends Hearth runs on. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * The auto-numbered primary key, which the two backends spell differently.
 * PostgreSQL's bigserial comes back as a number because database.ts parses int8.
 */
export function idColumn(dialect: Dialect): { type: 'integer' | 'bigserial'; build: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder } {
  return dialect === 'sqlite' ? { type: 'integer', build: (c) => c.primaryKey().autoIncrement() } : { type: 'bigserial', build: (c) => c.primaryKey() };
}
