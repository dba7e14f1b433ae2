import type { Transaction } from 'kysely';
import { recordAudit, type AuditActor } from '../../audit/audit-log.js';
import type { Database } from '../../store/schema.js';
import { newCode } from '../growth-code.js';
import type { RewardSpec, Tier } from './campaign-rules.js';

type Trx = Transaction<Database>;

/** What a granted reward holds, to be taken back: the claim, the code, whether the role was ours. */
export interface RewardDetail {
  spec: RewardSpec;
  label: string;
  /** Coupon: the claim made; null when refused (`refused` says why). */
  claimId?: number | null;
  couponCode?: string | null;
  refused?: string | null;
  /** VIP invite: the single-use code issued. */
  code?: string;
  /** Role: false when the member already held it (then it is not ours to take away). */
  added?: boolean;
}

/** The audit actor for what a campaign does by itself. */
export function campaignActor(campaign: { id: number; name: string }): AuditActor {
  return { kind: 'rule', id: campaign.id, label: `campaign ${campaign.name}` };
}

/**
 * Grants one tier's reward to a member, once: the reward row is unique per campaign,
 * member and tier, and a clawed-back row is granted again only by a conditional
 * update, so two workers never grant a tier twice. In the caller's transaction (the
 * ingest batch or the sweep's). Returns false when it was already held.
 */
