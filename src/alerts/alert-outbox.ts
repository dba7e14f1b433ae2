import type { Kysely } from 'kysely';
import { enqueueAction } from '../outbox/enqueue-action.js';
import { actionSchema, type ActionInput } from '../core/action.js';
import type { Database } from '../store/schema.js';

/**
 * Puts an alert's action (the operator channel's notice, a prepared topic) into the
 * outbox under `key`, in the alert's transaction: sent once, like any action.
 */
export async function enqueueAlertAction(trx: Kysely<Database>, alert: { workspaceId: number; groupId: number; key: string; rule: string; now: number }, input: ActionInput): Promise<void> {
  const group = await trx.selectFrom('chat_group').select(['platform']).where('id', '=', alert.groupId).executeTakeFirstOrThrow();
  const action = actionSchema.parse(input);
  await enqueueAction(trx, { workspaceId: alert.workspaceId, groupId: alert.groupId, platform: group.platform, key: alert.key, rule: alert.rule, now: alert.now }, action);
}
