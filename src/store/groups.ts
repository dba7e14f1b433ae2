import type { Kysely, Selectable } from 'kysely';
import { isTimeZone } from '../core/calendar.js';
import type { ChatGroupTable, Database } from './schema.js';

export type GroupRow = Selectable<ChatGroupTable>;

/** The group's positioning, as the operator describes it. */
export interface GroupProfile {
  timezone?: string;
  purpose?: string | null;
  type?: string | null;
  theme?: string | null;
  audience?: string | null;
  promise?: string | null;
  naming_rule?: string | null;
}

export class GroupNotFoundError extends Error {
  override readonly name = 'GroupNotFoundError';
  constructor(readonly ref: string | number) {
    super(`no group ${JSON.stringify(ref)}`);
  }
}

/** Registers a platform group in a workspace (or returns it), with an optional profile. */
export async function ensureGroup(
  db: Kysely<Database>,
  group: { workspaceId: number; platform: string; externalId: string; name: string; connectionId?: number | null; profile?: GroupProfile },
  now = Date.now(),
): Promise<GroupRow> {
  const profile = group.profile ?? {};
  if (profile.timezone && !isTimeZone(profile.timezone)) throw new Error(`unknown time zone ${JSON.stringify(profile.timezone)}`);
  await db
    .insertInto('chat_group')
    .values({
      workspace_id: group.workspaceId,
      connection_id: group.connectionId ?? null,
      platform: group.platform,
      external_id: group.externalId,
      name: group.name,
      created_at: now,
      ...profile,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'platform', 'external_id']).doNothing())
    .execute();
  return db
    .selectFrom('chat_group')
    .selectAll()
    .where('workspace_id', '=', group.workspaceId)
    .where('platform', '=', group.platform)
    .where('external_id', '=', group.externalId)
    .executeTakeFirstOrThrow();
}

/** Finds a workspace's group by id, or by exact name when that is unique. */
export async function findGroup(db: Kysely<Database>, workspaceId: number, ref: string | number): Promise<GroupRow> {
  const query = db.selectFrom('chat_group').selectAll().where('workspace_id', '=', workspaceId);
  if (typeof ref === 'number' || /^\d+$/.test(ref)) {
    const row = await query.where('id', '=', Number(ref)).executeTakeFirst();
    if (row) return row;
  }
  const rows = await query.where('name', '=', String(ref)).limit(2).execute();
  if (rows.length > 1) throw new Error(`more than one group is named ${JSON.stringify(ref)}: use its id`);
  if (!rows[0]) throw new GroupNotFoundError(ref);
  return rows[0];
}
