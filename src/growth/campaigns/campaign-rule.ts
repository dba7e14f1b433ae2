import { sql, type Kysely, type Transaction } from 'kysely';
import { checkAction } from '../../core/action.js';
import { enqueueAction } from '../../outbox/enqueue-action.js';
import type { AutomationContext } from '../../core/automation-context.js';
import type { Database } from '../../store/schema.js';
import { progressText, settleHours, tierChanges } from './campaign-rules.js';
import { clawBackTier, grantTier } from './campaign-rewards.js';
import { campaignOf, countFor, referralsOf, type Campaign } from './campaign-store.js';

type Trx = Transaction<Database>;

/** The rule name a campaign's messages carry in the outbox. */
export const CAMPAIGN_RULE = 'campaign';

/**
 * The campaign rule, run by ingest on each new event inside the batch's transaction.
 * Only three kinds of event reach the database, told apart without it: a join that
 * names a code (is it a campaign's personal code?), a leave (was this a campaign's
 * friend?), and a member's first message in a group (a friend who had to speak).
 * Every other event returns at once. A friend is recorded once per campaign (unique),
 * then the inviter's count is judged again: told when it moves, rewards granted or
 * clawed back with it. Returns the outbox rows it wrote.
 */
export async function applyCampaignEvent(trx: Trx, ctx: AutomationContext, eventId: number): Promise<number> {
  const { event, member, group } = ctx;
  if (member.isBot) return 0;
  if (event.kind === 'member.joined') {
    if (event.code === undefined) return 0;
    return onJoin(trx, ctx, event.code, Date.parse(event.occurredAt), eventId);
  }
  if (event.kind === 'member.left') {
    const at = Date.parse(event.occurredAt);
    const open = await trx
      .selectFrom('campaign_referral')
      .select(['id', 'campaign_id', 'inviter_member_id'])
      .where('invitee_member_id', '=', member.id)
      .where('group_id', '=', group.id)
      .where('left_at', 'is', null)
      .execute();
    if (open.length === 0) return 0;
    await trx
      .updateTable('campaign_referral')
      .set({ left_at: at })
      .where(
        'id',
        'in',
        open.map((r) => r.id),
      )
      .execute();
    return rejudge(trx, open, ctx.now, `evt:${eventId}`);
  }
  if (event.kind === 'message' && member.messagesInGroup === 0 && event.edited !== true) {
    const at = Date.parse(event.occurredAt);
    const waiting = await trx
      .selectFrom('campaign_referral')
      .select(['id', 'campaign_id', 'inviter_member_id'])
      .where('invitee_member_id', '=', member.id)
      .where('group_id', '=', group.id)
      .where('spoke_at', 'is', null)
      .where('joined_at', '<=', at)
      .execute();
    if (waiting.length === 0) return 0;
    await trx
      .updateTable('campaign_referral')
      .set({ spoke_at: at })
      .where(
        'id',
        'in',
        waiting.map((r) => r.id),
      )
      .execute();
    return rejudge(trx, waiting, ctx.now, `evt:${eventId}`);
  }
  return 0;
}

async function onJoin(trx: Trx, ctx: AutomationContext, code: string, at: number, eventId: number): Promise<number> {
  const owner = await trx
    .selectFrom('campaign_code as c')
    .innerJoin('campaign as k', 'k.id', 'c.campaign_id')
    .select(['c.campaign_id', 'c.member_id'])
    .where('c.code', '=', code)
    .where('k.workspace_id', '=', ctx.group.workspaceId)
    .executeTakeFirst();
  if (!owner) return 0;
  const inserted = await trx
    .insertInto('campaign_referral')
    .values({
      campaign_id: owner.campaign_id,
      workspace_id: ctx.group.workspaceId,
      group_id: ctx.group.id,
      inviter_member_id: owner.member_id,
      invitee_member_id: ctx.member.id,
      code,
      joined_at: at,
      left_at: null,
      spoke_at: null,
      was_member: ctx.member.joinsInGroup > 1 ? 1 : 0,
    })
    .onConflict((oc) => oc.columns(['campaign_id', 'invitee_member_id']).doNothing())
    .executeTakeFirst();
  // A friend joins a campaign once: a second join (after leaving, or through another code) changes nothing.
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return 0;
  return rejudge(trx, [{ campaign_id: owner.campaign_id, inviter_member_id: owner.member_id }], ctx.now, `evt:${eventId}`);
}

