import { afterEach, describe, expect, it } from 'vitest';
import { createCoupon } from '../src/conversion/coupons/coupon-store.js';
import { countReferrals, inviteTree, judgeReferral, nextChangeAt, progressText, tierChanges, type CountingRules, type ReferralFacts } from '../src/growth/campaigns/campaign-rules.js';
import { campaignProgress, campaignTree, completedMembers, createCampaign, listCampaigns, personalCode, rewardsOf } from '../src/growth/campaigns/campaign-store.js';
import { seedDemoCampaign } from '../src/growth/campaigns/demo-campaign.js';
import { seedDemoGrowth } from '../src/growth/demo-growth.js';
import { InvalidCampaignError } from '../src/growth/campaigns/campaign-rules.js';
import { backends } from './helpers/backends.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-07-10T12:00:00Z');
const rules: CountingRules = { startsAt: T0, endsAt: T0 + 7 * 24 * HOUR, fraudHours: 24, speakWithinHours: null };
const friend = (over: Partial<ReferralFacts> = {}): ReferralFacts => ({ inviterId: 1, inviteeId: 2, joinedAt: T0 + HOUR, leftAt: null, spokeAt: null, wasMember: false, ...over });

describe('campaign counting rules (pure)', () => {
  it('counts a friend at once, not one who leaves within the fraud window, and keeps one who stayed it out', () => {
    expect(judgeReferral(friend(), rules, T0 + 2 * HOUR)).toBe('counted');
    expect(judgeReferral(friend({ leftAt: T0 + 5 * HOUR }), rules, T0 + 6 * HOUR)).toBe('left_early');
    expect(judgeReferral(friend({ leftAt: T0 + 30 * HOUR }), rules, T0 + 31 * HOUR)).toBe('counted');
  });

  it('refuses joins outside the campaign, returning members and the member themself', () => {
    expect(judgeReferral(friend({ joinedAt: T0 - 1 }), rules, T0)).toBe('outside_window');
    expect(judgeReferral(friend({ joinedAt: T0 + 8 * 24 * HOUR }), rules, T0 + 9 * 24 * HOUR)).toBe('outside_window');
    expect(judgeReferral(friend({ wasMember: true }), rules, T0 + 2 * HOUR)).toBe('returning');
    expect(judgeReferral(friend({ inviteeId: 1 }), rules, T0 + 2 * HOUR)).toBe('self');
  });

  it('with "must speak within 12 hours", a friend waits until they speak and never counts if silent', () => {
    const speak = { ...rules, speakWithinHours: 12 };
    expect(judgeReferral(friend(), speak, T0 + 2 * HOUR)).toBe('pending');
    expect(judgeReferral(friend({ spokeAt: T0 + 3 * HOUR }), speak, T0 + 4 * HOUR)).toBe('counted');
    expect(judgeReferral(friend(), speak, T0 + 14 * HOUR)).toBe('silent');
    expect(judgeReferral(friend({ spokeAt: T0 + 20 * HOUR }), speak, T0 + 21 * HOUR)).toBe('silent');
    expect(nextChangeAt(friend(), speak)).toBe(T0 + 25 * HOUR);
    expect(countReferrals([friend(), friend({ inviteeId: 3, spokeAt: T0 + 2 * HOUR }), friend({ inviteeId: 4, leftAt: T0 + 2 * HOUR })], speak, T0 + 3 * HOUR)).toBe(1);
  });

  it('grants every tier reached and claws back the ones the count fell below (the 20 → VIP, 200 → cards ladder)', () => {
    const tiers = [{ threshold: 3 }, { threshold: 20 }, { threshold: 200 }];
    expect(tierChanges(tiers, 2, new Set())).toEqual({ grant: [], clawBack: [] });
    expect(tierChanges(tiers, 20, new Set([0]))).toEqual({ grant: [1], clawBack: [] });
    expect(tierChanges(tiers, 19, new Set([0, 1]))).toEqual({ grant: [], clawBack: [1] });
    expect(tierChanges(tiers, 200, new Set())).toEqual({ grant: [0, 1, 2], clawBack: [] });
  });

  it('tells the member their progress in their language', () => {
    expect(progressText('zh', { name: 'Ann', counted: 2, goal: 3, before: 1, granted: [], clawedBack: [] })).toBe('@Ann 2/3 位好友已加入');
    expect(progressText('en', { name: 'Ann', counted: 2, goal: 3, before: 1, granted: [], clawedBack: [] })).toBe('@Ann 2 of 3 friends joined');
    expect(progressText('en', { name: 'Ann', counted: 3, goal: 3, before: 2, granted: ['VIP group'], clawedBack: [] })).toBe('@Ann 3 of 3 friends joined: task complete! Reward granted: VIP group.');
    expect(progressText('zh', { name: 'Ann', counted: 2, goal: 3, before: 3, granted: [], clawedBack: ['VIP 群'] })).toContain('奖励已收回：VIP 群');
  });

  it('builds the invite tree with depth and each friend’s judgement', () => {
    const named = (r: ReferralFacts, name: string) => ({ ...r, name });
    const roots = inviteTree(
      [
        { memberId: 1, name: 'Ann' },
        { memberId: 2, name: 'Bo' },
        { memberId: 9, name: 'Lone' },
      ],
      [named(friend({ inviterId: 1, inviteeId: 2 }), 'Bo'), named(friend({ inviterId: 2, inviteeId: 3, leftAt: T0 + 2 * HOUR }), 'Cy'), named(friend({ inviterId: 1, inviteeId: 4 }), 'Di')],
      rules,
      T0 + 3 * HOUR,
    );
    expect(roots.map((r) => [r.name, r.depth, r.counted])).toEqual([
      ['Ann', 0, 2],
      ['Lone', 0, 0],
    ]);
    const bo = roots[0]!.children[0]!;
    expect([bo.name, bo.depth, bo.status, bo.children[0]!.name, bo.children[0]!.depth, bo.children[0]!.status]).toEqual(['Bo', 1, 'counted', 'Cy', 2, 'left_early']);
  });
});

