import type { Kysely, Transaction } from 'kysely';
import type { Action } from '../core/action.js';
import type { Database } from '../store/schema.js';

/** Where an action goes and under which key: the group's row, the rule that planned it, when it is due. */
export interface OutboxTarget {
  workspaceId: number;
  groupId: number;
  platform: string;
  /** Idempotency key: a second write under it writes nothing, so a redone batch or job plans once. */
  key: string;
  rule: string;
  now: number;
  /** When the dispatcher may send it (default: now). */
  dueAt?: number;
}

/**
 * Writes one checked action into the outbox, in the caller's transaction, pending and
 * never tried. Every planner outside ingest's batch (rules that keep state, jobs,
 * operators' actions) writes through here. Returns whether a row was written.
 */
export async function enqueueAction(db: Kysely<Database> | Transaction<Database>, target: OutboxTarget, action: Action): Promise<boolean> {
  const result = await db
    .insertInto('outbox')
    .values({
      workspace_id: target.workspaceId,
      group_id: target.groupId,
      platform: target.platform,
      idempotency_key: target.key,
      action: JSON.stringify({ ...action, rule: target.rule }),
      status: 'pending',
      attempts: 0,
      next_attempt_at: target.dueAt ?? target.now,
      created_at: target.now,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
