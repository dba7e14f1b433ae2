/** How long a group may go without a message before the dashboard flags it. */
export const SILENT_AFTER_MS = 12 * 60 * 60 * 1000;

/** Quiet time of a group at `asOf`, or null if it never had a message. */
export function silenceMs(lastMessageAt: string | null, asOf: string): number | null {
  if (!lastMessageAt) return null;
  const quiet = new Date(asOf).getTime() - new Date(lastMessageAt).getTime();
  return Number.isNaN(quiet) ? null : Math.max(0, quiet);
}

/** Whether a group counts as silent: no message for 12h+, or none at all. */
export function isSilent(lastMessageAt: string | null, asOf: string): boolean {
  const quiet = silenceMs(lastMessageAt, asOf);
  return quiet === null || quiet >= SILENT_AFTER_MS;
}
