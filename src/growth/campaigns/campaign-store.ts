import type { Kysely, Selectable, Transaction } from 'kysely';
import { resolveGroupSelector, type GroupSelector } from '../../groups/group-selector.js';
import type { MemberProgress, RewardRecord } from '../../shared/campaign-records.js';
import type { CampaignTable, Database } from '../../store/schema.js';
import { createInviteCode } from '../code-store.js';
import {
  campaignInputSchema,
  checkTiers,
  countReferrals,
  InvalidCampaignError,
  inviteTree,
  isRunning,
  judgeReferral,
  type CampaignForm,
  type CampaignInput,
  type CountingRules,
  type ReferralFacts,
  type Tier,
  type TreeNode,
} from './campaign-rules.js';
import type { RewardDetail } from './campaign-rewards.js';

export type { MemberProgress, RewardRecord } from '../../shared/campaign-records.js';

type Db = Kysely<Database> | Transaction<Database>;

export class CampaignNotFoundError extends Error {
  override readonly name = 'CampaignNotFoundError';
  constructor(readonly what: string) {
    super(`no ${what}`);
  }
}

/** A campaign as the engine, the API and the CLI read it. */
export interface Campaign extends CountingRules {
  id: number;
  workspaceId: number;
  name: string;
  form: CampaignForm;
  targets: GroupSelector;
  goal: number;
  tiers: Tier[];
  posterTemplateId: number | null;
  language: 'zh' | 'en';
  createdBy: string | null;
  createdAt: number;
}

export function campaignOf(row: Selectable<CampaignTable>): Campaign {
  return {
    id: Number(row.id),
    workspaceId: Number(row.workspace_id),
    name: row.name,
    form: row.form === 'poster' ? 'poster' : 'invite',
    targets: JSON.parse(row.selector) as GroupSelector,
    goal: Number(row.goal),
    fraudHours: Number(row.fraud_hours),
    speakWithinHours: row.speak_within_hours === null ? null : Number(row.speak_within_hours),
    tiers: JSON.parse(row.tiers) as Tier[],
    posterTemplateId: row.poster_template_id === null ? null : Number(row.poster_template_id),
    language: row.language === 'en' ? 'en' : 'zh',
    startsAt: Number(row.starts_at),
    endsAt: row.ends_at === null ? null : Number(row.ends_at),
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
  };
}

/**
 * Stores a campaign after checking everything it names: the targets take at least one
 * group, thresholds rise, every reward's group and coupon are the workspace's, the end
 * is after the start. Throws InvalidCampaignError naming what is wrong; nothing stored.
 */
export async function createCampaign(db: Kysely<Database>, workspaceId: number, raw: CampaignInput, createdBy: string | null, now: number): Promise<Campaign> {
  const parsed = campaignInputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidCampaignError(`${issue.path.join('.') || 'campaign'}: ${issue.message}`);
  }
  const input = parsed.data;
  checkTiers(input.tiers);
  const startsAt = input.startsAt ? Date.parse(input.startsAt) : now;
  const endsAt = input.endsAt ? Date.parse(input.endsAt) : null;
  if (endsAt !== null && endsAt <= startsAt) throw new InvalidCampaignError('the end must be after the start');
  const targets = await resolveGroupSelector(db, workspaceId, input.targets);
  if (targets.length === 0) throw new InvalidCampaignError('the targets take no group of this workspace');
  for (const [i, tier] of input.tiers.entries()) {
    const r = tier.reward;
    if (r.kind === 'role' || r.kind === 'vip_invite') {
      const group = await db.selectFrom('chat_group').select('id').where('id', '=', r.groupId).where('workspace_id', '=', workspaceId).executeTakeFirst();
      if (!group) throw new InvalidCampaignError(`tier ${i + 1}: no group ${r.groupId} in this workspace`);
    }
    if (r.kind === 'coupon') {
      const coupon = await db.selectFrom('coupon').select('id').where('id', '=', r.couponId).where('workspace_id', '=', workspaceId).executeTakeFirst();
      if (!coupon) throw new InvalidCampaignError(`tier ${i + 1}: no coupon ${r.couponId} in this workspace`);
    }
  }
  const row = await db
    .insertInto('campaign')
    .values({
      workspace_id: workspaceId,
      name: input.name,
      form: input.form,
      selector: JSON.stringify(input.targets),
      goal: input.goal,
      fraud_hours: input.fraudHours,
      speak_within_hours: input.speakWithinHours,
      tiers: JSON.stringify(input.tiers),
      poster_template_id: input.posterTemplateId,
      language: input.language,
      starts_at: startsAt,
      ends_at: endsAt,
      created_by: createdBy,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return getCampaign(db, workspaceId, Number(row.id));
}

export async function getCampaign(db: Db, workspaceId: number, id: number): Promise<Campaign> {
  const row = await db.selectFrom('campaign').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) throw new CampaignNotFoundError(`campaign ${id}`);
  return campaignOf(row);
}