async function rejudge(trx: Trx, rows: readonly { campaign_id: number; inviter_member_id: number }[], now: number, key: string): Promise<number> {
  let written = 0;
  const done = new Set<string>();
  for (const r of rows) {
    const pair = `${r.campaign_id}:${r.inviter_member_id}`;
    if (done.has(pair)) continue;
    done.add(pair);
    const row = await trx.selectFrom('campaign').selectAll().where('id', '=', r.campaign_id).executeTakeFirstOrThrow();
    written += await reevaluateInviter(trx, campaignOf(row), Number(r.inviter_member_id), now, key);
  }
  return written;
}

/**
 * Judges one inviter's friends again and acts on a change: the count stored by a
 * compare-and-set (so two workers tell it once), tiers granted or clawed back, and
 * the member told in their code's group, mentioned. Returns the outbox rows written.
 */
export async function reevaluateInviter(trx: Trx, campaign: Campaign, inviterId: number, now: number, key: string, options: { tell?: boolean } = {}): Promise<number> {
  const counted = await countFor(trx, campaign, inviterId, now);
  const stored = await trx.selectFrom('campaign_progress').select('counted').where('campaign_id', '=', campaign.id).where('member_id', '=', inviterId).executeTakeFirst();
  const before = stored ? Number(stored.counted) : 0;
  const held = await trx.selectFrom('campaign_reward').select('tier').where('campaign_id', '=', campaign.id).where('member_id', '=', inviterId).where('clawed_back_at', 'is', null).execute();
  const changes = tierChanges(campaign.tiers, counted, new Set(held.map((h) => Number(h.tier))));
  if (counted === before && changes.grant.length === 0 && changes.clawBack.length === 0) return 0;
  if (stored) {
    const moved = await trx
      .updateTable('campaign_progress')
      .set({ counted, updated_at: now })
      .where('campaign_id', '=', campaign.id)
      .where('member_id', '=', inviterId)
      .where('counted', '=', before)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return 0;
  } else {
    const made = await trx
      .insertInto('campaign_progress')
      .values({ campaign_id: campaign.id, member_id: inviterId, counted, updated_at: now })
      .onConflict((oc) => oc.columns(['campaign_id', 'member_id']).doNothing())
      .executeTakeFirst();
    if (Number(made.numInsertedOrUpdatedRows ?? 0) === 0) return 0;
  }
  const inviter = await trx.selectFrom('member').select('display_name').where('id', '=', inviterId).executeTakeFirstOrThrow();
  const granted: string[] = [];
  const clawedBack: string[] = [];
  for (const i of changes.grant) if (await grantTier(trx, campaign, inviterId, i, campaign.tiers[i]!, inviter.display_name, now)) granted.push(campaign.tiers[i]!.label);
  for (const i of changes.clawBack) if (await clawBackTier(trx, campaign, inviterId, i, now)) clawedBack.push(campaign.tiers[i]!.label);
  if ((counted === before && granted.length === 0 && clawedBack.length === 0) || options.tell === false) return 0;
  const where = await trx.selectFrom('campaign_code').select('group_id').where('campaign_id', '=', campaign.id).where('member_id', '=', inviterId).executeTakeFirst();
  const group = where ? await trx.selectFrom('chat_group').select(['id', 'platform', 'workspace_id']).where('id', '=', where.group_id).executeTakeFirst() : undefined;
  if (!group) return 0;
  const text = progressText(campaign.language, { name: inviter.display_name, counted, goal: campaign.goal, before, granted, clawedBack });
  const checked = checkAction({ type: 'send_message', groupId: group.id, text, mentions: [inviterId] });
  if (!checked.ok) return 0;
  return (await enqueueAction(
    trx,
    { workspaceId: group.workspace_id, groupId: group.id, platform: group.platform, key: `${key}:campaign-${campaign.id}-${inviterId}`, rule: CAMPAIGN_RULE, now },
    checked.action,
  ))
    ? 1
    : 0;
}

/**
 * The campaigns' sweep over a workspace (on the scheduler): what ingest could not see
 * as it happened is read back after the fact — a friend's leave from their stay, their
 * first words from the event log — and every inviter of a campaign not yet settled is
 * judged again, so a fraud window running out, or a friend who never spoke, moves the
 * count without any event. Each inviter in their own transaction. Returns the outbox
 * rows written.
 */
