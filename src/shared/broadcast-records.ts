/** One definition of a broadcast for the server, the CLI and the dashboard, and the filling of its post. */
import { fillTemplate } from './fill-template.js';

/** The placeholders a broadcast's text may hold, filled per group. */
export const BROADCAST_PLACEHOLDERS = ['group', 'members'] as const;

/** `scheduled`: waits for its time; `sending`: its messages are in the outbox; `done`: every group has its result. */
export type BroadcastStatus = 'scheduled' | 'sending' | 'done' | 'cancelled';

/** One group's result, read back from its outbox row. */
export interface BroadcastGroupResult {
  groupId: number;
  groupName: string;
  status: 'pending' | 'sent' | 'failed';
  /** Why it failed (or, while pending, why the last attempt did not go through); null otherwise. */
  reason: string | null;
}

/** A broadcast with its progress; `groups` only in the one-broadcast view. */
export interface BroadcastRecord {
  id: number;
  status: BroadcastStatus;
  text: string;
  link: string | null;
  /** ISO time it is (or was) to be sent at; null: sent at once. */
  sendAt: string | null;
  startedAt: string | null;
  createdAt: string;
  createdBy: string | null;
  total: number;
  sent: number;
  failed: number;
  pending: number;
  groups?: BroadcastGroupResult[];
}

/**
 * The message one group gets: the text with `{group}` and `{members}` filled for it,
 * and the link on a line of its own.
 *
 * @example broadcastMessage('Hello {group} ({members})', 'https://x.test', { group: 'Makers', members: 12 }) // 'Hello Makers (12)\nhttps://x.test'
 */
export function broadcastMessage(text: string, link: string | null, values: { group: string; members: number }): string {
  const filled = fillTemplate(text, values);
  return link ? `${filled}\n${link}` : filled;
}
