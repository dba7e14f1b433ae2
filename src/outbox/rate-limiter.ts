import type { RateLimit } from '../platforms/platform-adapter.js';

/**
 * Sliding-window limits: a send is allowed when, for every limit that applies, fewer
 * than `limit` sends happened in the last `windowMs`. Exact, not a token-bucket
 * approximation, so a platform's "20 per minute" is never exceeded by a burst at a
 * window edge.
 */
export class RateLimiter {
  #sent = new Map<string, number[]>();

  constructor(private readonly limits: readonly RateLimit[]) {}

  #keys(groupKey: string): { key: string; limit: RateLimit }[] {
    return this.limits.map((limit, i) => ({ key: limit.scope === 'global' ? `g${i}` : `g${i}|${groupKey}`, limit }));
  }

  /** The earliest instant (≥ now) at which a send to this group is allowed. */
  availableAt(groupKey: string, now: number): number {
    let at = now;
    for (const { key, limit } of this.#keys(groupKey)) {
      const log = this.#prune(key, now - limit.windowMs);
      if (log.length >= limit.limit) at = Math.max(at, log[log.length - limit.limit]! + limit.windowMs);
    }
    return at;
  }

  /** Records a send. */
  record(groupKey: string, at: number): void {
    for (const { key } of this.#keys(groupKey)) {
      const log = this.#sent.get(key);
      if (log) log.push(at);
      else this.#sent.set(key, [at]);
    }
  }

  #prune(key: string, before: number): number[] {
    const log = this.#sent.get(key);
    if (!log) return [];
    let drop = 0;
    while (drop < log.length && log[drop]! <= before) drop++;
    if (drop > 0) log.splice(0, drop);
    if (log.length === 0) this.#sent.delete(key);
    return log;
  }
}