export async function grantTier(
  trx: Trx,
  campaign: { id: number; workspaceId: number; name: string },
  memberId: number,
  tierIndex: number,
  tier: Tier,
  memberName: string,
  now: number,
): Promise<boolean> {
  const existing = await trx
    .selectFrom('campaign_reward')
    .select(['id', 'clawed_back_at'])
    .where('campaign_id', '=', campaign.id)
    .where('member_id', '=', memberId)
    .where('tier', '=', tierIndex)
    .executeTakeFirst();
  if (existing && existing.clawed_back_at === null) return false;
  let rewardId: number;
  if (existing) {
    const moved = await trx
      .updateTable('campaign_reward')
      .set({ granted_at: now, clawed_back_at: null, clawback_note: null, fulfilled_at: null, fulfilled_by: null, detail: '{}' })
      .where('id', '=', existing.id)
      .where('clawed_back_at', 'is not', null)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return false;
    rewardId = Number(existing.id);
  } else {
    const inserted = await trx
      .insertInto('campaign_reward')
      .values({ campaign_id: campaign.id, workspace_id: campaign.workspaceId, member_id: memberId, tier: tierIndex, kind: tier.reward.kind, detail: '{}', granted_at: now })
      .onConflict((oc) => oc.columns(['campaign_id', 'member_id', 'tier']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return false;
    rewardId = Number(inserted.id);
  }
  const detail = await deliver(trx, campaign, memberId, tier, memberName, now);
  await trx
    .updateTable('campaign_reward')
    .set({ detail: JSON.stringify(detail) })
    .where('id', '=', rewardId)
    .execute();
  await recordAudit(
    trx,
    {
      workspaceId: campaign.workspaceId,
      actor: campaignActor(campaign),
      action: 'campaign.reward_granted',
      target: { kind: 'campaign', id: campaign.id },
      detail: { memberId, tier: tierIndex, threshold: tier.threshold, reward: tier.reward, ...(detail.refused ? { refused: detail.refused } : {}), ...(detail.code ? { code: detail.code } : {}) },
    },
    now,
  );
  return true;
}

async function deliver(trx: Trx, campaign: { id: number; workspaceId: number; name: string }, memberId: number, tier: Tier, memberName: string, now: number): Promise<RewardDetail> {
  const spec = tier.reward;
  const base = { spec, label: tier.label };
  switch (spec.kind) {
    case 'role': {
      const added = await trx
        .insertInto('group_member_role')
        .values({ workspace_id: campaign.workspaceId, group_id: spec.groupId, member_id: memberId, role: spec.role, assigned_by: `campaign:${campaign.id}`, assigned_at: now })
        .onConflict((oc) => oc.columns(['group_id', 'member_id', 'role']).doNothing())
        .executeTakeFirst();
      return { ...base, added: Number(added.numInsertedOrUpdatedRows ?? 0) > 0 };
    }
    case 'coupon':
      return { ...base, ...(await claimInTransaction(trx, spec.couponId, memberId, campaign, now)) };
    case 'vip_invite': {
      // A single-use invitation code to the VIP group, in this transaction (the code store's own opens another).
      for (let attempt = 0; ; attempt++) {
        const code = newCode();
        const taken = await trx.selectFrom('growth_code').select('id').where('code', '=', code).executeTakeFirst();
        if (taken && attempt < 5) continue;
        const row = await trx
          .insertInto('growth_code')
          .values({
            workspace_id: campaign.workspaceId,
            kind: 'invite',
            code,
            name: `${tier.label} · ${memberName}`.slice(0, 100),
            campaign: campaign.name.slice(0, 100),
            channel: null,
            inviter_member_id: null,
            quantity: 1,
            capacity: null,
            expires_at: null,
            created_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('growth_code_group')
          .values({ code_id: Number(row.id), group_id: spec.groupId, position: 0 })
          .execute();
        return { ...base, code };
      }
    }
    case 'manual':
      return base;
  }
}

/**
 * One unit of a coupon for the member, as `claimCoupon` takes it (a conditional update
 * on `remaining`, the claim numbered under its unique constraint), but inside the
 * caller's transaction. A refusal is recorded on the reward, not thrown: the tier was
 * earned, the operator sees why no coupon came with it.
 */
async function claimInTransaction(
  trx: Trx,
  couponId: number,
  memberId: number,
  campaign: { id: number; workspaceId: number },
  now: number,
): Promise<Pick<RewardDetail, 'claimId' | 'couponCode' | 'refused'>> {
  const coupon = await trx.selectFrom('coupon').selectAll().where('id', '=', couponId).where('workspace_id', '=', campaign.workspaceId).executeTakeFirst();
  if (!coupon) return { claimId: null, refused: 'coupon deleted' };
  const held = await trx
    .selectFrom('coupon_claim')
    .select((eb) => eb.fn.max<number | null>('seq').as('n'))
    .where('coupon_id', '=', couponId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  const seq = Number(held?.n ?? 0) + 1;
  const claims = await trx
    .selectFrom('coupon_claim')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('coupon_id', '=', couponId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  if (Number(claims?.n ?? 0) >= Number(coupon.per_member_limit)) return { claimId: null, refused: 'limit reached' };
  const taken = await trx
    .updateTable('coupon')
    .set((eb) => ({ remaining: eb('remaining', '-', 1), claimed: eb('claimed', '+', 1) }))
    .where('id', '=', couponId)
    .where((eb) => eb.or([eb('remaining', 'is', null), eb('remaining', '>', 0)]))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) !== 1) return { claimId: null, refused: coupon.expires_at !== null && Number(coupon.expires_at) <= now ? 'expired' : 'out of stock' };
  const code = coupon.uses === 'single' ? `${coupon.code}-${newCode()}` : coupon.code;
  const row = await trx
    .insertInto('coupon_claim')
    .values({ coupon_id: couponId, member_id: memberId, seq, code, claimed_at: now, claimed_by: `campaign:${campaign.id}`, redeemed_at: null, redeemed_by: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { claimId: Number(row.id), couponCode: code };
}

/**
 * Takes a tier's reward back (the count fell below its threshold): the row is marked
 * clawed back, by a conditional update so it happens once; a coupon claim not yet
 * redeemed is revoked (its unit goes back to stock), a role the campaign gave is
 * removed, an unused VIP code expires. What could not be taken back is noted.
 */
export async function clawBackTier(trx: Trx, campaign: { id: number; workspaceId: number; name: string }, memberId: number, tierIndex: number, now: number): Promise<boolean> {
  const row = await trx
    .selectFrom('campaign_reward')
    .select(['id', 'detail'])
    .where('campaign_id', '=', campaign.id)
    .where('member_id', '=', memberId)
    .where('tier', '=', tierIndex)
    .where('clawed_back_at', 'is', null)
    .executeTakeFirst();
  if (!row) return false;
  const marked = await trx.updateTable('campaign_reward').set({ clawed_back_at: now }).where('id', '=', row.id).where('clawed_back_at', 'is', null).executeTakeFirst();
  if (Number(marked.numUpdatedRows) !== 1) return false;
  const detail = JSON.parse(row.detail) as RewardDetail;
  let note: string;
  switch (detail.spec?.kind) {
    case 'role':
      if (detail.added) {
        await trx
          .deleteFrom('group_member_role')
          .where('group_id', '=', detail.spec.groupId)
          .where('member_id', '=', memberId)
          .where('role', '=', detail.spec.role)
          .where('assigned_by', '=', `campaign:${campaign.id}`)
          .execute();
        note = 'role removed';
      } else note = 'role was held before the campaign: kept';
      break;
    case 'coupon': {
      if (!detail.claimId) {
        note = 'no coupon had been claimed';
        break;
      }
      const gone = await trx.deleteFrom('coupon_claim').where('id', '=', detail.claimId).where('redeemed_at', 'is', null).executeTakeFirst();
      if (Number(gone.numDeletedRows) === 1) {
        await trx
          .updateTable('coupon')
          .set((eb) => ({ remaining: eb('remaining', '+', 1), claimed: eb('claimed', '-', 1) }))
          .where('id', '=', detail.spec.couponId)
          .where('remaining', 'is not', null)
          .execute();
        await trx
          .updateTable('coupon')
          .set((eb) => ({ claimed: eb('claimed', '-', 1) }))
          .where('id', '=', detail.spec.couponId)
          .where('remaining', 'is', null)
          .execute();
        note = 'coupon revoked';
      } else note = 'coupon already redeemed: kept';
      break;
    }
    case 'vip_invite': {
      const used = await trx
        .selectFrom('membership')
        .select('id')
        .where('code', '=', detail.code ?? '')
        .executeTakeFirst();
      if (used) note = 'VIP code already used: the operator decides';
      else {
        await trx
          .updateTable('growth_code')
          .set({ expires_at: now })
          .where('code', '=', detail.code ?? '')
          .execute();
        note = 'VIP code expired';
      }
      break;
    }
    default:
      note = 'manual reward: the operator withdraws it';
  }
  await trx.updateTable('campaign_reward').set({ clawback_note: note }).where('id', '=', row.id).execute();
  await recordAudit(
    trx,
    {
      workspaceId: campaign.workspaceId,
      actor: campaignActor(campaign),
      action: 'campaign.reward_clawed_back',
      target: { kind: 'campaign', id: campaign.id },
      detail: { memberId, tier: tierIndex, note },
    },
    now,
  );
  return true;
}
