import type { Kysely, Selectable, Transaction } from 'kysely';
import { newCode } from '../../growth/growth-code.js';
import { isUniqueViolation } from '../../ingest/ingestor.js';
import type { CouponClaimRecord, CouponRecord } from '../../shared/coupon-records.js';
import type { CouponTable, Database } from '../../store/schema.js';
import {
  type ClaimRefusal,
  checkValue,
  claimRefusal,
  type CouponValue,
  COUPON_CODE,
  InvalidCouponError,
  isExpired,
  MAX_COUPON_TITLE,
  MAX_PER_MEMBER,
  MAX_STOCK,
  valueColumns,
  couponValueOf,
} from './coupon-rules.js';

type Db = Kysely<Database> | Transaction<Database>;
type CouponRow = Selectable<CouponTable>;

export class CouponNotFoundError extends Error {
  override readonly name = 'CouponNotFoundError';
  constructor(readonly what: string) {
    super(`no ${what}`);
  }
}

/** A claim or redemption refused for a reason the operator can act on (the API answers 409). */
export class CouponRefusedError extends Error {
  override readonly name = 'CouponRefusedError';
  constructor(readonly reason: ClaimRefusal | 'already redeemed') {
    super(reason);
  }
}

export interface NewCoupon {
  workspaceId: number;
  /** Omitted: a fresh random code. */
  code?: string;
  title: string;
  uses: 'single' | 'multi';
  value: CouponValue;
  /** Units on offer; null: unlimited. */
  stock: number | null;
  perMemberLimit: number;
  expiresAt: number | null;
  createdBy?: string | null;
}

const iso = (t: number | string | null): string | null => (t === null ? null : new Date(Number(t)).toISOString());

function recordOf(row: CouponRow, redeemed: number, now: number): CouponRecord {
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    uses: row.uses === 'single' ? 'single' : 'multi',
    value: couponValueOf(row),
    stock: row.stock === null ? null : Number(row.stock),
    remaining: row.remaining === null ? null : Number(row.remaining),
    claimed: Number(row.claimed),
    redeemed,
    perMemberLimit: Number(row.per_member_limit),
    expiresAt: iso(row.expires_at),
    expired: isExpired(row.expires_at === null ? null : Number(row.expires_at), now),
    createdAt: iso(row.created_at) as string,
  };
}