export async function sweepCampaigns(db: Kysely<Database>, workspaceId: number, now: number, options: { tell?: boolean } = {}): Promise<number> {
  const rows = await db.selectFrom('campaign').selectAll().where('workspace_id', '=', workspaceId).where('starts_at', '<=', now).execute();
  let written = 0;
  for (const row of rows) {
    const campaign = campaignOf(row);
    if (campaign.endsAt !== null && now > campaign.endsAt + (settleHours(campaign) + 1) * 3600_000) continue;
    // Only friends who joined within the longest window (and an hour) can still change by time alone.
    const since = now - (settleHours(campaign) + 1) * 3600_000;
    const found = await backfillReferrals(db, campaign);
    const recent = (await referralsOf(db, campaign.id)).filter((r) => r.joinedAt >= since || found.has(r.inviteeId));
    await refreshFacts(db, campaign, recent);
    const inviters = new Set(recent.map((r) => r.inviterId));
    for (const inviterId of inviters) written += await db.transaction().execute((trx) => reevaluateInviter(trx, campaign, inviterId, now, `campaign-sweep:${now}`, options));
  }
  return written;
}

/**
 * Friends ingest did not see join (a history import, a batch delivered without
 * automations): the memberships that name one of the campaign's codes and have no
 * referral yet. A friend who had an earlier stay in the group is marked returning.
 * Returns the friends recorded.
 */
async function backfillReferrals(db: Kysely<Database>, campaign: Campaign): Promise<Set<number>> {
  const rows = await db
    .selectFrom('membership as ms')
    .innerJoin('campaign_code as c', 'c.code', 'ms.code')
    .select(['ms.member_id', 'ms.group_id', 'ms.joined_at', 'ms.left_at', 'ms.code', 'c.member_id as inviter_id'])
    .where('c.campaign_id', '=', campaign.id)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('campaign_referral as r').select('r.id').where('r.campaign_id', '=', campaign.id).whereRef('r.invitee_member_id', '=', 'ms.member_id'))),
    )
    .orderBy('ms.joined_at')
    .execute();
  const found = new Set<number>();
  for (const r of rows) {
    const earlier = await db.selectFrom('membership').select('id').where('group_id', '=', r.group_id).where('member_id', '=', r.member_id).where('joined_at', '<', r.joined_at).executeTakeFirst();
    const inserted = await db
      .insertInto('campaign_referral')
      .values({
        campaign_id: campaign.id,
        workspace_id: campaign.workspaceId,
        group_id: r.group_id,
        inviter_member_id: r.inviter_id,
        invitee_member_id: r.member_id,
        code: r.code ?? '',
        joined_at: Number(r.joined_at),
        left_at: r.left_at === null ? null : Number(r.left_at),
        spoke_at: null,
        was_member: earlier ? 1 : 0,
      })
      .onConflict((oc) => oc.columns(['campaign_id', 'invitee_member_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) found.add(Number(r.member_id));
  }
  return found;
}

/** Leaves and first words ingest missed (a history import, a batch without automations), from memberships and the event log. */
async function refreshFacts(db: Kysely<Database>, campaign: Campaign, referrals: Awaited<ReturnType<typeof referralsOf>>): Promise<void> {
  for (const r of referrals) {
    if (r.leftAt === null) {
      const stay = await db
        .selectFrom('membership')
        .select(sql<number>`min(left_at)`.as('left_at'))
        .where('group_id', '=', r.groupId)
        .where('member_id', '=', r.inviteeId)
        .where('joined_at', '>=', r.joinedAt)
        .where('left_at', 'is not', null)
        .executeTakeFirst();
      if (stay?.left_at !== null && stay?.left_at !== undefined)
        await db
          .updateTable('campaign_referral')
          .set({ left_at: Number(stay.left_at) })
          .where('id', '=', r.id)
          .where('left_at', 'is', null)
          .execute();
    }
    if (r.spokeAt === null && campaign.speakWithinHours !== null) {
      const words = await db
        .selectFrom('event')
        .select(sql<number>`min(occurred_at)`.as('at'))
        .where('group_id', '=', r.groupId)
        .where('member_id', '=', r.inviteeId)
        .where('kind', '=', 'message')
        .where('occurred_at', '>=', r.joinedAt)
        .executeTakeFirst();
      if (words?.at !== null && words?.at !== undefined)
        await db
          .updateTable('campaign_referral')
          .set({ spoke_at: Number(words.at) })
          .where('id', '=', r.id)
          .where('spoke_at', 'is', null)
          .execute();
    }
  }
}
