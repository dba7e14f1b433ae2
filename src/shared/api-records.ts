/**
 * The records the API returns and the dashboard reads, defined once for both: the server's
 * presenters build them, the dashboard's client types its answers with them.
 */

/** Where an action stands in the outbox. */
export type OutboxStatus = 'pending' | 'sending' | 'done' | 'parked' | 'discarded';

/** Why an action was parked instead of sent. */
export type OutboxParkedReason = 'invalid_action' | 'refused' | 'retries_exhausted' | 'unsupported';

/** One outbox row as the API and the dashboard show it: what, where, how far it got, and why it is parked. */
export interface OutboxEntry {
  id: number;
  groupId: number;
  groupName: string;
  platform: string;
  status: OutboxStatus;
  /** The action's type (`send_message`, `mute_member`…), or null when the stored action does not read. */
  type: string | null;
  rule: string | null;
  /** The start of a message's text (what the bot would post), at most 200 characters. */
  preview: string | null;
  attempts: number;
  lastError: string | null;
  parkedReason: OutboxParkedReason | null;
  /** ISO 8601 UTC. */
  parkedAt: string | null;
  createdAt: string;
  nextAttemptAt: string;
}

/** One problem of one rule as the operator sees it: what, how often, and where it last happened. */
export interface RuleProblemInfo {
  id: number;
  automationId: number;
  /** The automation's kind (welcome, keyword-reply…). */
  kind: string;
  /** Whether the automation still exists (a removed rule's problems stay until dismissed). */
  automationExists: boolean;
  problem: 'invalid' | 'fallback';
  reason: string;
  detail: string | null;
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
  /** The event it last happened on (its dedup key) and that event's group. */
  lastEventKey: string;
  lastGroupId: number;
}
