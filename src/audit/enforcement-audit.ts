import type { Kysely } from 'kysely';
import type { Dispatched } from '../outbox/dispatcher.js';
import type { Database } from '../store/schema.js';
import { recordAudit, type AuditRecord } from './audit-log.js';

const MODERATION = new Set(['delete_message', 'mute_member', 'remove_member', 'ban_member', 'unmute_member', 'unban_member']);
const EVIDENCE_TEXT_MAX = 500;

/**
 * Records the moderation actions the dispatcher completed (delete, mute, remove, ban)
 * in the audit log, with the rule that decided and the event that triggered it as
 * evidence. Wired to the dispatcher's `onDone` by the runtime.
 */
export async function recordEnforcements(db: Kysely<Database>, dispatched: readonly Dispatched[], now: number): Promise<void> {
  const done = dispatched.filter((d) => d.status === 'done' && MODERATION.has(d.action.type));
  if (done.length === 0) return;
  const [groups, outbox] = await Promise.all([
    db
      .selectFrom('chat_group')
      .select(['id', 'workspace_id'])
      .where('id', 'in', [...new Set(done.map((d) => d.groupId))])
      .execute(),
    db
      .selectFrom('outbox')
      .select(['id', 'idempotency_key'])
      .where(
        'id',
        'in',
        done.map((d) => d.outboxId),
      )
      .execute(),
  ]);
  const workspaceOf = new Map(groups.map((g) => [g.id, g.workspace_id]));
  const eventOf = new Map<number, number>();
  for (const row of outbox) {
    const m = /^evt:(\d+):/.exec(row.idempotency_key);
    if (m) eventOf.set(row.id, Number(m[1]));
  }
  const eventIds = [...new Set(eventOf.values())];
  const events = eventIds.length ? await db.selectFrom('event').select(['id', 'kind', 'member_id', 'occurred_at', 'payload']).where('id', 'in', eventIds).execute() : [];
  const evidence = new Map(
    events.map((e) => {
      const payload = JSON.parse(e.payload) as { text?: string; messageId?: string };
      return [
        e.id,
        {
          eventId: e.id,
          kind: e.kind,
          memberId: e.member_id,
          at: new Date(e.occurred_at).toISOString(),
          ...(payload.messageId ? { messageId: payload.messageId } : {}),
          ...(typeof payload.text === 'string' ? { text: payload.text.slice(0, EVIDENCE_TEXT_MAX) } : {}),
        },
      ];
    }),
  );

  const records: AuditRecord[] = [];
  for (const d of done) {
    const workspaceId = workspaceOf.get(d.groupId);
    if (workspaceId === undefined) continue;
    const { action } = d;
    const target = action.type === 'delete_message' ? { kind: 'message', id: action.messageId } : 'memberId' in action ? { kind: 'member', id: action.memberId } : null;
    const eventId = eventOf.get(d.outboxId);
    records.push({
      workspaceId,
      actor: { kind: 'rule', id: null, label: d.rule ?? 'automation' },
      action: `moderation.${action.type}`,
      target,
      groupId: d.groupId,
      detail: { outboxId: d.outboxId, action, evidence: eventId !== undefined ? (evidence.get(eventId) ?? { eventId }) : null },
    });
  }
  await recordAudit(db, records, now);
}
