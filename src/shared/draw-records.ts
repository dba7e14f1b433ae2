/**
 * Lucky draws (红包) as GET /api/draws answers them and the dashboard reads them
 * (src/activation/draws, src/server/routes/draw-routes.ts): one definition for both.
 * Amounts are integers: points, or a cash envelope's minor units.
 */

export type DrawLanguage = 'zh' | 'en';

/** An envelope's activity figures (seed 000's "red envelope receiving speed and number of people"). */
export interface ClaimFigures {
  claimants: number;
  claimed: number;
  /** From opening to the last claim, ms; null until every share is claimed. */
  emptiedInMs: number | null;
  /** The median time from opening to a claim, ms; null with no claims. */
  medianClaimMs: number | null;
  /** The largest share's holder (the earliest of equals); null with no claims. */
  luckiest: { memberId: number; name: string; amount: number } | null;
}

export interface DrawClaimView {
  memberId: number;
  name: string;
  amount: number;
  claimedAt: string;
  /** From the envelope's opening, ms. */
  afterMs: number;
}

/** One round of a draw: scheduled until it opens, then open until emptied, expired (the rest refunded) or cancelled. */
export interface EnvelopeView {
  id: number;
  round: number;
  total: number;
  shares: number;
  opensAt: string;
  openedAt: string | null;
  expiresAt: string | null;
  state: 'scheduled' | 'open' | 'emptied' | 'expired' | 'cancelled';
  refunded: number | null;
  figures: ClaimFigures;
  claims: DrawClaimView[];
}

export interface DrawView {
  id: number;
  groupId: number;
  groupName: string;
  title: string;
  denomination: 'points' | 'cash';
  currency: string | null;
  total: number;
  shares: number;
  minimum: number;
  rounds: number;
  roundIntervalMs: number;
  expiresAfterMs: number;
  exclusive: { members: number[] | null; role: string | null } | null;
  words: string[];
  language: DrawLanguage;
  state: 'scheduled' | 'open' | 'done' | 'cancelled';
  createdAt: string;
  createdBy: string | null;
  /** Over every envelope: members who claimed, what they claimed, what was refunded. */
  claimants: number;
  claimed: number;
  refunded: number;
  envelopes: EnvelopeView[];
}
