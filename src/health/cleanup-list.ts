/**
 * The reviewable cleanup list of one group (`002`: "regularly clean up group members…
 * lurking for a long time, do not speak, and do not abide by the group rules"): who is
 * listed and why, with the figures behind each reason. Pure: member figures in, entries
 * out; the operator decides. Definitions: docs/metrics.md ("Cleanup list").
 */

import { CLEANUP_REASONS, type CleanupCriteria, type CleanupEntry, type CleanupEvidence, type CleanupReason } from '../shared/retention-records.js';

export { CLEANUP_REASONS, type CleanupCriteria, type CleanupEntry, type CleanupEvidence, type CleanupReason } from '../shared/retention-records.js';

export const DEFAULT_CLEANUP_CRITERIA: CleanupCriteria = { silentDays: 90, periodDays: 90, minEnforcements: 2, minSpamHits: 1 };

/** How long a dismissed member stays off the list. */
export const DISMISS_DAYS = 90;

/** What the rules read about one member present in the group now. */
export interface CleanupCandidate {
  memberId: number;
  displayName: string;
  /** When their current stay began. */
  joinedAt: number;
  /** Their last message in the group, or null. */
  lastMessageAt: number | null;
  /** Enforcements against them in this group in the period, not undone, with each one's violation. */
  enforcements: readonly { violation: string; at: number }[];
  /** Their messages the spam rule queued in this group in the period, not overturned, with each one's score. */
  spamHits: readonly { score: number; at: number }[];
  /** Holds an owner, administrator or official-account role in the group: never listed. */
  staff: boolean;
  /** Dismissed from the list until then (ms), or null. */
  dismissedUntil: number | null;
}

const DAY_MS = 86_400_000;

/**
 * The members to review, strongest case first (ad suspects, then rule breakers, then
 * the silent; more reasons before fewer; then the longer silence, then the member id).
 * Staff and members dismissed until after `now` are never listed.
 *
 * @example cleanupList([{ memberId: 7, displayName: 'Li', joinedAt: 0, lastMessageAt: null, enforcements: [], spamHits: [], staff: false, dismissedUntil: null }], 100 * 86_400_000)[0].reasons // ['silent']
 */
export function cleanupList(candidates: readonly CleanupCandidate[], now: number, criteria: CleanupCriteria = DEFAULT_CLEANUP_CRITERIA): CleanupEntry[] {
  const since = now - criteria.periodDays * DAY_MS;
  const entries: CleanupEntry[] = [];
  for (const c of candidates) {
    if (c.staff || (c.dismissedUntil !== null && c.dismissedUntil > now)) continue;
    const reasons: CleanupReason[] = [];
    const evidence: CleanupEvidence = {};
    const spam = c.spamHits.filter((h) => h.at >= since && h.at <= now);
    if (spam.length >= criteria.minSpamHits && spam.length > 0) {
      reasons.push('adSuspect');
      evidence.adSuspect = { spamHits: spam.length, topScore: Math.max(...spam.map((h) => h.score)), lastAt: Math.max(...spam.map((h) => h.at)) };
    }
    const strikes = c.enforcements.filter((e) => e.at >= since && e.at <= now);
    if (strikes.length >= criteria.minEnforcements && strikes.length > 0) {
      reasons.push('ruleBreaker');
      const violations: Record<string, number> = {};
      for (const e of strikes) violations[e.violation] = (violations[e.violation] ?? 0) + 1;
      evidence.ruleBreaker = { enforcements: strikes.length, violations, lastAt: Math.max(...strikes.map((e) => e.at)) };
    }
    const quietSince = Math.max(c.lastMessageAt ?? c.joinedAt, c.joinedAt);
    const silentDays = Math.floor((now - quietSince) / DAY_MS);
    if (silentDays >= criteria.silentDays) {
      reasons.push('silent');
      evidence.silent = { days: silentDays, lastMessageAt: c.lastMessageAt, joinedAt: c.joinedAt };
    }
    if (reasons.length > 0) entries.push({ memberId: c.memberId, displayName: c.displayName, reasons, evidence });
  }
  const rank = (e: CleanupEntry) => CLEANUP_REASONS.indexOf(e.reasons[0]!);
  return entries.sort((a, b) => rank(a) - rank(b) || b.reasons.length - a.reasons.length || (b.evidence.silent?.days ?? 0) - (a.evidence.silent?.days ?? 0) || a.memberId - b.memberId);
}

/** How many listed members each reason holds for (a member with two reasons counts in both). */
export function cleanupCounts(entries: readonly CleanupEntry[]): Record<CleanupReason, number> {
  const counts = { adSuspect: 0, ruleBreaker: 0, silent: 0 };
  for (const e of entries) for (const r of e.reasons) counts[r]++;
  return counts;
}
