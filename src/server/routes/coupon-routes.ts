import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, groupFilter, type WorkspaceAccess } from '../../auth/principal.js';
import type { Permission } from '../../auth/roles.js';
import { COUPON_CODE, FULL_BASIS_POINTS, InvalidCouponError, MAX_AMOUNT_MINOR, MAX_COUPON_TITLE, MAX_PER_MEMBER, MAX_STOCK } from '../../conversion/coupons/coupon-rules.js';
import { claimCoupon, CouponNotFoundError, CouponRefusedError, createCoupon, getCoupon, listClaims, listCoupons, redeemClaim } from '../../conversion/coupons/coupon-store.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const valueBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('amount'), amountMinor: z.number().int().min(1).max(MAX_AMOUNT_MINOR), currency: z.string().regex(/^[A-Z]{3}$/) }).strict(),
  z.object({ kind: z.literal('percent'), basisPoints: z.number().int().min(1).max(FULL_BASIS_POINTS) }).strict(),
]);

const createBody = z
  .object({
    workspace: z.string().optional(),
    /** Omitted: a fresh random code. */
    code: z.string().regex(COUPON_CODE).optional(),
    title: z.string().trim().min(1).max(MAX_COUPON_TITLE),
    uses: z.enum(['single', 'multi']).default('multi'),
    /** Integer minor units with a currency, or basis points (1500 = 15%); never a float. */
    value: valueBody,
    stock: z.number().int().min(1).max(MAX_STOCK).nullable().optional(),
    perMemberLimit: z.number().int().min(1).max(MAX_PER_MEMBER).default(1),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict();

const claimBody = z.object({ memberId: z.number().int().positive() }).strict();

/** The members a group-limited caller reaches: those in one of their groups (null: every member). */
async function reachableMembers(deps: ServerDeps, access: WorkspaceAccess, memberIds?: number[]): Promise<number[] | null> {
  const groups = groupFilter(access);
  if (groups === null) return null;
  if (groups.length === 0) return [];
  let query = deps.runtime.store.db.selectFrom('membership').select('member_id').distinct().where('group_id', 'in', groups);
  if (memberIds) query = query.where('member_id', 'in', memberIds);
  return (await query.execute()).map((r) => r.member_id);
}

/**
 * Coupons and offers: create one (a fixed amount in minor units with a currency, or
 * basis points off; stock, a per-member limit, an expiry), list and show them with their
 * claims, claim one for a member (409 "out of stock", "limit reached" or "expired"), and
 * redeem a claim once. Coupons belong to the workspace; a group-limited caller sees and
 * claims for the members of their groups only. Every change is audit-logged.
 */
export function couponRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  /** A coupon the caller may see (404 otherwise), with the permission checked (403). */
  const couponOf = async (c: Context<AuthEnv>, permission: Permission) => {
    const id = intParam(c.req.param('id'), 'coupon id');
    const row = await db.selectFrom('coupon').select(['workspace_id']).where('id', '=', id).executeTakeFirst();
    const access = row ? c.var.principal.workspaces.get(row.workspace_id) : undefined;
    if (!row || !access) throw new HTTPException(404, { message: `no coupon ${id}` });
    if (!access.permissions.has(permission)) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) lacks the ${permission} permission` });
    return { id, access, workspaceId: row.workspace_id };
  };
  const refused = (error: unknown): never => {
    if (error instanceof InvalidCouponError) throw new HTTPException(400, { message: error.message });
    if (error instanceof CouponNotFoundError) throw new HTTPException(404, { message: error.message });
    if (error instanceof CouponRefusedError) throw new HTTPException(409, { message: error.reason });
    throw error;
  };

  app.get('/coupons', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    return c.json({ coupons: await listCoupons(db, access.workspace.id, deps.clock()) });
  });

  app.post('/coupons', authorize('act'), async (c) => {
    const body = await readJson(c, createBody);
    const access = workspaceAccess(c.var.principal, body.workspace, 'act');
    const now = deps.clock();
    const actor = actorOf(c.var.principal);
    const coupon = await createCoupon(
      db,
      {
        workspaceId: access.workspace.id,
        ...(body.code ? { code: body.code } : {}),
        title: body.title,
        uses: body.uses,
        value: body.value,
        stock: body.stock ?? null,
        perMemberLimit: body.perMemberLimit,
        expiresAt: body.expiresAt ? Date.parse(body.expiresAt) : null,
        createdBy: actor.label,
      },
      now,
    ).catch(refused);
    await recordAudit(
      db,
      { workspaceId: access.workspace.id, actor, action: 'coupon.created', target: { kind: 'coupon', id: coupon.id }, detail: { code: coupon.code, value: coupon.value, stock: coupon.stock } },
      now,
    );
    return c.json(coupon, 201);
  });

  app.get('/coupons/:id', authorize('read'), async (c) => {
    const coupon = await couponOf(c, 'read');
    const shown = await getCoupon(db, coupon.workspaceId, coupon.id, deps.clock()).catch(refused);
    return c.json({ ...shown, claims: await listClaims(db, coupon.id, { memberIds: await reachableMembers(deps, coupon.access) }) });
  });

  app.post('/coupons/:id/claims', authorize('act'), async (c) => {
    const coupon = await couponOf(c, 'act');
    const body = await readJson(c, claimBody);
    const reachable = await reachableMembers(deps, coupon.access, [body.memberId]);
    if (reachable !== null && reachable.length === 0) throw new HTTPException(404, { message: `no member ${body.memberId}` });
    const now = deps.clock();
    const actor = actorOf(c.var.principal);
    const claim = await claimCoupon(db, { workspaceId: coupon.workspaceId, couponId: coupon.id, memberId: body.memberId, by: actor.label }, now).catch(refused);
    await recordAudit(db, { workspaceId: coupon.workspaceId, actor, action: 'coupon.claimed', target: { kind: 'coupon', id: coupon.id }, detail: { claimId: claim.id, memberId: body.memberId } }, now);
    return c.json(claim, 201);
  });

  app.post('/coupons/:id/claims/:claimId/redeem', authorize('act'), async (c) => {
    const coupon = await couponOf(c, 'act');
    const claimId = intParam(c.req.param('claimId'), 'claim id');
    const visible = await listClaims(db, coupon.id, { claimId, memberIds: await reachableMembers(deps, coupon.access) });
    if (visible.length === 0) throw new HTTPException(404, { message: `no claim ${claimId} of coupon ${coupon.id}` });
    const now = deps.clock();
    const actor = actorOf(c.var.principal);
    const claim = await redeemClaim(db, { workspaceId: coupon.workspaceId, couponId: coupon.id, claimId, by: actor.label }, now).catch(refused);
    await recordAudit(db, { workspaceId: coupon.workspaceId, actor, action: 'coupon.redeemed', target: { kind: 'coupon', id: coupon.id }, detail: { claimId, memberId: claim.member.id } }, now);
    return c.json(claim);
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const couponRouteDocs: RouteDocs = {
  tag: 'coupons',
  routes: [
    { method: 'get', path: '/coupons', summary: 'A workspace’s coupons and offers with their stock', access: 'read', query: z.object({ workspace: z.string().optional() }) },
    { method: 'post', path: '/coupons', summary: 'Create a coupon: an amount in minor units with a currency, or basis points off', access: 'act', body: createBody },
    { method: 'get', path: '/coupons/:id', summary: 'One coupon with its claims', access: 'read' },
    { method: 'post', path: '/coupons/:id/claims', summary: 'Claim a unit for a member (409: out of stock, limit reached, expired)', access: 'act', body: claimBody },
    { method: 'post', path: '/coupons/:id/claims/:claimId/redeem', summary: 'Redeem a claim, once (409: already redeemed, expired)', access: 'act' },
  ],
};
