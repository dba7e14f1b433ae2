import { afterEach, describe, expect, it } from 'vitest';
import { checkValue, claimRefusal, discountMinor, InvalidCouponError } from '../src/conversion/coupons/coupon-rules.js';
import { claimCoupon, CouponRefusedError, createCoupon, getCoupon, listClaims, redeemClaim } from '../src/conversion/coupons/coupon-store.js';
import { openStore, type Store } from '../src/store/database.js';
import { backends } from './helpers/backends.js';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const HOUR = 3_600_000;

describe('coupon rules (pure)', () => {
  it('takes integer minor units off a price: a fixed amount in its currency, or basis points rounded down', () => {
    expect(discountMinor({ kind: 'amount', amountMinor: 500, currency: 'CNY' }, { amountMinor: 1999, currency: 'CNY' })).toBe(500);
    expect(discountMinor({ kind: 'amount', amountMinor: 5000, currency: 'CNY' }, { amountMinor: 1999, currency: 'CNY' })).toBe(1999);
    expect(discountMinor({ kind: 'percent', basisPoints: 1500 }, { amountMinor: 1999, currency: 'CNY' })).toBe(299);
    expect(discountMinor({ kind: 'percent', basisPoints: 10_000 }, { amountMinor: 1999, currency: 'CNY' })).toBe(1999);
    // Exact at the edge of safe integers, where a float product would round.
    expect(discountMinor({ kind: 'percent', basisPoints: 3333 }, { amountMinor: 9_007_199_254_740_991, currency: 'CNY' })).toBe(Number((9_007_199_254_740_991n * 3333n) / 10_000n));
    expect(() => discountMinor({ kind: 'amount', amountMinor: 500, currency: 'CNY' }, { amountMinor: 1999, currency: 'USD' })).toThrow(InvalidCouponError);
  });

  it('refuses float amounts, bad currencies and percentages outside 1..10000 basis points', () => {
    expect(() => checkValue({ kind: 'amount', amountMinor: 19.99, currency: 'CNY' })).toThrow(/whole number/);
    expect(() => checkValue({ kind: 'amount', amountMinor: 0, currency: 'CNY' })).toThrow(InvalidCouponError);
    expect(() => checkValue({ kind: 'amount', amountMinor: 100, currency: 'yuan' })).toThrow(/currency/);
    expect(() => checkValue({ kind: 'percent', basisPoints: 12.5 })).toThrow(/basis points/);
    expect(() => checkValue({ kind: 'percent', basisPoints: 10_001 })).toThrow(/basis points/);
    expect(checkValue({ kind: 'amount', amountMinor: 1999, currency: 'CNY' })).toEqual({ kind: 'amount', amountMinor: 1999, currency: 'CNY' });
  });

  it('says why a claim is refused: expired first, then the member limit, then stock', () => {
    const open = { remaining: 3, expiresAt: T0 + HOUR, perMemberLimit: 1, memberClaims: 0 };
    expect(claimRefusal(open, T0)).toBeNull();
    expect(claimRefusal({ ...open, remaining: null }, T0)).toBeNull();
    expect(claimRefusal(open, T0 + HOUR)).toBe('expired');
    expect(claimRefusal({ ...open, memberClaims: 1, remaining: 0 }, T0)).toBe('limit reached');
    expect(claimRefusal({ ...open, remaining: 0 }, T0)).toBe('out of stock');
  });
});