/** Creates a coupon. Throws InvalidCouponError for a bad value, stock, limit, expiry or a code already in use. */
export async function createCoupon(db: Kysely<Database>, input: NewCoupon, now: number): Promise<CouponRecord> {
  const title = input.title.trim();
  if (title.length === 0 || title.length > MAX_COUPON_TITLE) throw new InvalidCouponError(`a title is 1..${MAX_COUPON_TITLE} characters`);
  const code = input.code ?? newCode();
  if (!COUPON_CODE.test(code)) throw new InvalidCouponError(`a code is 3..40 letters, digits, "-" or "_", not ${JSON.stringify(code)}`);
  if (input.stock !== null && (!Number.isInteger(input.stock) || input.stock < 1 || input.stock > MAX_STOCK)) throw new InvalidCouponError(`stock is 1..${MAX_STOCK}, or unlimited`);
  if (!Number.isInteger(input.perMemberLimit) || input.perMemberLimit < 1 || input.perMemberLimit > MAX_PER_MEMBER) throw new InvalidCouponError(`a per-member limit is 1..${MAX_PER_MEMBER}`);
  if (input.expiresAt !== null && input.expiresAt <= now) throw new InvalidCouponError('the expiry is already past');
  const value = checkValue(input.value);
  try {
    const row = await db
      .insertInto('coupon')
      .values({
        workspace_id: input.workspaceId,
        code,
        title,
        uses: input.uses,
        ...valueColumns(value),
        stock: input.stock,
        remaining: input.stock,
        per_member_limit: input.perMemberLimit,
        expires_at: input.expiresAt,
        created_by: input.createdBy ?? null,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return recordOf(row, 0, now);
  } catch (error) {
    if (isUniqueViolation(error)) throw new InvalidCouponError(`the code ${code} is already in use`);
    throw error;
  }
}

async function redeemedCount(db: Db, couponId: number): Promise<number> {
  const row = await db
    .selectFrom('coupon_claim')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('coupon_id', '=', couponId)
    .where('redeemed_at', 'is not', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

async function rowOf(db: Db, workspaceId: number, id: number): Promise<CouponRow> {
  const row = await db.selectFrom('coupon').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) throw new CouponNotFoundError(`coupon ${id}`);
  return row;
}

/** One coupon of the workspace, with its stock and how many were redeemed. */
export async function getCoupon(db: Db, workspaceId: number, id: number, now: number): Promise<CouponRecord> {
  const row = await rowOf(db, workspaceId, id);
  return recordOf(row, await redeemedCount(db, row.id), now);
}

/** The workspace's coupons, newest first. */
export async function listCoupons(db: Db, workspaceId: number, now: number): Promise<CouponRecord[]> {
  const rows = await db
    .selectFrom('coupon as c')
    .selectAll('c')
    .select((eb) =>
      eb
        .selectFrom('coupon_claim as k')
        .whereRef('k.coupon_id', '=', 'c.id')
        .where('k.redeemed_at', 'is not', null)
        .select((x) => x.fn.countAll<number | string>().as('n'))
        .as('redeemed'),
    )
    .where('c.workspace_id', '=', workspaceId)
    .orderBy('c.id', 'desc')
    .limit(500)
    .execute();
  return rows.map(({ redeemed, ...row }) => recordOf(row, Number(redeemed ?? 0), now));
}

/** A coupon's claims, oldest first; `memberIds` limits them to those members (null: all), `claimId` to one claim. */
export async function listClaims(db: Db, couponId: number, options: { memberIds?: number[] | null; claimId?: number } = {}): Promise<CouponClaimRecord[]> {
  if (options.memberIds && options.memberIds.length === 0) return [];
  let query = db
    .selectFrom('coupon_claim as k')
    .innerJoin('member as m', 'm.id', 'k.member_id')
    .select(['k.id', 'k.coupon_id', 'k.member_id', 'm.display_name', 'k.code', 'k.claimed_at', 'k.redeemed_at', 'k.redeemed_by'])
    .where('k.coupon_id', '=', couponId);
  if (options.memberIds) query = query.where('k.member_id', 'in', options.memberIds);
  if (options.claimId !== undefined) query = query.where('k.id', '=', options.claimId);
  const rows = await query.orderBy('k.id').limit(1000).execute();
  return rows.map((r) => ({
    id: r.id,
    couponId: r.coupon_id,
    member: { id: r.member_id, name: r.display_name },
    code: r.code,
    claimedAt: iso(r.claimed_at) as string,
    redeemedAt: iso(r.redeemed_at),
    redeemedBy: r.redeemed_by,
  }));
}

/** One claim of a coupon; CouponNotFoundError when the coupon has no such claim. */
export async function getClaim(db: Db, couponId: number, claimId: number): Promise<CouponClaimRecord> {
  const [claim] = await listClaims(db, couponId, { claimId });
  if (!claim) throw new CouponNotFoundError(`claim ${claimId} of coupon ${couponId}`);
  return claim;
}

/**
 * Grants one unit of a coupon to a member, or throws CouponRefusedError ('expired',
 * 'limit reached', 'out of stock'). In one transaction: a conditional update takes a
 * unit only while stock is left and the coupon is unexpired (rows affected says
 * whether it did), then the member's claim is numbered and inserted under a unique
 * (coupon, member, number) constraint. On PostgreSQL the update's row lock makes
 * concurrent claimants wait and re-check `remaining`; on SQLite transactions run one
 * at a time. Either way the last unit is granted exactly once, with no application lock.
 */
export async function claimCoupon(db: Kysely<Database>, input: { workspaceId: number; couponId: number; memberId: number; by?: string | null }, now: number): Promise<CouponClaimRecord> {
  const member = await db.selectFrom('member').select('id').where('id', '=', input.memberId).where('workspace_id', '=', input.workspaceId).executeTakeFirst();
  if (!member) throw new CouponNotFoundError(`member ${input.memberId}`);
  const coupon = await rowOf(db, input.workspaceId, input.couponId);
  try {
    const claimId = await db.transaction().execute(async (trx) => {
      const taken = await trx
        .updateTable('coupon')
        .set((eb) => ({ remaining: eb('remaining', '-', 1), claimed: eb('claimed', '+', 1) }))
        .where('id', '=', coupon.id)
        .where((eb) => eb.or([eb('remaining', 'is', null), eb('remaining', '>', 0)]))
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirst();
      const held = await trx
        .selectFrom('coupon_claim')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('coupon_id', '=', coupon.id)
        .where('member_id', '=', input.memberId)
        .executeTakeFirst();
      const memberClaims = Number(held?.n ?? 0);
      if (Number(taken.numUpdatedRows) !== 1) {
        const fresh = await rowOf(trx, input.workspaceId, coupon.id);
        const state = {
          remaining: fresh.remaining === null ? null : Number(fresh.remaining),
          expiresAt: fresh.expires_at === null ? null : Number(fresh.expires_at),
          perMemberLimit: Number(fresh.per_member_limit),
          memberClaims,
        };
        throw new CouponRefusedError(claimRefusal(state, now) ?? 'out of stock');
      }
      if (memberClaims >= Number(coupon.per_member_limit)) throw new CouponRefusedError('limit reached');
      const code = coupon.uses === 'single' ? `${coupon.code}-${newCode()}` : coupon.code;
      const row = await trx
        .insertInto('coupon_claim')
        .values({ coupon_id: coupon.id, member_id: input.memberId, seq: memberClaims + 1, code, claimed_at: now, claimed_by: input.by ?? null, redeemed_at: null, redeemed_by: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    });
    return getClaim(db, coupon.id, claimId);
  } catch (error) {
    // Two claims by one member at once: the second's number is taken, so its limit is.
    if (isUniqueViolation(error)) throw new CouponRefusedError('limit reached');
    throw error;
  }
}

/**
 * Marks a claim redeemed, once: a conditional update on a claim not yet redeemed.
 * Throws CouponRefusedError('already redeemed' or 'expired') or CouponNotFoundError.
 */
export async function redeemClaim(db: Kysely<Database>, input: { workspaceId: number; couponId: number; claimId: number; by?: string | null }, now: number): Promise<CouponClaimRecord> {
  const coupon = await rowOf(db, input.workspaceId, input.couponId);
  const claim = await getClaim(db, coupon.id, input.claimId);
  if (claim.redeemedAt !== null) throw new CouponRefusedError('already redeemed');
  if (isExpired(coupon.expires_at === null ? null : Number(coupon.expires_at), now)) throw new CouponRefusedError('expired');
  const done = await db
    .updateTable('coupon_claim')
    .set({ redeemed_at: now, redeemed_by: input.by ?? null })
    .where('id', '=', claim.id)
    .where('coupon_id', '=', coupon.id)
    .where('redeemed_at', 'is', null)
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw new CouponRefusedError('already redeemed');
  return getClaim(db, coupon.id, claim.id);
}
