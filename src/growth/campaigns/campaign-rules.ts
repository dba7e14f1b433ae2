import { z } from 'zod';
import { groupSelectorSchema } from '../../groups/group-selector.js';
import { MEMBER_ROLES } from '../../groups/staffing-checks.js';
import type { ReferralStatus, TreeNode } from '../../shared/campaign-records.js';

export type { ReferralStatus, TreeNode } from '../../shared/campaign-records.js';

/**
 * The pure rules of a fission campaign (`004`: share a poster, or invite N friends;
 * `002`: quota rewards): which friends count, the count, which reward tiers a count
 * earns or loses, and what the member is told. Values in, values out; the store and
 * ingest feed them.
 */

export const CAMPAIGN_FORMS = ['poster', 'invite'] as const;
export type CampaignForm = (typeof CAMPAIGN_FORMS)[number];

const HOUR_MS = 3600_000;
export const MAX_GOAL = 100_000;
export const MAX_TIERS = 10;
/** Longest fraud window and "must speak within" option: 30 days. */
export const MAX_HOURS = 720;

export const rewardSchema = z.discriminatedUnion('kind', [
  /** A role in a group (e.g. initiator in the main group). */
  z.object({ kind: z.literal('role'), groupId: z.number().int().positive(), role: z.enum(MEMBER_ROLES) }).strict(),
  /** One unit of a coupon (src/conversion/coupons). */
  z.object({ kind: z.literal('coupon'), couponId: z.number().int().positive() }).strict(),
  /** A single-use invitation code to a group (the VIP group of `002`). */
  z.object({ kind: z.literal('vip_invite'), groupId: z.number().int().positive() }).strict(),
  /** Something an operator hands over and marks fulfilled ("exchange business cards"). */
  z.object({ kind: z.literal('manual'), note: z.string().trim().min(1).max(200) }).strict(),
]);
export type RewardSpec = z.infer<typeof rewardSchema>;
export type RewardKind = RewardSpec['kind'];

export const tierSchema = z
  .object({
    threshold: z.number().int().min(1).max(MAX_GOAL),
    label: z.string().trim().min(1).max(100),
    reward: rewardSchema,
  })
  .strict();
export type Tier = z.infer<typeof tierSchema>;

/** A campaign as an operator describes it (API body, CLI options). */
export const campaignInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    form: z.enum(CAMPAIGN_FORMS),
    targets: groupSelectorSchema,
    goal: z.number().int().min(1).max(MAX_GOAL),
    /** A friend who leaves within this many hours of joining does not count. */
    fraudHours: z.number().int().min(0).max(MAX_HOURS).default(72),
    /** Set: a friend counts only once they speak, and never if silent this many hours after joining. */
    speakWithinHours: z.number().int().min(1).max(MAX_HOURS).nullable().default(null),
    tiers: z.array(tierSchema).max(MAX_TIERS).default([]),
    posterTemplateId: z.number().int().positive().nullable().default(null),
    language: z.enum(['zh', 'en']).default('zh'),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict();
export type CampaignInput = z.input<typeof campaignInputSchema>;

/** A campaign cannot be made as asked (names what is wrong); nothing was stored. */
export class InvalidCampaignError extends Error {
  override readonly name = 'InvalidCampaignError';
}

/** Thresholds rise strictly, tier by tier (the `002` ladder: 20 → VIP group, 200 → business cards). */
export function checkTiers(tiers: readonly Tier[]): void {
  for (let i = 1; i < tiers.length; i++) {
    if (tiers[i]!.threshold <= tiers[i - 1]!.threshold) throw new InvalidCampaignError(`tier ${i + 1}'s threshold (${tiers[i]!.threshold}) must be above tier ${i}'s (${tiers[i - 1]!.threshold})`);
  }
}

/** The windows a friend is judged by. */
export interface CountingRules {
  startsAt: number;
  endsAt: number | null;
  fraudHours: number;
  speakWithinHours: number | null;
}

/** What was seen of one friend who joined through a member's code. */
export interface ReferralFacts {
  inviterId: number;
  inviteeId: number;
  joinedAt: number;
  leftAt: number | null;
  spokeAt: number | null;
  /** The friend had been in the group before: not new. */
  wasMember: boolean;
}

/**
 * Judges one friend at `now`. A friend who has not left counts at once (unless they
 * must speak first), and stops counting if they leave before the fraud window is
 * over; one who stayed the window out keeps counting even after leaving.
 *
 * @example judgeReferral({ inviterId: 1, inviteeId: 2, joinedAt: 0, leftAt: 3_600_000, spokeAt: null, wasMember: false }, { startsAt: 0, endsAt: null, fraudHours: 24, speakWithinHours: null }, 7_200_000) // 'left_early'
 */
export function judgeReferral(r: ReferralFacts, rules: CountingRules, now: number): ReferralStatus {
  if (r.inviterId === r.inviteeId) return 'self';
  if (r.joinedAt < rules.startsAt || (rules.endsAt !== null && r.joinedAt > rules.endsAt)) return 'outside_window';
  if (r.wasMember) return 'returning';
  if (r.leftAt !== null && r.leftAt - r.joinedAt < rules.fraudHours * HOUR_MS) return 'left_early';
  if (rules.speakWithinHours !== null) {
    const deadline = r.joinedAt + rules.speakWithinHours * HOUR_MS;
    if (r.spokeAt !== null && r.spokeAt <= deadline) return 'counted';
    if (now > deadline || r.leftAt !== null) return 'silent';
    return 'pending';
  }
  return 'counted';
}

