import type { Kysely } from 'kysely';
import type { OutboxEntry } from '../shared/api-records.js';
import type { Database, OutboxStatus } from '../store/schema.js';

export type { OutboxEntry };

export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'sending', 'done', 'parked', 'discarded'];

/** No such row in the workspace (or not in the caller's groups). */
export class OutboxRowNotFoundError extends Error {
  override readonly name = 'OutboxRowNotFoundError';
  constructor(readonly id: number) {
    super(`no outbox row ${id}`);
  }
}

/** Only a parked row can be requeued or discarded. */
export class OutboxRowNotParkedError extends Error {
  override readonly name = 'OutboxRowNotParkedError';
  constructor(
    readonly id: number,
    readonly status: OutboxStatus,
  ) {
    super(`outbox row ${id} is ${status}, not parked`);
  }
}

/** A workspace's outbox rows, newest first, paged by `before` (an id). `groupIds` null: every group. */
export async function listOutbox(
  db: Kysely<Database>,
  query: { workspaceId: number; groupIds: readonly number[] | null; status?: OutboxStatus; group?: number; before?: number; limit: number },
): Promise<{ entries: OutboxEntry[]; next: number | null }> {
  let q = db
    .selectFrom('outbox')
    .innerJoin('chat_group', 'chat_group.id', 'outbox.group_id')
    .select([
      'outbox.id',
      'outbox.group_id',
      'chat_group.name as group_name',
      'outbox.platform',
      'outbox.status',
      'outbox.action',
      'outbox.attempts',
      'outbox.last_error',
      'outbox.parked_reason',
      'outbox.parked_at',
      'outbox.created_at',
      'outbox.next_attempt_at',
    ])
    .where('outbox.workspace_id', '=', query.workspaceId);
  if (query.groupIds) q = q.where('outbox.group_id', 'in', query.groupIds.length ? [...query.groupIds] : [-1]);
  if (query.status) q = q.where('outbox.status', '=', query.status);
  if (query.group !== undefined) q = q.where('outbox.group_id', '=', query.group);
  if (query.before !== undefined) q = q.where('outbox.id', '<', query.before);
  const rows = await q
    .orderBy('outbox.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return {
    entries: page.map((r) => {
      const action = readStored(r.action);
      return {
        id: r.id,
        groupId: r.group_id,
        groupName: r.group_name,
        platform: r.platform,
        status: r.status,
        type: typeof action?.type === 'string' ? action.type : null,
        rule: typeof action?.rule === 'string' ? action.rule : null,
        preview: typeof action?.text === 'string' ? action.text.slice(0, 200) : null,
        attempts: r.attempts,
        lastError: r.last_error,
        parkedReason: r.parked_reason,
        parkedAt: r.parked_at === null ? null : new Date(Number(r.parked_at)).toISOString(),
        createdAt: new Date(Number(r.created_at)).toISOString(),
        nextAttemptAt: new Date(Number(r.next_attempt_at)).toISOString(),
      };
    }),
    next: rows.length > query.limit ? page.at(-1)!.id : null,
  };
}

/** The workspace and group of a row, to check the caller may touch it. */
export async function outboxRowScope(db: Kysely<Database>, id: number): Promise<{ workspaceId: number; groupId: number; status: OutboxStatus } | undefined> {
  const row = await db.selectFrom('outbox').select(['workspace_id', 'group_id', 'status']).where('id', '=', id).executeTakeFirst();
  return row && { workspaceId: row.workspace_id, groupId: row.group_id, status: row.status };
}

/**
 * Puts a parked row back in line: due now, attempts from zero, the parking cleared
 * (its last error stays, for the record). A row that still cannot be sent is parked
 * again by the next pass, with its reason.
 */
export async function requeueParked(db: Kysely<Database>, id: number, now: number): Promise<void> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, lease_until: null, parked_reason: null, parked_at: null })
    .where('id', '=', id)
    .where('status', '=', 'parked')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) await notParked(db, id);
}

/** Gives a parked row up: kept as `discarded` (its key still stops the same action being planned twice). */
export async function discardParked(db: Kysely<Database>, id: number, now: number): Promise<void> {
  const result = await db.updateTable('outbox').set({ status: 'discarded', done_at: now, lease_until: null }).where('id', '=', id).where('status', '=', 'parked').executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) await notParked(db, id);
}

async function notParked(db: Kysely<Database>, id: number): Promise<never> {
  const scope = await outboxRowScope(db, id);
  if (!scope) throw new OutboxRowNotFoundError(id);
  throw new OutboxRowNotParkedError(id, scope.status);
}

function readStored(json: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(json) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
