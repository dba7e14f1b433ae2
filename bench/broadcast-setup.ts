import type { Kysely } from 'kysely';
import type { Database } from '../src/store/schema.js';

/**
 * What a broadcast plans, for P3 and R6: `groups` Telegram groups of one connection,
 * and one `send_message` per group in the outbox, all due at `now`. Returns the
 * Hearth ids of the groups, in order.
 */
export async function planBroadcast(
  db: Kysely<Database>,
  options: { workspaceId: number; connectionId: number; groups: number; label: string; firstChatId: number; text: string; now: number },
): Promise<number[]> {
  const { workspaceId, connectionId, now } = options;
  const groupRows = Array.from({ length: options.groups }, (_, i) => ({
    workspace_id: workspaceId,
    connection_id: connectionId,
    platform: 'telegram',
    external_id: String(options.firstChatId - i),
    name: `${options.label} group ${i + 1}`,
    created_at: now,
  }));
  for (let i = 0; i < groupRows.length; i += 500)
    await db
      .insertInto('chat_group')
      .values(groupRows.slice(i, i + 500))
      .execute();
  const ids = (await db.selectFrom('chat_group').select('id').where('workspace_id', '=', workspaceId).where('connection_id', '=', connectionId).orderBy('id').execute()).map((g) => g.id);
  const outbox = ids.map((id, i) => ({
    workspace_id: workspaceId,
    group_id: id,
    platform: 'telegram',
    idempotency_key: `${options.label.toLowerCase()}-${i}`,
    action: JSON.stringify({ type: 'send_message', groupId: id, text: options.text, mentions: [] }),
    status: 'pending' as const,
    attempts: 0,
    next_attempt_at: now,
    created_at: now,
  }));
  for (let i = 0; i < outbox.length; i += 500)
    await db
      .insertInto('outbox')
      .values(outbox.slice(i, i + 500))
      .execute();
  return ids;
}
