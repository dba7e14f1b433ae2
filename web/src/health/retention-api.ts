import type { ChurnWeek, CleanupAction, CleanupEntry, CleanupOutcome, CleanupReason, Cohort, CohortCell, GroupCleanupView, GroupCohortsView } from '../../../src/shared/retention-records.js';
import { request } from '../api-client.js';

export type CohortCellRecord = CohortCell;
export type CohortRecord = Cohort;
export type ChurnWeekRecord = ChurnWeek;
export type GroupCohortsRecord = GroupCohortsView;
export type { CleanupReason };
export { CLEANUP_REASONS } from '../../../src/shared/retention-records.js';
export type CleanupEntryRecord = CleanupEntry;
export type GroupCleanupRecord = GroupCleanupView;
export type CleanupOutcomeRecord = CleanupOutcome;

/** GET /api/groups/:id/cohorts: the last `weeks` join weeks' retention, optionally split by channel. */
export function fetchGroupCohorts(groupId: number, by: 'week' | 'channel', weeks: number, signal?: AbortSignal): Promise<GroupCohortsRecord> {
  return request('GET', `/api/groups/${groupId}/cohorts?weeks=${weeks}&by=${by}`, undefined, signal);
}

/** GET /api/groups/:id/cleanup: the reviewable cleanup list with the default criteria. */
export function fetchGroupCleanup(groupId: number, signal?: AbortSignal): Promise<GroupCleanupRecord> {
  return request('GET', `/api/groups/${groupId}/cleanup?limit=100`, undefined, signal);
}

/** POST /api/groups/:id/cleanup/actions: remove (through the outbox) or dismiss the chosen listed members. */
export function actOnCleanup(groupId: number, action: CleanupAction, memberIds: readonly number[]): Promise<{ action: CleanupAction; outcomes: CleanupOutcome[] }> {
  return request('POST', `/api/groups/${groupId}/cleanup/actions`, { action, memberIds });
}
