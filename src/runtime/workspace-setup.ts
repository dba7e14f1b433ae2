import type { Kysely } from 'kysely';
import { addAutomation } from '../automations/automation-store.js';
import { DEFAULT_WELCOME_TEMPLATE } from '../shared/automation-defaults.js';
import type { Database } from '../store/schema.js';
import { ensureWorkspace, listWorkspaces, findWorkspace, type Workspace } from '../store/workspaces.js';

/** The welcome every new workspace starts with; operators change it per workspace or group. */
export const DEFAULT_WELCOME = { template: DEFAULT_WELCOME_TEMPLATE };

/** Creates a workspace ready to use (with the default welcome), or returns the existing one. */
export async function setUpWorkspace(db: Kysely<Database>, slug: string, name = slug, now = Date.now()): Promise<Workspace> {
  const existed = await db.selectFrom('workspace').select('id').where('slug', '=', slug).executeTakeFirst();
  const workspace = await ensureWorkspace(db, slug, name, now);
  if (!existed) await addAutomation(db, { workspaceId: workspace.id, kind: 'welcome', config: DEFAULT_WELCOME }, now);
  return workspace;
}

/**
 * The workspace a command means: the one named, else the only or first one, else a new
 * 'default' workspace (so a fresh install works without set-up).
 */
export async function resolveWorkspace(db: Kysely<Database>, ref?: string): Promise<Workspace> {
  if (ref) return findWorkspace(db, ref);
  const [first] = await listWorkspaces(db);
  return first ?? setUpWorkspace(db, 'default', 'Default');
}
