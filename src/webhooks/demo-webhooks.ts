import { randomBytes } from 'node:crypto';
import { SecretBox } from '../connections/secret-box.js';
import type { HearthRuntime } from '../runtime/hearth-runtime.js';
import { MAX_ATTEMPTS } from './webhook-backoff.js';

const HOUR = 3_600_000;
const CRM_DOWN_HOURS = 30;

/**
 * The demo's outgoing webhook: a CRM sync (an n8n flow on the same machine) that was
 * told of every member who joined or left, until the flow went down; after a long run
 * of failures Hearth disabled it with a note, keeping what it could not deliver. Its
 * secret is sealed under a throwaway key (the demo is made before the instance secret
 * is at hand): enabling it shows that the secret must be registered again.
 */
export async function seedDemoWebhooks(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const db = runtime.store.db;
  const box = new SecretBox(randomBytes(32).toString('hex'));
  const hook = await db
    .insertInto('webhook')
    .values({
      workspace_id: workspaceId,
      url: 'http://127.0.0.1:5678/webhook/hearth-crm',
      events: JSON.stringify(['member.joined', 'member.left']),
      secret: box.seal(`whsec_${randomBytes(24).toString('base64url')}`),
      description: 'CRM sync (n8n)',
      enabled: 0,
      disabled_reason: `disabled after 50 failed attempts in a row (last: ECONNREFUSED); fix the receiver and enable it again — waiting deliveries are kept`,
      failures_in_a_row: 50,
      created_by: 'demo@hearth.local',
      created_at: now - 20 * 24 * HOUR,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const events = await db
    .selectFrom('event')
    .innerJoin('chat_group', 'chat_group.id', 'event.group_id')
    .select(['event.id', 'event.kind', 'event.occurred_at', 'event.payload', 'event.group_id', 'event.member_id', 'chat_group.name', 'chat_group.platform', 'chat_group.external_id'])
    .where('event.workspace_id', '=', workspaceId)
    .where('event.kind', 'in', ['member.joined', 'member.left'])
    .orderBy('event.id', 'desc')
    .limit(40)
    .execute();
  const down = now - CRM_DOWN_HOURS * HOUR;
  const rows = events.map((e) => {
    const event = JSON.parse(e.payload) as { occurredAt: string; member?: { name?: string } };
    const body = JSON.stringify({
      id: `event:${e.id}`,
      kind: e.kind,
      workspace: 'demo',
      occurredAt: event.occurredAt,
      group: { id: e.group_id, name: e.name, platform: e.platform, externalId: e.external_id },
      member: { id: e.member_id, name: event.member?.name ?? null, isBot: false },
      event,
    });
    const base = { webhook_id: hook.id, source_key: `event:${e.id}`, kind: e.kind, body, created_at: e.occurred_at, next_attempt_at: e.occurred_at, lease_until: null };
    if (e.occurred_at < down)
      return { ...base, status: 'delivered' as const, attempts: 1, last_status: 200, last_error: null, last_attempt_at: e.occurred_at + 1_000, delivered_at: e.occurred_at + 1_000 };
    const attempts = Math.min(MAX_ATTEMPTS, 1 + Math.floor((now - e.occurred_at) / (3 * HOUR)));
    return {
      ...base,
      status: attempts >= MAX_ATTEMPTS ? ('failed' as const) : ('pending' as const),
      attempts,
      last_status: null,
      last_error: 'ECONNREFUSED',
      last_attempt_at: Math.min(now - HOUR, e.occurred_at + attempts * HOUR),
      delivered_at: null,
      next_attempt_at: now + HOUR,
    };
  });
  if (rows.length) await db.insertInto('webhook_delivery').values(rows).execute();
}
