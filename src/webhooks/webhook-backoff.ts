/**
 * When a failed delivery is tried again: 10 s, 30 s, 1 min, 5 min, 15 min, 1 h, then
 * every 3 h, each with up to 10 % jitter so a receiver that comes back is not hit by
 * every queued delivery in the same second. After {@link MAX_ATTEMPTS} the delivery
 * is marked failed (an operator can still redeliver it).
 */
const STEPS_MS = [10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000];
const LAST_MS = 3 * 3_600_000;
export const MAX_ATTEMPTS = 12;

/** A webhook whose deliveries failed this many attempts in a row (none succeeding) is disabled with a note. */
export const DISABLE_AFTER_FAILURES = 50;

export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = STEPS_MS[attempts - 1] ?? LAST_MS;
  return Math.round(base * (1 + 0.1 * random()));
}
