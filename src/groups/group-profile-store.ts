import type { Kysely, Updateable } from 'kysely';
import type { ChatGroupTable, Database } from '../store/schema.js';
import type { GroupRow } from '../store/groups.js';
import type { GroupProfileChange, GroupProfileView } from './group-profile.js';

/** A stored group's positioning, as the API, the CLI and the dashboard show it. */
export function profileOf(g: GroupRow): GroupProfileView {
  return { purpose: g.purpose, type: g.type, theme: g.theme, audience: g.audience, promise: g.promise, namingRule: g.naming_rule, timezone: g.timezone };
}

/** Changes the given fields of a group's profile (validated by `groupProfileChangeSchema`); returns the profile before and after. */
export async function changeGroupProfile(db: Kysely<Database>, groupId: number, change: GroupProfileChange): Promise<{ before: GroupProfileView; after: GroupProfileView }> {
  const set: Updateable<ChatGroupTable> = {};
  if (change.purpose !== undefined) set.purpose = change.purpose;
  if (change.type !== undefined) set.type = change.type;
  if (change.theme !== undefined) set.theme = change.theme;
  if (change.audience !== undefined) set.audience = change.audience;
  if (change.promise !== undefined) set.promise = change.promise;
  if (change.namingRule !== undefined) set.naming_rule = change.namingRule;
  if (change.timezone !== undefined) set.timezone = change.timezone;
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('chat_group').selectAll().where('id', '=', groupId).executeTakeFirstOrThrow();
    if (Object.keys(set).length > 0) await trx.updateTable('chat_group').set(set).where('id', '=', groupId).execute();
    const after = await trx.selectFrom('chat_group').selectAll().where('id', '=', groupId).executeTakeFirstOrThrow();
    return { before: profileOf(before), after: profileOf(after) };
  });
}
