import type { LimitWindow } from './limiter.js';

/** A platform's declared limit, by shape (a `RateLimit` of the platform adapter contract fits). */
export interface DeclaredLimit {
  scope: 'group' | 'global';
  limit: number;
  windowMs: number;
}

/**
 * The windows one send to a group must fit in: each declared limit, keyed by who
 * owns the limit — the connection (`c12`), or the platform for a platform without
 * connections (`sandbox`) — and, for per-group limits, the group's platform id. Every
 * worker sending for connection 12 builds the same keys, so they share the windows.
 *
 * @example limitWindows('c12', TELEGRAM_RATE_LIMITS, '-100123') // per chat 1/s, per chat 20/min, bot 30/s
 */
export function limitWindows(owner: string, limits: readonly DeclaredLimit[], groupExternalId: string): LimitWindow[] {
  return limits.map((l) => ({
    key: `${owner}:${l.scope === 'global' ? '*' : `g:${groupExternalId}`}:${l.limit}/${l.windowMs}`,
    limit: l.limit,
    windowMs: l.windowMs,
  }));
}

/** Whether a window (from `limitWindows`) is about the whole connection rather than one group. */
export function isConnectionWide(key: string): boolean {
  return key.split(':')[1] === '*';
}