/** A campaign in a list: its settings and headline figures. */
export interface CampaignSummary extends Campaign {
  running: boolean;
  participants: number;
  friends: number;
  counted: number;
  completed: number;
}

export async function listCampaigns(db: Kysely<Database>, workspaceId: number, now: number): Promise<CampaignSummary[]> {
  const rows = await db.selectFrom('campaign').selectAll().where('workspace_id', '=', workspaceId).orderBy('id', 'desc').limit(200).execute();
  const out: CampaignSummary[] = [];
  for (const row of rows) {
    const campaign = campaignOf(row);
    const progress = await campaignProgress(db, campaign, now);
    out.push({
      ...campaign,
      running: isRunning(campaign, now),
      participants: progress.length,
      friends: progress.reduce((n, p) => n + p.friends, 0),
      counted: progress.reduce((n, p) => n + p.counted, 0),
      completed: progress.filter((p) => p.completed).length,
    });
  }
  return out;
}

/**
 * A member's personal code in a campaign: the one they have, else a new invitation
 * code of the code store (inviter = the member, campaign = its name) to the target
 * group the member is in (the first target when they are in none). Two requests at
 * once keep the first code mapped.
 */
export async function personalCode(db: Kysely<Database>, campaign: Campaign, memberId: number, now: number): Promise<{ code: string; groupId: number; created: boolean }> {
  const existing = await db.selectFrom('campaign_code').select(['code', 'group_id']).where('campaign_id', '=', campaign.id).where('member_id', '=', memberId).executeTakeFirst();
  if (existing) return { code: existing.code, groupId: Number(existing.group_id), created: false };
  const member = await db.selectFrom('member').select(['id', 'display_name']).where('id', '=', memberId).where('workspace_id', '=', campaign.workspaceId).executeTakeFirst();
  if (!member) throw new CampaignNotFoundError(`member ${memberId} in this workspace`);
  const targets = await resolveGroupSelector(db, campaign.workspaceId, campaign.targets);
  if (targets.length === 0) throw new InvalidCampaignError('the campaign’s targets take no group any more');
  const stay = await db
    .selectFrom('membership')
    .select('group_id')
    .where('member_id', '=', memberId)
    .where('left_at', 'is', null)
    .where('group_id', 'in', targets)
    .orderBy('group_id')
    .executeTakeFirst();
  const groupId = stay ? Number(stay.group_id) : targets[0]!;
  const code = await createInviteCode(
    db,
    {
      workspaceId: campaign.workspaceId,
      name: `${campaign.name} · ${member.display_name}`.slice(0, 100),
      groupId,
      campaign: campaign.name,
      channel: campaign.form === 'poster' ? 'poster' : 'moments',
      inviterMemberId: memberId,
    },
    now,
  );
  await db
    .insertInto('campaign_code')
    .values({ campaign_id: campaign.id, member_id: memberId, code: code.code, group_id: groupId, created_at: now })
    .onConflict((oc) => oc.columns(['campaign_id', 'member_id']).doNothing())
    .execute();
  const kept = await db.selectFrom('campaign_code').select(['code', 'group_id']).where('campaign_id', '=', campaign.id).where('member_id', '=', memberId).executeTakeFirstOrThrow();
  return { code: kept.code, groupId: Number(kept.group_id), created: kept.code === code.code };
}

