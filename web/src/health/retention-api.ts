import { request } from '../api-client.js';

/** One cell of a cohort (GET /api/groups/:id/cohorts); definitions in docs/metrics.md ("Retention cohorts"). */
export interface CohortCellRecord {
  week: number;
  retained: number;
  retainedShare: number;
  active: number;
  activeShare: number;
  partial: boolean;
}

export interface CohortRecord {
  week: string;
  weekStart: string;
  channel?: string | null;
  size: number;
  cells: CohortCellRecord[];
}

export interface ChurnWeekRecord {
  week: string;
  weekStart: string;
  members: number;
  joins: number;
  leaves: number;
  churned: number;
  churn: number;
  partial: boolean;
}

export interface GroupCohortsRecord {
  group: { id: number; name: string; timezone: string };
  asOf: string;
  weeks: number;
  by: 'week' | 'channel';
  cohorts: CohortRecord[];
  churn: ChurnWeekRecord[];
}

export type CleanupReason = 'adSuspect' | 'ruleBreaker' | 'silent';
export const CLEANUP_REASONS: readonly CleanupReason[] = ['adSuspect', 'ruleBreaker', 'silent'];

/** One member on the cleanup list, with the figures behind each reason (docs/metrics.md, "Cleanup list"). */
export interface CleanupEntryRecord {
  memberId: number;
  displayName: string;
  reasons: CleanupReason[];
  evidence: {
    silent?: { days: number; lastMessageAt: number | null; joinedAt: number };
    ruleBreaker?: { enforcements: number; violations: Record<string, number>; lastAt: number };
    adSuspect?: { spamHits: number; topScore: number; lastAt: number };
  };
}

export interface GroupCleanupRecord {
  group: { id: number; name: string; platform: string };
  /** The group's platform can remove members (else a removal is an alert to do it by hand). */
  removable: boolean;
  criteria: { silentDays: number; periodDays: number; minEnforcements: number; minSpamHits: number };
  counts: Record<CleanupReason, number>;
  total: number;
  entries: CleanupEntryRecord[];
}

export interface CleanupOutcomeRecord {
  memberId: number;
  displayName: string;
  decision: 'removed' | 'dismissed';
  planned: string[];
  fallback: string | null;
  until: number;
}

/** GET /api/groups/:id/cohorts: the last `weeks` join weeks' retention, optionally split by channel. */
export function fetchGroupCohorts(groupId: number, by: 'week' | 'channel', weeks: number, signal?: AbortSignal): Promise<GroupCohortsRecord> {
  return request('GET', `/api/groups/${groupId}/cohorts?weeks=${weeks}&by=${by}`, undefined, signal);
}

/** GET /api/groups/:id/cleanup: the reviewable cleanup list with the default criteria. */
export function fetchGroupCleanup(groupId: number, signal?: AbortSignal): Promise<GroupCleanupRecord> {
  return request('GET', `/api/groups/${groupId}/cleanup?limit=100`, undefined, signal);
}

/** POST /api/groups/:id/cleanup/actions: remove (through the outbox) or dismiss the chosen listed members. */
export function actOnCleanup(groupId: number, action: 'remove' | 'dismiss', memberIds: readonly number[]): Promise<{ action: string; outcomes: CleanupOutcomeRecord[] }> {
  return request('POST', `/api/groups/${groupId}/cleanup/actions`, { action, memberIds });
}
