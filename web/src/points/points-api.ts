import type { GroupPoints, MemberPoints, PointsAdjusted, PointsConfig, PointsGroupLine, PointsSettings } from '../../../src/shared/points-records.js';
import { request } from '../api-client.js';

export type { GroupPoints, LeaderboardLine, LedgerLine, MemberPoints, PointsConfig, PointsGroupLine, PointsLevel, PointsSettings } from '../../../src/shared/points-records.js';

export function fetchPointsGroups(workspace: string, signal?: AbortSignal): Promise<{ groups: PointsGroupLine[] }> {
  return request('GET', `/api/points/groups?workspace=${encodeURIComponent(workspace)}`, undefined, signal);
}

export function fetchGroupPoints(groupId: number, month: string | null, signal?: AbortSignal): Promise<GroupPoints> {
  return request('GET', `/api/points/groups/${groupId}${month ? `?month=${encodeURIComponent(month)}` : ''}`, undefined, signal);
}

export function savePointsSettings(groupId: number, body: { enabled?: boolean; config?: Partial<PointsConfig> }): Promise<PointsSettings> {
  return request('PUT', `/api/points/groups/${groupId}/settings`, body);
}

export function fetchMemberPoints(memberId: number, signal?: AbortSignal): Promise<MemberPoints> {
  return request('GET', `/api/points/members/${memberId}`, undefined, signal);
}

export function adjustMemberPoints(memberId: number, body: { groupId: number | null; points: number; reason: string }): Promise<PointsAdjusted> {
  return request('POST', `/api/points/members/${memberId}/adjust`, body);
}