type Referral = ReferralFacts & { id: number; name: string; groupId: number };

/** Every friend who joined through a code of the campaign (of one inviter when given). */
export async function referralsOf(db: Db, campaignId: number, inviterId?: number): Promise<Referral[]> {
  let q = db
    .selectFrom('campaign_referral as r')
    .innerJoin('member as m', 'm.id', 'r.invitee_member_id')
    .select(['r.id', 'r.inviter_member_id', 'r.invitee_member_id', 'r.group_id', 'r.joined_at', 'r.left_at', 'r.spoke_at', 'r.was_member', 'm.display_name'])
    .where('r.campaign_id', '=', campaignId);
  if (inviterId !== undefined) q = q.where('r.inviter_member_id', '=', inviterId);
  const rows = await q.orderBy('r.id').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    inviterId: Number(r.inviter_member_id),
    inviteeId: Number(r.invitee_member_id),
    groupId: Number(r.group_id),
    joinedAt: Number(r.joined_at),
    leftAt: r.left_at === null ? null : Number(r.left_at),
    spokeAt: r.spoke_at === null ? null : Number(r.spoke_at),
    wasMember: Number(r.was_member) === 1,
    name: r.display_name,
  }));
}

export async function rewardsOf(db: Db, campaignId: number): Promise<RewardRecord[]> {
  const rows = await db
    .selectFrom('campaign_reward as w')
    .innerJoin('member as m', 'm.id', 'w.member_id')
    .select(['w.id', 'w.member_id', 'w.tier', 'w.kind', 'w.detail', 'w.granted_at', 'w.clawed_back_at', 'w.clawback_note', 'w.fulfilled_at', 'm.display_name'])
    .where('w.campaign_id', '=', campaignId)
    .orderBy('w.id')
    .execute();
  return rows.map((r) => {
    const detail = JSON.parse(r.detail) as Partial<RewardDetail>;
    return {
      id: Number(r.id),
      memberId: Number(r.member_id),
      memberName: r.display_name,
      tier: Number(r.tier),
      label: detail.label ?? '',
      kind: r.kind,
      grantedAt: Number(r.granted_at),
      clawedBackAt: r.clawed_back_at === null ? null : Number(r.clawed_back_at),
      clawbackNote: r.clawback_note,
      fulfilledAt: r.fulfilled_at === null ? null : Number(r.fulfilled_at),
      couponCode: detail.couponCode ?? null,
      refused: detail.refused ?? null,
      code: detail.code ?? null,
    };
  });
}

/** Marks a manual reward handed over (an operator did it). */
export async function fulfilReward(db: Kysely<Database>, campaignId: number, rewardId: number, by: string, now: number): Promise<void> {
  const done = await db
    .updateTable('campaign_reward')
    .set({ fulfilled_at: now, fulfilled_by: by })
    .where('id', '=', rewardId)
    .where('campaign_id', '=', campaignId)
    .where('clawed_back_at', 'is', null)
    .where('fulfilled_at', 'is', null)
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw new CampaignNotFoundError(`unfulfilled reward ${rewardId} of campaign ${campaignId}`);
}

