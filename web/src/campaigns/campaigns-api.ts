import { request } from '../api-client.js';

/** Why a friend counts or not (see src/growth/campaigns/campaign-rules.ts). */
export type ReferralStatus = 'counted' | 'pending' | 'left_early' | 'silent' | 'outside_window' | 'returning' | 'self';
export const REFERRAL_STATUSES: readonly ReferralStatus[] = ['counted', 'pending', 'left_early', 'silent', 'outside_window', 'returning', 'self'];

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

export interface MemberProgress {
  memberId: number;
  name: string;
  code: string | null;
  friends: number;
  counted: number;
  goal: number;
  completed: boolean;
  statuses: Partial<Record<ReferralStatus, number>>;
}

export interface RewardRecord {
  id: number;
  memberId: number;
  memberName: string;
  tier: number;
  label: string;
  kind: RewardSpec['kind'];
  grantedAt: number;
  clawedBackAt: number | null;
  clawbackNote: string | null;
  fulfilledAt: number | null;
  couponCode: string | null;
  refused: string | null;
  code: string | null;
}

export interface TreeNode {
  memberId: number;
  name: string;
  invitedBy: number | null;
  depth: number;
  status: ReferralStatus | null;
  counted: number;
  children: TreeNode[];
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
