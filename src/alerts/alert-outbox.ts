import type { Kysely } from 'kysely';
import { actionSchema, type ActionInput } from '../core/action.js';
import type { Database } from '../store/schema.js';

/**
 * Puts an alert's action (the operator channel's notice, a prepared topic) into the
 * outbox under `key`, in the alert's transaction: sent once, like any action.
 */
export async function enqueueAlertAction(trx: Kysely<Database>, alert: { workspaceId: number; groupId: number; key: string; rule: string; now: number }, input: ActionInput): Promise<void> {
  const group = await trx.selectFrom('chat_group').select(['platform']).where('id', '=', alert.groupId).executeTakeFirstOrThrow();
  const action = actionSchema.parse(input);
  await trx
    .insertInto('outbox')
    .values({
      workspace_id: alert.workspaceId,
      group_id: alert.groupId,
      platform: group.platform,
      idempotency_key: alert.key,
      action: JSON.stringify({ ...action, rule: alert.rule }),
      status: 'pending',
      attempts: 0,
      next_attempt_at: alert.now,
      created_at: alert.now,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}