/** Every taking-part member's progress, top inviters first. */
export async function campaignProgress(db: Db, campaign: Campaign, now: number): Promise<MemberProgress[]> {
  const codes = await db
    .selectFrom('campaign_code as c')
    .innerJoin('member as m', 'm.id', 'c.member_id')
    .select(['c.member_id', 'c.code', 'm.display_name'])
    .where('c.campaign_id', '=', campaign.id)
    .execute();
  const referrals = await db
    .selectFrom('campaign_referral as r')
    .innerJoin('member as m', 'm.id', 'r.inviter_member_id')
    .select(['r.inviter_member_id', 'r.invitee_member_id', 'r.joined_at', 'r.left_at', 'r.spoke_at', 'r.was_member', 'm.display_name'])
    .where('r.campaign_id', '=', campaign.id)
    .execute();
  const byMember = new Map<number, MemberProgress>();
  const entry = (memberId: number, name: string) => {
    let p = byMember.get(memberId);
    if (!p) byMember.set(memberId, (p = { memberId, name, code: null, friends: 0, counted: 0, goal: campaign.goal, completed: false, statuses: {} }));
    return p;
  };
  for (const c of codes) entry(Number(c.member_id), c.display_name).code = c.code;
  for (const r of referrals) {
    const p = entry(Number(r.inviter_member_id), r.display_name);
    const status = judgeReferral(
      {
        inviterId: Number(r.inviter_member_id),
        inviteeId: Number(r.invitee_member_id),
        joinedAt: Number(r.joined_at),
        leftAt: r.left_at === null ? null : Number(r.left_at),
        spokeAt: r.spoke_at === null ? null : Number(r.spoke_at),
        wasMember: Number(r.was_member) === 1,
      },
      campaign,
      now,
    );
    p.friends++;
    p.statuses[status] = (p.statuses[status] ?? 0) + 1;
    if (status === 'counted') p.counted++;
  }
  const list = [...byMember.values()];
  for (const p of list) p.completed = p.counted >= campaign.goal;
  return list.sort((a, b) => b.counted - a.counted || b.friends - a.friends || a.memberId - b.memberId);
}

/** The invite tree of a campaign (see {@link inviteTree}) with its depth. */
export async function campaignTree(db: Db, campaign: Campaign, now: number): Promise<{ roots: TreeNode[]; depth: number; members: number }> {
  const participants = await db
    .selectFrom('campaign_code as c')
    .innerJoin('member as m', 'm.id', 'c.member_id')
    .select(['c.member_id', 'm.display_name'])
    .where('c.campaign_id', '=', campaign.id)
    .execute();
  const referrals = await referralsOf(db, campaign.id);
  const roots = inviteTree(
    participants.map((p) => ({ memberId: Number(p.member_id), name: p.display_name })),
    referrals,
    campaign,
    now,
  );
  let depth = 0;
  let members = 0;
  const walk = (n: TreeNode) => {
    members++;
    depth = Math.max(depth, n.depth);
    n.children.forEach(walk);
  };
  roots.forEach(walk);
  return { roots, depth, members };
}

/**
 * The members who completed the task ("group users who have completed tasks
 * together", `004`): each with their count and the target groups they are in, and
 * those groups as a selector a broadcast takes.
 */
export async function completedMembers(
  db: Db,
  campaign: Campaign,
  now: number,
): Promise<{ members: { memberId: number; name: string; counted: number; groups: number[] }[]; selector: GroupSelector }> {
  const done = (await campaignProgress(db, campaign, now)).filter((p) => p.completed);
  const targets = await resolveGroupSelector(db as Kysely<Database>, campaign.workspaceId, campaign.targets);
  const stays =
    done.length > 0 && targets.length > 0
      ? await db
          .selectFrom('membership')
          .select(['member_id', 'group_id'])
          .where(
            'member_id',
            'in',
            done.map((d) => d.memberId),
          )
          .where('group_id', 'in', targets)
          .where('left_at', 'is', null)
          .execute()
      : [];
  const groupsOf = new Map<number, Set<number>>();
  for (const s of stays) groupsOf.set(Number(s.member_id), (groupsOf.get(Number(s.member_id)) ?? new Set()).add(Number(s.group_id)));
  const members = done.map((d) => ({ memberId: d.memberId, name: d.name, counted: d.counted, groups: [...(groupsOf.get(d.memberId) ?? [])].sort((a, b) => a - b) }));
  const groups = [...new Set(members.flatMap((m) => m.groups))].sort((a, b) => a - b);
  return { members, selector: { groups } };
}

/** The counting rules' judgement of one inviter now (the engine compares it to what was told). */
export async function countFor(db: Db, campaign: Campaign, inviterId: number, now: number): Promise<number> {
  return countReferrals(await referralsOf(db, campaign.id, inviterId), campaign, now);
}