describe.each(backends)('fission campaign in the sandbox on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('three friends join through a member’s code: task complete, reward granted, "3/3" told; one leaves within the window: count 2, reward clawed back, told', async () => {
    const made = backend.create();
    const f = await sandboxFixture(made.target, T0);
    cleanups.push(made.cleanup, () => f.runtime.close());
    const db = f.runtime.store.db;
    const main = await f.sandbox.addGroup('Macaron Lovers');
    const vip = await f.sandbox.addGroup('Macaron VIP');
    await f.sandbox.join(main.id, 'ann');
    const coupon = await createCoupon(
      db,
      { workspaceId: f.workspace.id, title: '10 off', uses: 'single', value: { kind: 'amount', amountMinor: 1000, currency: 'CNY' }, stock: 5, perMemberLimit: 1, expiresAt: null },
      T0,
    );

    await expect(
      createCampaign(
        db,
        f.workspace.id,
        { name: 'x', form: 'invite', targets: { groups: [main.id] }, goal: 3, tiers: [{ threshold: 3, label: 'a', reward: { kind: 'coupon', couponId: 999 } }] },
        null,
        T0,
      ),
    ).rejects.toThrow(InvalidCampaignError);
    const campaign = await createCampaign(
      db,
      f.workspace.id,
      {
        name: 'Invite 3',
        form: 'invite',
        targets: { groups: [main.id] },
        goal: 3,
        fraudHours: 24,
        language: 'en',
        tiers: [
          { threshold: 3, label: '10 off coupon', reward: { kind: 'coupon', couponId: coupon.id } },
          { threshold: 50, label: 'VIP group', reward: { kind: 'vip_invite', groupId: vip.id } },
        ],
      },
      'test',
      T0,
    );
    const ann = await db.selectFrom('member').select('id').where('display_name', '=', 'ann').executeTakeFirstOrThrow();
    const { code, groupId } = await personalCode(db, campaign, ann.id, T0);
    expect(groupId).toBe(main.id);
    expect((await personalCode(db, campaign, ann.id, T0)).code).toBe(code);

    const told = (out: { text?: unknown; rule: string | null }[]) => out.filter((o) => o.rule === 'campaign').map((o) => o.text);
    expect(told(await f.sandbox.join(main.id, 'bo', { code, at: T0 + HOUR }))).toEqual(['@ann 1 of 3 friends joined']);
    expect(told(await f.sandbox.join(main.id, 'cy', { code, at: T0 + 2 * HOUR }))).toEqual(['@ann 2 of 3 friends joined']);
    expect(told(await f.sandbox.join(main.id, 'di', { at: T0 + 2 * HOUR }))).toEqual([]);
    expect(told(await f.sandbox.join(main.id, 'ed', { code, at: T0 + 3 * HOUR }))).toEqual(['@ann 3 of 3 friends joined: task complete! Reward granted: 10 off coupon.']);

    let rewards = await rewardsOf(db, campaign.id);
    expect(rewards.map((r) => [r.memberName, r.label, r.clawedBackAt])).toEqual([['ann', '10 off coupon', null]]);
    expect(rewards[0]!.couponCode).toMatch(/-/);
    expect((await completedMembers(db, campaign, T0 + 3 * HOUR)).members.map((m) => m.name)).toEqual(['ann']);

    f.clock.t = T0 + 5 * HOUR;
    expect(told(await f.sandbox.leave(main.id, 'cy', T0 + 5 * HOUR))).toEqual([
      '@ann 2 of 3 friends joined (a friend left early or never spoke, and no longer counts) Reward withdrawn: 10 off coupon.',
    ]);
    rewards = await rewardsOf(db, campaign.id);
    expect([rewards[0]!.clawedBackAt, rewards[0]!.clawbackNote]).toEqual([T0 + 5 * HOUR, 'coupon revoked']);
    expect(await db.selectFrom('coupon_claim').select('id').where('coupon_id', '=', coupon.id).execute()).toEqual([]);
    expect(Number((await db.selectFrom('coupon').select('remaining').where('id', '=', coupon.id).executeTakeFirstOrThrow()).remaining)).toBe(5);
    const progress = await campaignProgress(db, campaign, T0 + 5 * HOUR);
    expect(progress.map((p) => [p.name, p.counted, p.completed, p.statuses])).toEqual([['ann', 2, false, { counted: 2, left_early: 1 }]]);
    const audit = await db.selectFrom('audit_log').select('action').where('action', 'like', 'campaign.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['campaign.reward_granted', 'campaign.reward_clawed_back']);
    const tree = await campaignTree(db, campaign, T0 + 5 * HOUR);
    expect(tree.roots[0]!.children.map((c) => [c.name, c.status])).toEqual([
      ['bo', 'counted'],
      ['cy', 'left_early'],
      ['ed', 'counted'],
    ]);
  });

  it('with "must speak within 2 hours", a friend counts only once they speak: nothing told at the join, "1 of 1" told at their first words; a silent friend never counts', async () => {
    const made = backend.create();
    const f = await sandboxFixture(made.target, T0);
    cleanups.push(made.cleanup, () => f.runtime.close());
    const db = f.runtime.store.db;
    const group = await f.sandbox.addGroup('Tea');
    await f.sandbox.join(group.id, 'ann');
    const campaign = await createCampaign(
      db,
      f.workspace.id,
      { name: 'Speak up', form: 'poster', targets: { groups: [group.id] }, goal: 1, fraudHours: 0, speakWithinHours: 2, language: 'en' },
      null,
      T0,
    );
    const ann = await db.selectFrom('member').select('id').where('display_name', '=', 'ann').executeTakeFirstOrThrow();
    const { code } = await personalCode(db, campaign, ann.id, T0);
    const told = (out: { text?: unknown; rule: string | null }[]) => out.filter((o) => o.rule === 'campaign').map((o) => o.text);
    expect(told(await f.sandbox.join(group.id, 'bo', { code, at: T0 + HOUR }))).toEqual([]);
    expect(told(await f.sandbox.join(group.id, 'cy', { code, at: T0 + HOUR }))).toEqual([]);
    expect(told(await f.sandbox.say(group.id, 'bo', 'hello all', T0 + 2 * HOUR))).toEqual(['@ann 1 of 1 friends joined: task complete!']);
    f.clock.t = T0 + 4 * HOUR;
    expect((await campaignProgress(db, campaign, f.clock.t))[0]!.statuses).toEqual({ counted: 1, silent: 1 });
  });
});

