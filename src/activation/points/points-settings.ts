import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { PointsConfig, PointsSettings } from '../../shared/points-records.js';
import { applyConfigChanges, DEFAULT_POINTS_CONFIG, parseStoredConfig, type PointsConfigChanges } from './points-rules.js';

export type { PointsSettings } from '../../shared/points-records.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function pointsSettings(db: Db, groupId: number): Promise<PointsSettings> {
  const row = await db.selectFrom('points_settings').select(['enabled', 'config']).where('group_id', '=', groupId).executeTakeFirst();
  return { groupId, enabled: row?.enabled === 1, config: row ? parseStoredConfig(row.config) : DEFAULT_POINTS_CONFIG };
}

/** Checks every change first (throws InvalidPointsConfigError naming the bad one, storing nothing), then stores them. */
export async function savePointsSettings(db: Db, group: { id: number; workspaceId: number }, changes: { enabled?: boolean; config?: PointsConfigChanges }, now: number): Promise<PointsSettings> {
  const current = await pointsSettings(db, group.id);
  const config = changes.config ? applyConfigChanges(current.config, changes.config) : current.config;
  const enabled = changes.enabled ?? current.enabled;
  const row = { enabled: enabled ? 1 : 0, config: JSON.stringify(config), updated_at: now };
  await db
    .insertInto('points_settings')
    .values({ group_id: group.id, workspace_id: group.workspaceId, ...row })
    .onConflict((oc) => oc.column('group_id').doUpdateSet(row))
    .execute();
  return { groupId: group.id, enabled, config };
}

/** How long ingest trusts the groups' points settings it read before reading them again (another process may change them). */
export const SETTINGS_TTL_MS = 10_000;

/**
 * The points settings of a workspace's enabled groups, read once per workspace and
 * {@link SETTINGS_TTL_MS} (wall clock, not the event's), so the rule costs one map
 * look-up per event and nothing at all in a workspace without points. A change is seen
 * within the TTL, at once where whoever saved it calls {@link PointsSettingsCache.forget}.
 */
export class PointsSettingsCache {
  readonly #byWorkspace = new Map<number, { at: number; groups: Map<number, PointsConfig> }>();

  constructor(private readonly wallClock: () => number = Date.now) {}

  /** The enabled groups' configs of a workspace, from the cache when it is fresh. */
  async enabledGroups(db: Db, workspaceId: number): Promise<Map<number, PointsConfig>> {
    const now = this.wallClock();
    const cached = this.#byWorkspace.get(workspaceId);
    if (cached && now - cached.at < SETTINGS_TTL_MS) return cached.groups;
    const rows = await db.selectFrom('points_settings').select(['group_id', 'config']).where('workspace_id', '=', workspaceId).where('enabled', '=', 1).execute();
    const groups = new Map(rows.map((r) => [r.group_id, parseStoredConfig(r.config)]));
    this.#byWorkspace.set(workspaceId, { at: now, groups });
    return groups;
  }

  /** Read the workspace's settings again on its next event. */
  forget(workspaceId: number): void {
    this.#byWorkspace.delete(workspaceId);
  }
}
