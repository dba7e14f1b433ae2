import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface Workspace {
  id: number;
  slug: string;
  name: string;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export class WorkspaceNotFoundError extends Error {
  override readonly name = 'WorkspaceNotFoundError';
  constructor(readonly ref: string | number) {
    super(`no workspace ${JSON.stringify(ref)}`);
  }
}

/** Creates a workspace, or returns the one with that slug. */
export async function ensureWorkspace(db: Kysely<Database>, slug: string, name = slug, now = Date.now()): Promise<Workspace> {
  if (!SLUG.test(slug)) throw new Error(`invalid workspace slug ${JSON.stringify(slug)}: use lowercase letters, digits and -`);
  await db
    .insertInto('workspace')
    .values({ slug, name, created_at: now })
    .onConflict((oc) => oc.column('slug').doNothing())
    .execute();
  return findWorkspace(db, slug);
}

/** Finds a workspace by slug or id; throws WorkspaceNotFoundError when there is none. */
export async function findWorkspace(db: Kysely<Database>, ref: string | number): Promise<Workspace> {
  const byId = typeof ref === 'number' || /^\d+$/.test(ref);
  const row = await db
    .selectFrom('workspace')
    .select(['id', 'slug', 'name'])
    .where(byId ? 'id' : 'slug', '=', byId ? Number(ref) : ref)
    .executeTakeFirst();
  if (!row) throw new WorkspaceNotFoundError(ref);
  return row;
}

export async function listWorkspaces(db: Kysely<Database>): Promise<Workspace[]> {
  return db.selectFrom('workspace').select(['id', 'slug', 'name']).orderBy('id').execute();
}
