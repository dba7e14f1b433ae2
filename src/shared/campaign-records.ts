/**
 * A fission campaign's referrals, members' progress, rewards and invite tree as the API
 * answers them and the dashboard reads them (src/growth/campaigns,
 * src/server/routes/campaign-routes.ts): one definition for both.
 */

/**
 * Why a friend counts or not: `counted`; `pending` (must speak, has not yet, still
 * has time); `left_early` (left within the fraud window); `silent` (never spoke
 * within the hours given); `outside_window` (joined before the start or after the
 * end); `returning` (was in the group before); `self` (their own code).
 */
export type ReferralStatus = 'counted' | 'pending' | 'left_early' | 'silent' | 'outside_window' | 'returning' | 'self';

/** Every status, in the order the dashboard lists them. */
export const REFERRAL_STATUSES: readonly ReferralStatus[] = ['counted', 'pending', 'left_early', 'silent', 'outside_window', 'returning', 'self'];

/** One taking-part member's progress: friends joined, counted, by status, their code and completion. */
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

/** A reward as shown: its tier, what it was, and whether it still stands. */
export interface RewardRecord {
  id: number;
  memberId: number;
  memberName: string;
  tier: number;
  label: string;
  /** The reward's kind as stored: `role`, `coupon`, `vip_invite` or `manual`. */
  kind: string;
  grantedAt: number;
  clawedBackAt: number | null;
  clawbackNote: string | null;
  fulfilledAt: number | null;
  couponCode: string | null;
  refused: string | null;
  code: string | null;
}

/** One node of the invite tree: a member, whom they were invited by, and whether they count. */
export interface TreeNode {
  memberId: number;
  name: string;
  invitedBy: number | null;
  depth: number;
  status: ReferralStatus | null;
  counted: number;
  children: TreeNode[];
}
