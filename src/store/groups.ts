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

/** What moving a group to a new platform id did (see `rekeyGroup`). */
export type RekeyOutcome =
  /** The group now answers to the new id, its history kept; `dropped` is an empty group that held the new id. */
  | { status: 'moved'; groupId: number; dropped?: number }
  /** Already done (a second notice), or the old id was never seen. */
  | { status: 'nothing-to-move' }
  /** Both ids already have history in Hearth: left as two groups, to be merged by an operator. */
  | { status: 'conflict'; fromGroupId: number; toGroupId: number };

/**
 * A platform gave a group a new id (Telegram: a group became a supergroup). The
 * Hearth group keeps its id, history and settings and takes the new external id, so
 * events and sends go on in the same group. When the new id already has a group of
 * its own that nothing refers to (created ahead of the notice), that empty one is
 * dropped; when anything refers to it (events, memberships, a rule), both are left
 * as they are and the outcome says so. Callers that cache groups forget both ids.
 */
export async function rekeyGroup(db: Kysely<Database>, move: { workspaceId: number; platform: string; from: string; to: string }): Promise<RekeyOutcome> {
  try {
    return await db.transaction().execute(async (trx): Promise<RekeyOutcome> => {
      const find = (externalId: string) =>
        trx.selectFrom('chat_group').select(['id']).where('workspace_id', '=', move.workspaceId).where('platform', '=', move.platform).where('external_id', '=', externalId).executeTakeFirst();
      const from = await find(move.from);
      if (!from) return { status: 'nothing-to-move' };
      const to = await find(move.to);
      if (to) {
        try {
          // Every table that refers to a group does so by foreign key: the delete fails if anything does.
          await trx.deleteFrom('chat_group').where('id', '=', to.id).execute();
        } catch (error) {
          if (isForeignKeyViolation(error)) throw new GroupInUse(from.id, to.id);
          throw error;
        }
      }
      await trx.updateTable('chat_group').set({ external_id: move.to }).where('id', '=', from.id).execute();
      return { status: 'moved', groupId: from.id, ...(to ? { dropped: to.id } : {}) };
    });
  } catch (error) {
    if (error instanceof GroupInUse) return { status: 'conflict', fromGroupId: error.fromGroupId, toGroupId: error.toGroupId };
    throw error;
  }
}

class GroupInUse extends Error {
  constructor(
    readonly fromGroupId: number,
    readonly toGroupId: number,
  ) {
    super("the group's new id already has history");
  }
}

function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
