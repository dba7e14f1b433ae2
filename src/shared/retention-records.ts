/**
 * A group's retention cohorts and cleanup list as the API answers them and the
 * dashboard reads them (src/health/cohorts.ts, src/health/cleanup-list.ts,
 * src/health/cleanup-queries.ts, src/server/routes/retention-routes.ts): one definition
 * for both. Definitions: docs/metrics.md ("Retention cohorts", "Cleanup list").
 */

/** One cell of a cohort: week `week` after the join week (0 is the join week itself). */
export interface CohortCell {
  week: number;
  /** Members of the cohort in the group at the end of that week (or at the end of the day judged, for the week still running). */
  retained: number;
  retainedShare: number;
  /** Members of the cohort with a message in that week. */
  active: number;
  activeShare: number;
  /** The week is still running on the day judged: its figures may still change. */
  partial: boolean;
}

/** The members whose first stay in the group began in one ISO week (and, by channel, through one channel). */
export interface Cohort {
  /** ISO week label, e.g. `2026-W05`. */
  week: string;
  /** Its Monday. */
  weekStart: string;
  /** Only when cohorts are split by channel: the code's channel, or null for joins without one. */
  channel?: string | null;
  size: number;
  /** Week 0 up to the last week begun by the day judged, at most `weeks` of them. */
  cells: CohortCell[];
}

/** One week's churn: who was in the group at some time during the week, and who of them was gone at its end. */
export interface ChurnWeek {
  week: string;
  weekStart: string;
  /** Members in the group at some time during the week. */
  members: number;
  /** Stays that began in the week. */
  joins: number;
  /** Stays that ended in the week. */
  leaves: number;
  /** Members in the group during the week and not at its end (a member who left and came back is not one). */
  churned: number;
  /** churned ÷ members, 4 decimals; 0 for a week without members. */
  churn: number;
  partial: boolean;
}

/** GET /api/cohorts (a workspace's groups added together). */
export interface CohortTable {
  asOf: string;
  weeks: number;
  by: 'week' | 'channel';
  /** Oldest first. */
  cohorts: Cohort[];
  /** The same weeks as the cohorts, oldest first. */
  churn: ChurnWeek[];
}

/** GET /api/groups/:id/cohorts. */
export interface GroupCohortsView extends CohortTable {
  group: { id: number; name: string; timezone: string };
}

export type CleanupReason = 'adSuspect' | 'ruleBreaker' | 'silent';

/** The reasons in the order the list and its counts show them: the strongest first. */
export const CLEANUP_REASONS: readonly CleanupReason[] = ['adSuspect', 'ruleBreaker', 'silent'];

/** The thresholds; each can be set per request. */
export interface CleanupCriteria {
  /** Silent: no message in the group for at least this many days (since their last message, or since they joined). */
  silentDays: number;
  /** Rule breaker and ad suspect look back this many days. */
  periodDays: number;
  /** Rule breaker: at least this many enforcements (not undone) in the period. */
  minEnforcements: number;
  /** Ad suspect: at least this many of their messages in the moderation queue (not overturned) in the period. */
  minSpamHits: number;
}

export interface CleanupEvidence {
  silent?: { days: number; lastMessageAt: number | null; joinedAt: number };
  ruleBreaker?: { enforcements: number; violations: Record<string, number>; lastAt: number };
  adSuspect?: { spamHits: number; topScore: number; lastAt: number };
}

/** One member on the cleanup list, with the figures behind each reason. */
export interface CleanupEntry {
  memberId: number;
  displayName: string;
  /** Every reason that holds, strongest first. */
  reasons: CleanupReason[];
  evidence: CleanupEvidence;
}

export interface GroupCleanup {
  groupId: number;
  criteria: CleanupCriteria;
  /** Listed members per reason (a member with two reasons counts in both). */
  counts: Record<CleanupReason, number>;
  /** Everyone listed, before `limit`. */
  total: number;
  entries: CleanupEntry[];
}

/** GET /api/groups/:id/cleanup. */
export interface GroupCleanupView extends GroupCleanup {
  group: { id: number; name: string; platform: string };
  /** The group's platform can remove members (else a removal is an alert to do it by hand). */
  removable: boolean;
}

export type CleanupAction = 'remove' | 'dismiss';

/** What happened to one member: the decision and, for a removal, what went to the outbox. */
export interface CleanupOutcome {
  memberId: number;
  displayName: string;
  decision: 'removed' | 'dismissed';
  reasons: CleanupReason[];
  /** The action types queued: `remove_member`, or `alert_operator` where the platform cannot remove. */
  planned: string[];
  /** Why a fallback ran instead of the removal, or null. */
  fallback: string | null;
  /** Off the list until then (ms). */
  until: number;
}