/** How many of a member's friends count at `now`. */
export function countReferrals(referrals: readonly ReferralFacts[], rules: CountingRules, now: number): number {
  let n = 0;
  for (const r of referrals) if (judgeReferral(r, rules, now) === 'counted') n++;
  return n;
}

/**
 * When a friend's judgement can still change by time alone (the sweep's business):
 * inside the fraud window, or waiting to speak. Null: settled unless they act.
 */
export function nextChangeAt(r: ReferralFacts, rules: CountingRules): number | null {
  if (r.inviterId === r.inviteeId || r.wasMember) return null;
  const fraudEnd = r.joinedAt + rules.fraudHours * HOUR_MS;
  const speakEnd = rules.speakWithinHours !== null && r.spokeAt === null && r.leftAt === null ? r.joinedAt + rules.speakWithinHours * HOUR_MS : null;
  const ends = [r.leftAt === null ? fraudEnd : null, speakEnd].filter((t): t is number => t !== null);
  return ends.length === 0 ? null : Math.max(...ends);
}

/**
 * The tiers to grant and to claw back for a count: every tier at or below the count
 * that is not held is granted; every held tier above it is clawed back.
 *
 * @example tierChanges([{ threshold: 3, … }, { threshold: 20, … }], 3, new Set()) // { grant: [0], clawBack: [] }
 */
export function tierChanges(tiers: readonly Pick<Tier, 'threshold'>[], count: number, held: ReadonlySet<number>): { grant: number[]; clawBack: number[] } {
  const grant: number[] = [];
  const clawBack: number[] = [];
  tiers.forEach((t, i) => {
    if (count >= t.threshold && !held.has(i)) grant.push(i);
    if (count < t.threshold && held.has(i)) clawBack.push(i);
  });
  return { grant, clawBack };
}

/**
 * What the member is told when their count moves: "2/3 位好友已加入" / "2 of 3 friends
 * joined", the task done when the goal is reached, rewards granted or clawed back.
 */
export function progressText(language: 'zh' | 'en', change: { name: string; counted: number; goal: number; before: number; granted: readonly string[]; clawedBack: readonly string[] }): string {
  const { counted, goal } = change;
  const up = counted > change.before;
  const done = counted >= goal;
  if (language === 'zh') {
    let text = `@${change.name} ${counted}/${goal} 位好友已加入`;
    if (up && done && change.before < goal) text += '，任务完成！';
    else if (!up) text += '（有好友提前退群或未发言，不再计入）';
    if (change.granted.length > 0) text += ` 奖励已发放：${change.granted.join('、')}`;
    if (change.clawedBack.length > 0) text += ` 奖励已收回：${change.clawedBack.join('、')}`;
    return text;
  }
  let text = `@${change.name} ${counted} of ${goal} friends joined`;
  if (up && done && change.before < goal) text += ': task complete!';
  else if (!up) text += ' (a friend left early or never spoke, and no longer counts)';
  if (change.granted.length > 0) text += ` Reward granted: ${change.granted.join(', ')}.`;
  if (change.clawedBack.length > 0) text += ` Reward withdrawn: ${change.clawedBack.join(', ')}.`;
  return text;
}

/** The campaign is taking joins at `now`. */
export function isRunning(rules: Pick<CountingRules, 'startsAt' | 'endsAt'>, now: number): boolean {
  return now >= rules.startsAt && (rules.endsAt === null || now <= rules.endsAt);
}

/** How long after its end a campaign's counts can still change (the longest window). */
export function settleHours(rules: Pick<CountingRules, 'fraudHours' | 'speakWithinHours'>): number {
  return Math.max(rules.fraudHours, rules.speakWithinHours ?? 0);
}

/**
 * The invite tree from the referrals: roots are members with a code who were not
 * invited within the campaign; each friend under whoever invited them, with depth.
 * A cycle (impossible by the unique friend per campaign, but data is data) is cut.
 */
export function inviteTree(participants: readonly { memberId: number; name: string }[], referrals: readonly (ReferralFacts & { name: string })[], rules: CountingRules, now: number): TreeNode[] {
  const names = new Map<number, string>();
  for (const p of participants) names.set(p.memberId, p.name);
  for (const r of referrals) names.set(r.inviteeId, r.name);
  const byInviter = new Map<number, (ReferralFacts & { name: string })[]>();
  const invitedBy = new Map<number, ReferralFacts & { name: string }>();
  for (const r of referrals) {
    byInviter.set(r.inviterId, [...(byInviter.get(r.inviterId) ?? []), r]);
    invitedBy.set(r.inviteeId, r);
  }
  const seen = new Set<number>();
  const build = (memberId: number, via: (ReferralFacts & { name: string }) | null, depth: number): TreeNode => {
    seen.add(memberId);
    const kids = (byInviter.get(memberId) ?? []).filter((r) => !seen.has(r.inviteeId));
    const children = kids.map((r) => build(r.inviteeId, r, depth + 1));
    return {
      memberId,
      name: names.get(memberId) ?? `#${memberId}`,
      invitedBy: via ? via.inviterId : null,
      depth,
      status: via ? judgeReferral(via, rules, now) : null,
      counted: countReferrals(byInviter.get(memberId) ?? [], rules, now),
      children,
    };
  };
  const roots = new Set<number>();
  for (const p of participants) if (!invitedBy.has(p.memberId)) roots.add(p.memberId);
  for (const r of referrals) if (!invitedBy.has(r.inviterId)) roots.add(r.inviterId);
  return [...roots].sort((a, b) => a - b).map((id) => build(id, null, 0));
}
