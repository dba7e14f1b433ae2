/**
 * Coupons as the API answers them and the dashboard reads them (src/conversion/coupons,
 * src/server/routes/coupon-routes.ts): one definition for both. Amounts are integer
 * minor units with their currency; percentages are basis points.
 */

/** What a coupon takes off: a fixed amount, or a share in basis points (1500 = 15%). */
export type CouponValueRecord = { kind: 'amount'; amountMinor: number; currency: string } | { kind: 'percent'; basisPoints: number };

export interface CouponRecord {
  id: number;
  code: string;
  title: string;
  /** single: each claim gets its own code, redeemed once; multi: claims carry the coupon's code. */
  uses: 'single' | 'multi';
  value: CouponValueRecord;
  /** Units on offer (null: unlimited) and what is left of them. */
  stock: number | null;
  remaining: number | null;
  claimed: number;
  redeemed: number;
  perMemberLimit: number;
  /** ISO 8601, or null when it never expires. */
  expiresAt: string | null;
  expired: boolean;
  createdAt: string;
}

export interface CouponClaimRecord {
  id: number;
  couponId: number;
  member: { id: number; name: string };
  /** The code the member presents. */
  code: string;
  claimedAt: string;
  redeemedAt: string | null;
  redeemedBy: string | null;
}
