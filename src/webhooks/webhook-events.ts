import { z } from 'zod';

/**
 * The event kinds a webhook can ask for, named as Hearth names its events: the
 * event log's kinds (`member.joined`, `message`…) and what the outbox did with a
 * rule's action (`action.sent`, `action.parked`, and `enforcement.taken` for a
 * moderation action carried out). `*` asks for all of them, including kinds added later.
 */
export const WEBHOOK_EVENT_KINDS = ['member.joined', 'member.left', 'member.renamed', 'message', 'reaction', 'command', 'group.renamed', 'action.sent', 'action.parked', 'enforcement.taken'] as const;
export type WebhookEventKind = (typeof WEBHOOK_EVENT_KINDS)[number];

export const ALL_EVENTS = '*';

const known = new Set<string>([...WEBHOOK_EVENT_KINDS, ALL_EVENTS]);

/** The `events` a webhook is registered with: one or more known kinds, or `["*"]`. */
export const webhookEventsSchema = z
  .array(z.string().trim().min(1).max(40))
  .min(1, 'name at least one event kind, or "*" for all')
  .max(WEBHOOK_EVENT_KINDS.length + 1)
  .superRefine((kinds, ctx) => {
    const unknown = kinds.filter((k) => !known.has(k));
    if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown event kind ${unknown.map((k) => JSON.stringify(k)).join(', ')}; kinds: ${[...known].join(', ')}` });
  })
  .transform((kinds) => (kinds.includes(ALL_EVENTS) ? [ALL_EVENTS] : [...new Set(kinds)].sort()));

/** Whether a webhook registered for `kinds` wants an event of `kind`. */
export function wants(kinds: readonly string[], kind: string): boolean {
  return kinds.includes(ALL_EVENTS) || kinds.includes(kind);
}

const MODERATION = new Set(['delete_message', 'mute_member', 'remove_member', 'ban_member']);

/** The kinds an outbox row's outcome is delivered as. */
export function actionKinds(status: 'done' | 'retry' | 'parked', actionType: string): WebhookEventKind[] {
  if (status === 'parked') return ['action.parked'];
  if (status !== 'done') return [];
  return MODERATION.has(actionType) ? ['action.sent', 'enforcement.taken'] : ['action.sent'];
}