describe("the demo's campaign", () => {
  it('is running with a tree four levels deep, read back by the sweep from memberships and the event log: early leavers and the silent not counted, one friend still waiting to speak, rewards granted by tier', async () => {
    const made = backends[0]!.create();
    const f = await sandboxFixture(made.target, T0);
    try {
      await seedDemoGrowth(f.runtime, f.workspace.id, T0);
      await seedDemoCampaign(f.runtime, f.workspace.id, T0);
      const db = f.runtime.store.db;
      const [campaign] = await listCampaigns(db, f.workspace.id, T0);
      expect([campaign!.running, campaign!.participants, campaign!.friends]).toEqual([true, 8, 21]);
      const progress = await campaignProgress(db, campaign!, T0);
      expect(progress.slice(0, 3).map((p) => [p.name, p.counted, p.friends, p.completed, p.statuses])).toEqual([
        ['周小满 Zhou', 5, 7, true, { counted: 5, left_early: 1, silent: 1 }],
        ['林夏 Lin', 3, 4, true, { counted: 3, pending: 1 }],
        ['Mia Wu', 3, 3, true, { counted: 3 }],
      ]);
      expect((await campaignTree(db, campaign!, T0)).depth).toBe(3);
      const rewards = await rewardsOf(db, campaign!.id);
      expect(rewards.filter((r) => r.memberName === '周小满 Zhou').map((r) => [r.label, r.code !== null])).toEqual([
        ['手账贴纸包 · Sticker pack', false],
        ['VIP 会员群 · VIP group', true],
      ]);
      expect(await db.selectFrom('outbox').select('id').where('action', 'like', '%"rule":"campaign"%').execute()).toEqual([]);
    } finally {
      await f.runtime.close();
      await made.cleanup();
    }
  });
});
