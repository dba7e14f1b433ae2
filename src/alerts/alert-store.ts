import type { Kysely, Transaction } from 'kysely';
import type { AlertRecord } from '../shared/alert-records.js';
import type { Database } from '../store/schema.js';

export type { AlertRecord };

/**
 * Records an alert once: `dedupKey` names the occurrence (a silence stretch, say), so
 * raising it again is nothing. Returns the new alert's id, or null when it already was.
 */
export async function raiseAlert(
  db: Kysely<Database> | Transaction<Database>,
  alert: { workspaceId: number; groupId: number | null; kind: string; dedupKey: string; at: number; detail: Record<string, unknown> },
): Promise<number | null> {
  const row = await db
    .insertInto('alert')
    .values({ workspace_id: alert.workspaceId, group_id: alert.groupId, kind: alert.kind, dedup_key: alert.dedupKey, at: alert.at, detail: JSON.stringify(alert.detail) })
    .onConflict((oc) => oc.column('dedup_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

/** A workspace's alerts, newest first; `groupIds` null: every group (else only those groups'). */
export async function listAlerts(db: Kysely<Database>, query: { workspaceId: number; groupIds?: readonly number[] | null; group?: number; kind?: string; limit?: number }): Promise<AlertRecord[]> {
  let q = db
    .selectFrom('alert')
    .leftJoin('chat_group', 'chat_group.id', 'alert.group_id')
    .select(['alert.id', 'alert.kind', 'alert.group_id', 'chat_group.name as group_name', 'alert.at', 'alert.detail'])
    .where('alert.workspace_id', '=', query.workspaceId);
  if (query.groupIds) q = q.where('alert.group_id', 'in', query.groupIds.length ? [...query.groupIds] : [-1]);
  if (query.group !== undefined) q = q.where('alert.group_id', '=', query.group);
  if (query.kind) q = q.where('alert.kind', '=', query.kind);
  const rows = await q
    .orderBy('alert.at', 'desc')
    .orderBy('alert.id', 'desc')
    .limit(query.limit ?? 200)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    groupId: r.group_id,
    groupName: r.group_name,
    at: new Date(Number(r.at)).toISOString(),
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}
