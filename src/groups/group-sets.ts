import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

const TAG_MAX = 50;

export class InvalidGroupTagError extends Error {
  override readonly name = 'InvalidGroupTagError';
}

/**
 * A set's name as stored: trimmed, lower-cased where the script has case, inner runs of
 * space made one dash ("Autumn Campaign" → "autumn-campaign"); Chinese stays as it is.
 * Refuses an empty name, one over 50 characters, or one with a comma (the CLI's separator).
 */
export function normalizeTag(raw: string): string {
  const tag = raw.trim().toLowerCase().replace(/\s+/g, '-');
  if (tag === '') throw new InvalidGroupTagError('a group set needs a name');
  if ([...tag].length > TAG_MAX) throw new InvalidGroupTagError(`group set ${JSON.stringify(raw)} is longer than ${TAG_MAX} characters`);
  if (tag.includes(',')) throw new InvalidGroupTagError(`group set ${JSON.stringify(raw)} has a comma; use one name per set`);
  return tag;
}

/** Puts a group in these sets and takes it out of every other: the group's sets become exactly `tags`. */
export async function setGroupTags(db: Kysely<Database>, group: { id: number; workspaceId: number }, tags: readonly string[], now: number): Promise<string[]> {
  const wanted = [...new Set(tags.map(normalizeTag))].sort();
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('group_tag').where('group_id', '=', group.id).execute();
    if (wanted.length > 0)
      await trx
        .insertInto('group_tag')
        .values(wanted.map((tag) => ({ workspace_id: group.workspaceId, group_id: group.id, tag, created_at: now })))
        .execute();
  });
  return wanted;
}

/** Adds a group to sets (and removes it from others) without touching the rest of its sets. */
export async function changeGroupTags(
  db: Kysely<Database>,
  group: { id: number; workspaceId: number },
  change: { add?: readonly string[]; remove?: readonly string[] },
  now: number,
): Promise<string[]> {
  const add = [...new Set((change.add ?? []).map(normalizeTag))];
  const remove = [...new Set((change.remove ?? []).map(normalizeTag))];
  await db.transaction().execute(async (trx) => {
    if (remove.length > 0) await trx.deleteFrom('group_tag').where('group_id', '=', group.id).where('tag', 'in', remove).execute();
    if (add.length > 0)
      await trx
        .insertInto('group_tag')
        .values(add.map((tag) => ({ workspace_id: group.workspaceId, group_id: group.id, tag, created_at: now })))
        .onConflict((oc) => oc.columns(['group_id', 'tag']).doNothing())
        .execute();
  });
  return (await tagsOfGroups(db, [group.id])).get(group.id) ?? [];
}

/** Each group's sets, sorted; a group in none is absent from the map. */
export async function tagsOfGroups(db: Kysely<Database>, groupIds: readonly number[]): Promise<Map<number, string[]>> {
  const byGroup = new Map<number, string[]>();
  if (groupIds.length === 0) return byGroup;
  const rows = await db
    .selectFrom('group_tag')
    .select(['group_id', 'tag'])
    .where('group_id', 'in', [...groupIds])
    .orderBy('tag')
    .execute();
  for (const r of rows) byGroup.set(r.group_id, [...(byGroup.get(r.group_id) ?? []), r.tag]);
  return byGroup;
}

/** A workspace's sets with how many groups each holds (of `groupIds` when given: an operator's own groups). */
export async function listGroupSets(db: Kysely<Database>, workspaceId: number, groupIds: readonly number[] | null = null): Promise<{ tag: string; groups: number }[]> {
  let q = db
    .selectFrom('group_tag')
    .select(['tag', (eb) => eb.fn.countAll<number>().as('groups')])
    .where('workspace_id', '=', workspaceId);
  if (groupIds) q = q.where('group_id', 'in', groupIds.length > 0 ? [...groupIds] : [-1]);
  const rows = await q.groupBy('tag').orderBy('tag').execute();
  return rows.map((r) => ({ tag: r.tag, groups: Number(r.groups) }));
}
