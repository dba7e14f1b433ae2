import type { AlertRecord } from './api-client.js';

/** Quiet time of a group at `asOf`, or null if it never had a message. */
export function silenceMs(lastMessageAt: string | null, asOf: string): number | null {
  if (!lastMessageAt) return null;
  const quiet = new Date(asOf).getTime() - new Date(lastMessageAt).getTime();
  return Number.isNaN(quiet) ? null : Math.max(0, quiet);
}

/**
 * The groups silent now, as the server's silence watchdog judged them (each group's
 * threshold, lead and quiet hours): a group's newest `silence` alert counts while no
 * member has spoken since its stretch began. Alerts come newest first.
 */
export function currentSilences(alerts: readonly AlertRecord[], groups: readonly { id: number; lastMessageAt: string | null }[]): Map<number, AlertRecord> {
  const newest = new Map<number, AlertRecord>();
  for (const a of alerts) if (a.kind === 'silence' && a.groupId !== null && !newest.has(a.groupId)) newest.set(a.groupId, a);
  const silent = new Map<number, AlertRecord>();
  for (const g of groups) {
    const alert = newest.get(g.id);
    if (!alert) continue;
    const since = typeof alert.detail.silentSince === 'string' ? Date.parse(alert.detail.silentSince) : Number.NaN;
    const last = g.lastMessageAt ? Date.parse(g.lastMessageAt) : null;
    if (last === null || Number.isNaN(since) || last <= since) silent.set(g.id, alert);
  }
  return silent;
}
