import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { buildAutomation } from './automation-catalog.js';

type Db = Kysely<Database> | Transaction<Database>;

/** An automation as operators see and change it. */
export interface AutomationInfo {
  id: number;
  workspaceId: number;
  /** Null: every group of the workspace (a group's own automation of the same kind replaces it there). */
  groupId: number | null;
  kind: string;
  config: unknown;
  enabled: boolean;
}

export class AutomationNotFoundError extends Error {
  override readonly name = 'AutomationNotFoundError';
  constructor(readonly id: number) {
    super(`no automation ${id}`);
  }
}

const present = (r: { id: number; workspace_id: number; group_id: number | null; kind: string; config: string; enabled: number }): AutomationInfo => ({
  id: r.id,
  workspaceId: r.workspace_id,
  groupId: r.group_id,
  kind: r.kind,
  config: JSON.parse(r.config),
  enabled: r.enabled === 1,
});

/** Adds an automation to a workspace (or one group); its config is validated first. */
export async function addAutomation(db: Db, automation: { workspaceId: number; groupId?: number | null; kind: string; config: unknown }, now = Date.now()): Promise<number> {
  buildAutomation(automation.kind, automation.config);
  const { id } = await db
    .insertInto('automation')
    .values({ workspace_id: automation.workspaceId, group_id: automation.groupId ?? null, kind: automation.kind, config: JSON.stringify(automation.config), enabled: 1, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function listAutomations(db: Db, workspaceId: number): Promise<AutomationInfo[]> {
  return (await db.selectFrom('automation').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute()).map(present);
}

export async function getAutomation(db: Db, id: number): Promise<AutomationInfo> {
  const row = await db.selectFrom('automation').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AutomationNotFoundError(id);
  return present(row);
}

/** Changes an automation's config (validated against its kind) and/or switches it on or off. */
export async function updateAutomation(db: Db, id: number, change: { config?: unknown; enabled?: boolean }): Promise<AutomationInfo> {
  const current = await getAutomation(db, id);
  if (change.config !== undefined) buildAutomation(current.kind, change.config);
  await db
    .updateTable('automation')
    .set({ ...(change.config !== undefined ? { config: JSON.stringify(change.config) } : {}), ...(change.enabled !== undefined ? { enabled: change.enabled ? 1 : 0 } : {}) })
    .where('id', '=', id)
    .execute();
  return getAutomation(db, id);
}

export async function removeAutomation(db: Db, id: number): Promise<void> {
  await getAutomation(db, id);
  await db.deleteFrom('automation').where('id', '=', id).execute();
}
