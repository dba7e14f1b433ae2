import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.js';
import { GROUP_PURPOSES, GROUP_TYPES } from './group-profile.js';
import { normalizeTag } from './group-sets.js';

/**
 * "These groups", as a rule, a broadcast or the group list takes them: groups named by
 * id, or in any of some sets, narrowed by profile (type, purpose), platform or a piece
 * of the name. With neither ids nor sets, every group of the workspace, narrowed.
 */
export const groupSelectorSchema = z
  .object({
    groups: z.array(z.number().int().positive()).max(10_000).optional(),
    sets: z.array(z.string().trim().min(1).max(50)).max(100).optional(),
    type: z.enum(GROUP_TYPES).optional(),
    purpose: z.enum(GROUP_PURPOSES).optional(),
    platform: z.string().min(1).max(30).optional(),
    name: z.string().min(1).max(200).optional(),
  })
  .strict();

export type GroupSelector = z.infer<typeof groupSelectorSchema>;

/**
 * The ids of the workspace's groups a selector takes, in id order; `scope` (an
 * operator's assigned groups) narrows it further, null meaning every group.
 */
export async function resolveGroupSelector(db: Kysely<Database>, workspaceId: number, selector: GroupSelector, scope: readonly number[] | null = null): Promise<number[]> {
  let q = db.selectFrom('chat_group').select('id').where('workspace_id', '=', workspaceId);
  const ids = selector.groups ?? [];
  const sets = (selector.sets ?? []).map(normalizeTag);
  if (selector.groups !== undefined || selector.sets !== undefined) {
    q = q.where((eb) =>
      eb.or([
        ...(ids.length > 0 ? [eb('id', 'in', ids)] : []),
        ...(sets.length > 0 ? [eb('id', 'in', eb.selectFrom('group_tag').select('group_id').where('workspace_id', '=', workspaceId).where('tag', 'in', sets))] : []),
        ...(ids.length === 0 && sets.length === 0 ? [eb.val(false)] : []),
      ]),
    );
  }
  if (selector.type) q = q.where('type', '=', selector.type);
  if (selector.purpose) q = q.where('purpose', '=', selector.purpose);
  if (selector.platform) q = q.where('platform', '=', selector.platform);
  // Case-insensitive on both backends (PostgreSQL's LIKE is not); % and _ in the text are literal.
  if (selector.name) q = q.where((eb) => eb(eb.fn('lower', ['name']), 'like', sql<string>`${`%${selector.name!.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`} escape '\\'`));
  if (scope) q = q.where('id', 'in', scope.length > 0 ? [...scope] : [-1]);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => r.id);
}
