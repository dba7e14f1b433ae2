/**
 * Pure: when a count in the last hour is a spike. A group's usual rate is its count over
 * the 14 days before the hour, per hour; the hour is a spike when it holds at least
 * `floor` and at least `factor` times the usual rate. Definitions: docs/metrics.md ("Alerts").
 */

export const SPIKE_WINDOW_MS = 3_600_000;
export const SPIKE_BASELINE_MS = 14 * 24 * SPIKE_WINDOW_MS;
export const SPIKE_FACTOR = 3;

export interface SpikeVerdict {
  count: number;
  /** The usual count per hour over the baseline, two decimals. */
  usualPerHour: number;
}

/** `recent`: the last hour's count; `baseline`: the count over the 14 days before it. */
export function judgeSpike(recent: number, baseline: number, floor: number): SpikeVerdict | null {
  const usualPerHour = baseline / (SPIKE_BASELINE_MS / SPIKE_WINDOW_MS);
  if (recent < floor || recent < SPIKE_FACTOR * usualPerHour) return null;
  return { count: recent, usualPerHour: Math.round(usualPerHour * 100) / 100 };
}

/** Fewest leaves in an hour that can make a spike (a few leaves are a group's normal churn). */
export const LEAVE_SPIKE_FLOOR = 5;
/** Fewest spam messages in an hour that can make a spike. */
export const SPAM_SPIKE_FLOOR = 5;
