import { request } from '../api-client.js';

/** A level: from `threshold` lifetime points, with its titles. */
export interface PointsLevel {
  threshold: number;
  zh: string;
  en: string;
}

/** A group's points and check-in configuration (see src/activation/points/points-rules.ts). */
export interface PointsConfig {
  language: 'zh' | 'en';
  checkin: { enabled: boolean; keywords: string[]; makeupKeywords: string[]; points: number; streakBonus: number; streakBonusMax: number; makeupDays: number; makeupCost: number };
  message: { points: number; dailyCap: number; minLength: number };
  reply: { points: number; dailyCap: number };
  invite: { points: number };
  commendation: boolean;
  levels: PointsLevel[];
}

export interface PointsSettings {
  groupId: number;
  enabled: boolean;
  config: PointsConfig;
}

export interface PointsGroupLine {
  groupId: number;
  name: string;
  platform: string;
  enabled: boolean;
  month: string;
  points: number;
  checkins: number;
  members: number;
}

export interface LeaderboardLine {
  rank: number;
  memberId: number;
  name: string;
  points: number;
  checkins: number;
  earned: number;
  level: number;
  title: { zh: string; en: string };
}

export interface GroupPoints {
  group: { id: number; name: string; timezone: string };
  settings: PointsSettings;
  month: string;
  leaderboard: LeaderboardLine[];
  checkinsByDay: { day: string; checkins: number; makeups: number }[];
  medals: { memberId: number; name: string; medal: string; title: { zh: string; en: string } }[];
}

export interface LedgerLine {
  id: number;
  groupId: number | null;
  groupName: string | null;
  points: number;
  reason: string;
  note: string | null;
  day: string;
  at: string;
  createdBy: string | null;
}

export interface MemberPoints {
  member: { id: number; name: string };
  balance: number;
  groups: { groupId: number; groupName: string; balance: number; earned: number; level: number; title: { zh: string; en: string }; streak: number; checkins: number }[];
  medals: { medal: string; groupId: number; period: string; awardedAt: string }[];
  entries: LedgerLine[];
}

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

export function adjustMemberPoints(memberId: number, body: { groupId: number | null; points: number; reason: string }): Promise<{ balance: number }> {
  return request('POST', `/api/points/members/${memberId}/adjust`, body);
}