describe.each(backends)('coupon claims on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function world(members: number) {
    const made = backend.create();
    const store = await openStore(made.target);
    cleanups.push(made.cleanup, () => store.close());
    const { db } = store;
    const workspace = await db.insertInto('workspace').values({ slug: 'shop', name: 'Shop', created_at: T0 }).returning('id').executeTakeFirstOrThrow();
    const ids: number[] = [];
    for (let i = 0; i < members; i++) {
      ids.push(
        (
          await db
            .insertInto('member')
            .values({ workspace_id: workspace.id, display_name: `m${i}`, is_bot: 0, first_seen_at: T0, erased_at: null })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id,
      );
    }
    return { made, store, db, workspaceId: workspace.id, members: ids };
  }

  /** 50 members claim at once; on PostgreSQL through two stores with their own pools, as two workers would. */
  async function race(stock: number) {
    const w = await world(50);
    const second: Store = backend.name === 'postgres' ? await openStore(w.made.target, { migrate: false }) : w.store;
    if (second !== w.store) cleanups.push(() => second.close());
    const coupon = await createCoupon(
      w.db,
      { workspaceId: w.workspaceId, title: 'Launch', uses: 'single', value: { kind: 'amount', amountMinor: 1999, currency: 'CNY' }, stock, perMemberLimit: 1, expiresAt: null },
      T0,
    );
    const outcomes = await Promise.allSettled(w.members.map((memberId, i) => claimCoupon((i % 2 ? second : w.store).db, { workspaceId: w.workspaceId, couponId: coupon.id, memberId }, T0)));
    const granted = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(refused.every((e) => e instanceof CouponRefusedError && e.reason === 'out of stock')).toBe(true);
    const after = await getCoupon(w.db, w.workspaceId, coupon.id, T0);
    const claims = await listClaims(w.db, coupon.id);
    return { granted: granted.length, refused: refused.length, after, claims };
  }

  it('grants the last unit exactly once when 50 members claim a coupon with stock 1 at once', async () => {
    const r = await race(1);
    expect(r.granted).toBe(1);
    expect(r.refused).toBe(49);
    expect(r.claims).toHaveLength(1);
    expect(r.after).toMatchObject({ stock: 1, remaining: 0, claimed: 1, value: { kind: 'amount', amountMinor: 1999, currency: 'CNY' } });
  });

  it('grants exactly 10 when 50 members claim a coupon with stock 10 at once, each a distinct member with their own code', async () => {
    const r = await race(10);
    expect(r.granted).toBe(10);
    expect(r.claims).toHaveLength(10);
    expect(new Set(r.claims.map((c) => c.member.id)).size).toBe(10);
    expect(new Set(r.claims.map((c) => c.code)).size).toBe(10);
    expect(r.after).toMatchObject({ remaining: 0, claimed: 10 });
  });

  it('holds a per-member limit even when one member claims many times at once, and refuses after expiry', async () => {
    const w = await world(2);
    const [ann, bo] = w.members as [number, number];
    const coupon = await createCoupon(
      w.db,
      { workspaceId: w.workspaceId, code: 'TEA-15', title: 'Tea 15% off', uses: 'multi', value: { kind: 'percent', basisPoints: 1500 }, stock: null, perMemberLimit: 2, expiresAt: T0 + HOUR },
      T0,
    );
    const burst = await Promise.allSettled(Array.from({ length: 8 }, () => claimCoupon(w.db, { workspaceId: w.workspaceId, couponId: coupon.id, memberId: ann }, T0)));
    expect(burst.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
    expect(burst.flatMap((o) => (o.status === 'rejected' ? [(o.reason as CouponRefusedError).reason] : []))).toEqual(Array(6).fill('limit reached'));
    const claims = await listClaims(w.db, coupon.id);
    expect(claims.map((c) => [c.member.id, c.code])).toEqual([
      [ann, 'TEA-15'],
      [ann, 'TEA-15'],
    ]);
    // Unlimited stock: the count still moves, `remaining` stays unlimited.
    expect(await getCoupon(w.db, w.workspaceId, coupon.id, T0)).toMatchObject({ stock: null, remaining: null, claimed: 2, value: { kind: 'percent', basisPoints: 1500 } });

    await expect(claimCoupon(w.db, { workspaceId: w.workspaceId, couponId: coupon.id, memberId: bo }, T0 + HOUR)).rejects.toMatchObject({ reason: 'expired' });
    await expect(redeemClaim(w.db, { workspaceId: w.workspaceId, couponId: coupon.id, claimId: claims[0]!.id }, T0 + HOUR)).rejects.toMatchObject({ reason: 'expired' });
    expect(await getCoupon(w.db, w.workspaceId, coupon.id, T0 + HOUR)).toMatchObject({ claimed: 2, expired: true });
  });

  it('redeems a claim once, even when redeemed twice at once; stores the amount as the same integer', async () => {
    const w = await world(1);
    const coupon = await createCoupon(
      w.db,
      { workspaceId: w.workspaceId, title: '¥19.99 off', uses: 'single', value: { kind: 'amount', amountMinor: 1999, currency: 'CNY' }, stock: 5, perMemberLimit: 1, expiresAt: null },
      T0,
    );
    const claim = await claimCoupon(w.db, { workspaceId: w.workspaceId, couponId: coupon.id, memberId: w.members[0]!, by: 'desk' }, T0);
    const twice = await Promise.allSettled([0, 1].map(() => redeemClaim(w.db, { workspaceId: w.workspaceId, couponId: coupon.id, claimId: claim.id, by: 'cashier' }, T0 + 1000)));
    expect(twice.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(twice.flatMap((o) => (o.status === 'rejected' ? [(o.reason as CouponRefusedError).reason] : []))).toEqual(['already redeemed']);
    expect(await getCoupon(w.db, w.workspaceId, coupon.id, T0)).toMatchObject({ redeemed: 1, remaining: 4 });
    const stored = await w.db.selectFrom('coupon').select(['amount_minor', 'currency', 'percent_off_bp']).where('id', '=', coupon.id).executeTakeFirstOrThrow();
    expect([String(stored.amount_minor), stored.currency, stored.percent_off_bp]).toEqual(['1999', 'CNY', null]);
    await expect(
      createCoupon(
        w.db,
        { workspaceId: w.workspaceId, title: 'float', uses: 'multi', value: { kind: 'amount', amountMinor: 19.99, currency: 'CNY' }, stock: null, perMemberLimit: 1, expiresAt: null },
        T0,
      ),
    ).rejects.toThrow(InvalidCouponError);
  });
});
