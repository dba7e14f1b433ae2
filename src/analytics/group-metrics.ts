/**
 * The figures of `hearth metrics`, computed from plain values so they can be checked
 * by hand: per-member message counts and the ordered message times of a group.
 */

/** Share of messages sent by the top ⌈20%⌉ of senders, rounded to 4 decimals (0 with no senders). */
export function top20Share(messagesPerSender: readonly number[]): number {
  const counts = messagesPerSender.filter((n) => n > 0).sort((a, b) => b - a);
  if (counts.length === 0) return 0;
  const top = Math.ceil(counts.length * 0.2);
  const total = counts.reduce((s, n) => s + n, 0);
  const topSum = counts.slice(0, top).reduce((s, n) => s + n, 0);
  return round(topSum / total, 4);
}

/** The largest gap between consecutive message times (epoch ms, ascending), in hours, 2 decimals. */
export function longestSilenceHours(sortedTimes: Iterable<number>): number {
  let previous: number | undefined;
  let longest = 0;
  for (const t of sortedTimes) {
    if (previous !== undefined && t - previous > longest) longest = t - previous;
    previous = t;
  }
  return round(longest / 3_600_000, 2);
}

export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f + Number.EPSILON * f) / f;
}
