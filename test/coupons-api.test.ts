import { afterEach, describe, expect, it } from 'vitest';
import { sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const HOUR = 3_600_000;

describe.each(backends)('coupons through the API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('creates a ¥19.99 coupon with stock 2, claims it for members until 409, redeems a claim once; other workspaces see nothing', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const memberId = async (name: string) => (await w.db.selectFrom('member').select('id').where('workspace_id', '=', w.acme.id).where('display_name', '=', name).executeTakeFirstOrThrow()).id;
    const [ann, bo, cy] = [await memberId('ann'), await memberId('bo'), await memberId('cy')];

    // A float amount, a lower-case currency and a past expiry are refused and store nothing.
    expect((await owner.post('/api/coupons', { title: 'Tea', value: { kind: 'amount', amountMinor: 19.99, currency: 'CNY' } })).status).toBe(400);
    expect((await owner.post('/api/coupons', { title: 'Tea', value: { kind: 'amount', amountMinor: 1999, currency: 'cny' } })).status).toBe(400);
    expect((await owner.post('/api/coupons', { title: 'Tea', value: { kind: 'percent', basisPoints: 1500 }, expiresAt: '2020-01-01T00:00:00Z' })).status).toBe(400);
    expect(await w.db.selectFrom('coupon').selectAll().execute()).toEqual([]);

    const created = await owner.post('/api/coupons', { code: 'TEA1999', title: 'Oolong ¥19.99 off', uses: 'single', value: { kind: 'amount', amountMinor: 1999, currency: 'CNY' }, stock: 2 });
    expect(created.status).toBe(201);
    const coupon = (await created.json()) as { id: number; value: unknown; remaining: number };
    expect(coupon).toMatchObject({ code: 'TEA1999', uses: 'single', value: { kind: 'amount', amountMinor: 1999, currency: 'CNY' }, stock: 2, remaining: 2, perMemberLimit: 1, expiresAt: null });
    expect((await owner.post('/api/coupons', { code: 'TEA1999', title: 'again', value: { kind: 'percent', basisPoints: 500 } })).status).toBe(400);

    const first = await owner.post(`/api/coupons/${coupon.id}/claims`, { memberId: ann });
    expect(first.status).toBe(201);
    const claim = (await first.json()) as { id: number; code: string; member: { name: string } };
    expect(claim.member.name).toBe('ann');
    expect(claim.code).toMatch(/^TEA1999-[A-Z0-9]{8}$/);
    const again = await owner.post(`/api/coupons/${coupon.id}/claims`, { memberId: ann });
    expect([again.status, ((await again.json()) as { error: string }).error]).toEqual([409, 'limit reached']);
    expect((await owner.post(`/api/coupons/${coupon.id}/claims`, { memberId: bo })).status).toBe(201);
    const empty = await owner.post(`/api/coupons/${coupon.id}/claims`, { memberId: cy });
    expect([empty.status, ((await empty.json()) as { error: string }).error]).toEqual([409, 'out of stock']);

    const redeemed = await owner.post(`/api/coupons/${coupon.id}/claims/${claim.id}/redeem`);
    expect(redeemed.status).toBe(200);
    expect(((await redeemed.json()) as { redeemedAt: string | null }).redeemedAt).not.toBeNull();
    const twice = await owner.post(`/api/coupons/${coupon.id}/claims/${claim.id}/redeem`);
    expect([twice.status, ((await twice.json()) as { error: string }).error]).toEqual([409, 'already redeemed']);

    const shown = await owner.json(`/api/coupons/${coupon.id}`);
    expect(shown).toMatchObject({ remaining: 0, claimed: 2, redeemed: 1, value: { kind: 'amount', amountMinor: 1999, currency: 'CNY' } });
    expect(shown.claims.map((c: { member: { name: string }; redeemedAt: string | null }) => [c.member.name, c.redeemedAt !== null])).toEqual([
      ['ann', true],
      ['bo', false],
    ]);
    expect((await owner.json('/api/coupons')).coupons.map((c: { code: string; remaining: number }) => [c.code, c.remaining])).toEqual([['TEA1999', 0]]);

    // Zeta cannot see, claim or redeem acme's coupon, nor claim it for its own member.
    const zetaMember = (await w.db.selectFrom('member').select('id').where('workspace_id', '=', w.zeta.id).executeTakeFirstOrThrow()).id;
    expect((await w.zetaClient.get(`/api/coupons/${coupon.id}`)).status).toBe(404);
    expect((await w.zetaClient.post(`/api/coupons/${coupon.id}/claims`, { memberId: zetaMember })).status).toBe(404);
    expect((await w.zetaClient.post(`/api/coupons/${coupon.id}/claims/${claim.id}/redeem`)).status).toBe(404);
    expect((await w.zetaClient.json('/api/coupons')).coupons).toEqual([]);
    const audit = await w.db.selectFrom('audit_log').select('action').where('action', 'like', 'coupon.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['coupon.created', 'coupon.claimed', 'coupon.claimed', 'coupon.redeemed']);
  });

  it('refuses a claim after the coupon expires with 409 "expired", and a member of another workspace with 404', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const ann = (await w.db.selectFrom('member').select('id').where('workspace_id', '=', w.acme.id).where('display_name', '=', 'ann').executeTakeFirstOrThrow()).id;
    const zetaMember = (await w.db.selectFrom('member').select('id').where('workspace_id', '=', w.zeta.id).executeTakeFirstOrThrow()).id;
    const created = await owner.post('/api/coupons', { title: '15% off', value: { kind: 'percent', basisPoints: 1500 }, perMemberLimit: 3, expiresAt: new Date(T0 + HOUR).toISOString() });
    const { id } = (await created.json()) as { id: number };
    expect((await owner.post(`/api/coupons/${id}/claims`, { memberId: zetaMember })).status).toBe(404);
    expect((await owner.post(`/api/coupons/${id}/claims`, { memberId: ann })).status).toBe(201);
    w.clock.t = T0 + HOUR;
    const late = await owner.post(`/api/coupons/${id}/claims`, { memberId: ann });
    expect([late.status, ((await late.json()) as { error: string }).error]).toEqual([409, 'expired']);
    expect(await owner.json(`/api/coupons/${id}`)).toMatchObject({ expired: true, claimed: 1, value: { kind: 'percent', basisPoints: 1500 } });
  });
});
