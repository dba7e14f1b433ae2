/**
 * The pure rules of coupons: what a coupon is worth, whether a claim may be granted,
 * and what a discount comes to. Money is integer minor units with an ISO 4217
 * currency (1999 CNY minor units is ¥19.99); a percentage is basis points (1500 is
 * 15%). Nothing here touches a float: discounts are computed on bigint.
 */

/** What a coupon takes off: a fixed amount, or a share in basis points. */
export type CouponValue = { kind: 'amount'; amountMinor: number; currency: string } | { kind: 'percent'; basisPoints: number };

/** Why a claim is refused; each answers 409 through the API. */
export type ClaimRefusal = 'out of stock' | 'limit reached' | 'expired';

/** The largest amount a coupon may hold, in minor units (stays exact as a JS number and in a bigint column). */
export const MAX_AMOUNT_MINOR = Number.MAX_SAFE_INTEGER;
/** 100% in basis points. */
export const FULL_BASIS_POINTS = 10_000;
export const MAX_STOCK = 1_000_000;
export const MAX_PER_MEMBER = 1_000;
export const MAX_COUPON_TITLE = 200;
/** A coupon code: letters, digits, dash and underscore, as a member types it. */
export const COUPON_CODE = /^[A-Za-z0-9_-]{3,40}$/;

export class InvalidCouponError extends Error {
  override readonly name = 'InvalidCouponError';
}

/** Checks a value: a positive whole amount with a three-letter currency, or 1..10000 basis points. Throws InvalidCouponError. */
export function checkValue(value: CouponValue): CouponValue {
  if (value.kind === 'amount') {
    if (!Number.isSafeInteger(value.amountMinor) || value.amountMinor <= 0) throw new InvalidCouponError(`an amount is a positive whole number of minor units, not ${value.amountMinor}`);
    if (!/^[A-Z]{3}$/.test(value.currency)) throw new InvalidCouponError(`a currency is three capital letters (ISO 4217), not ${JSON.stringify(value.currency)}`);
    return { kind: 'amount', amountMinor: value.amountMinor, currency: value.currency };
  }
  if (!Number.isInteger(value.basisPoints) || value.basisPoints <= 0 || value.basisPoints > FULL_BASIS_POINTS) {
    throw new InvalidCouponError(`percent off is 1..${FULL_BASIS_POINTS} basis points, not ${value.basisPoints}`);
  }
  return { kind: 'percent', basisPoints: value.basisPoints };
}

/**
 * What the coupon takes off a price, in the price's minor units: a fixed amount (in the
 * same currency, never more than the price), or the price × basis points ÷ 10000
 * rounded down. Example: 15% (1500 bp) off 1999 → 299.
 */
export function discountMinor(value: CouponValue, price: { amountMinor: number; currency: string }): number {
  if (!Number.isSafeInteger(price.amountMinor) || price.amountMinor < 0) throw new InvalidCouponError(`a price is a whole number of minor units, not ${price.amountMinor}`);
  if (value.kind === 'amount') {
    if (value.currency !== price.currency) throw new InvalidCouponError(`a ${value.currency} coupon does not apply to a ${price.currency} price`);
    return Math.min(value.amountMinor, price.amountMinor);
  }
  return Number((BigInt(price.amountMinor) * BigInt(value.basisPoints)) / BigInt(FULL_BASIS_POINTS));
}

/** The coupon's state as a claim sees it. */
export interface ClaimState {
  remaining: number | null;
  expiresAt: number | null;
  perMemberLimit: number;
  /** The member's claims of this coupon so far. */
  memberClaims: number;
}

/** Why a claim at `now` would be refused, or null when it may be granted. Expiry first, then the member's limit, then stock. */
export function claimRefusal(state: ClaimState, now: number): ClaimRefusal | null {
  if (isExpired(state.expiresAt, now)) return 'expired';
  if (state.memberClaims >= state.perMemberLimit) return 'limit reached';
  if (state.remaining !== null && state.remaining <= 0) return 'out of stock';
  return null;
}

/** A coupon expires at its `expiresAt` instant: a claim made then is late. */
export function isExpired(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && expiresAt <= now;
}

/** The value as stored: one of amount+currency or basis points. */
export function valueColumns(value: CouponValue): { amount_minor: number | null; currency: string | null; percent_off_bp: number | null } {
  return value.kind === 'amount' ? { amount_minor: value.amountMinor, currency: value.currency, percent_off_bp: null } : { amount_minor: null, currency: null, percent_off_bp: value.basisPoints };
}

/** The value read back; PostgreSQL hands a bigint over as a string, parsed here as an exact integer. */
export function couponValueOf(row: { amount_minor: number | string | null; currency: string | null; percent_off_bp: number | null }): CouponValue {
  if (row.amount_minor !== null && row.currency !== null) {
    const amountMinor = Number(row.amount_minor);
    if (!Number.isSafeInteger(amountMinor)) throw new InvalidCouponError(`stored amount ${row.amount_minor} is not a safe integer`);
    return { kind: 'amount', amountMinor, currency: row.currency };
  }
  return { kind: 'percent', basisPoints: Number(row.percent_off_bp) };
}
