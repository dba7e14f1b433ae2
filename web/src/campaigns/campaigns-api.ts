import type { MemberProgress, ReferralStatus, RewardRecord, TreeNode } from '../../../src/shared/campaign-records.js';
import { request } from '../api-client.js';

export { REFERRAL_STATUSES } from '../../../src/shared/campaign-records.js';
export type { MemberProgress, ReferralStatus, RewardRecord, TreeNode };

export type RewardSpec = { kind: 'role'; groupId: number; role: string } | { kind: 'coupon'; couponId: number } | { kind: 'vip_invite'; groupId: number } | { kind: 'manual'; note: string };

export interface TierInput {
  threshold: number;
  label: string;
  reward: RewardSpec;
}

export interface CampaignSummary {
  id: number;
  name: string;
  form: 'poster' | 'invite';
  targets: { groups?: number[]; sets?: string[] };
  goal: number;
  fraudHours: number;
  speakWithinHours: number | null;
  tiers: TierInput[];
  language: 'zh' | 'en';
  startsAt: number;
  endsAt: number | null;
  running: boolean;
  participants: number;
  friends: number;
  counted: number;
  completed: number;
}

export interface NewCampaignInput {
  name: string;
  form: 'poster' | 'invite';
  targets: { groups?: number[]; sets?: string[] };
  goal: number;
  fraudHours: number;
  speakWithinHours: number | null;
  tiers: TierInput[];
  language: 'zh' | 'en';
  endsAt?: string | null;
}

export function fetchCampaigns(ws: string, signal?: AbortSignal): Promise<{ campaigns: CampaignSummary[] }> {
  return request('GET', `/api/campaigns?workspace=${encodeURIComponent(ws)}`, undefined, signal);
}

export function fetchCampaign(id: number, signal?: AbortSignal): Promise<CampaignSummary & { progress: MemberProgress[]; rewards: RewardRecord[] }> {
  return request('GET', `/api/campaigns/${id}`, undefined, signal);
}

export function fetchCampaignTree(id: number, signal?: AbortSignal): Promise<{ roots: TreeNode[]; depth: number; members: number }> {
  return request('GET', `/api/campaigns/${id}/tree`, undefined, signal);
}

export function createCampaign(ws: string, input: NewCampaignInput): Promise<CampaignSummary> {
  return request('POST', '/api/campaigns', { workspace: ws, ...input });
}

export function issueCode(id: number, memberId: number): Promise<{ code: string; groupId: number; created: boolean; link: string }> {
  return request('POST', `/api/campaigns/${id}/codes`, { memberId });
}

export function fulfilReward(id: number, rewardId: number): Promise<{ rewards: RewardRecord[] }> {
  return request('POST', `/api/campaigns/${id}/rewards/${rewardId}/fulfil`, {});
}

export function fetchCoupons(ws: string, signal?: AbortSignal): Promise<{ coupons: { id: number; title: string; code: string }[] }> {
  return request('GET', `/api/coupons?workspace=${encodeURIComponent(ws)}`, undefined, signal);
}

/** Puts the groups of the members who completed the task in a group set (for a broadcast). */
export function saveCompletedSet(id: number, set: string): Promise<{ set: string; groups: number[]; members: number }> {
  return request('POST', `/api/campaigns/${id}/completed/set`, { set });
}
