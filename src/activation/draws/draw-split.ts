/**
 * Pure: how a lucky draw (红包) is split into shares, and the figures read from its claims.
 * Amounts are integers: points, or a cash envelope's minor units (fen, cents).
 */

import type { ClaimFigures, DrawLanguage } from '../../shared/draw-records.js';

export type { ClaimFigures, DrawLanguage } from '../../shared/draw-records.js';

/** The most shares one envelope may hold (a group's envelope, not a lottery). */
export const MAX_SHARES = 1000;
/** The most one envelope may hold, in points or minor units. */
export const MAX_TOTAL = 1_000_000_000;
/** The most rounds (envelopes) one draw releases. */
export const MAX_ROUNDS = 20;

export class InvalidDrawError extends Error {
  override readonly name = 'InvalidDrawError';
}

/** A random number in [0, 1), as Math.random gives; tests pass a seeded one. */
export type Random = () => number;

/** A small seeded generator (mulberry32): the same seed gives the same draws. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Checks an envelope's total, shares and minimum; throws InvalidDrawError naming what is wrong. */
export function checkSplit(total: number, shares: number, minimum: number): void {
  if (!Number.isInteger(total) || total < 1 || total > MAX_TOTAL) throw new InvalidDrawError(`the total is a whole number 1..${MAX_TOTAL}, not ${total}`);
  if (!Number.isInteger(shares) || shares < 1 || shares > MAX_SHARES) throw new InvalidDrawError(`shares are a whole number 1..${MAX_SHARES}, not ${shares}`);
  if (!Number.isInteger(minimum) || minimum < 1) throw new InvalidDrawError(`the minimum share is a whole number of at least 1, not ${minimum}`);
  if (shares * minimum > total) throw new InvalidDrawError(`${shares} shares of at least ${minimum} need a total of ${shares * minimum} or more, not ${total}`);
}

/**
 * The "double mean" split WeChat's lucky envelopes use: each share in turn is the
 * minimum plus a uniform draw between 0 and twice the mean of what is left above the
 * minimums, the last share takes the rest. Every share is at least `minimum`, they sum
 * to `total` exactly, and every position has the same expected amount (grabbing first
 * is no advantage). Throws InvalidDrawError for a split that cannot be made.
 *
 * @example splitEnvelope(100, 3, 1, seededRandom(7)) // e.g. [41, 23, 36]
 */
export function splitEnvelope(total: number, shares: number, minimum: number, random: Random = Math.random): number[] {
  checkSplit(total, shares, minimum);
  const out: number[] = [];
  let surplus = total - shares * minimum;
  for (let left = shares; left > 1; left--) {
    const ceiling = Math.floor((2 * surplus) / left);
    const extra = Math.min(surplus, Math.floor(random() * (ceiling + 1)));
    out.push(minimum + extra);
    surplus -= extra;
  }
  out.push(minimum + surplus);
  return out;
}

/** One claim as the figures read it: when, and how much. */
export interface ClaimPoint {
  memberId: number;
  name: string;
  amount: number;
  claimedAt: number;
}

/** The figures of an envelope opened at `openedAt` with `shares` shares, from its claims. */
export function claimFigures(openedAt: number | null, shares: number, claims: readonly ClaimPoint[]): ClaimFigures {
  const ordered = [...claims].sort((a, b) => a.claimedAt - b.claimedAt);
  const waits = openedAt === null ? [] : ordered.map((c) => Math.max(0, c.claimedAt - openedAt)).sort((a, b) => a - b);
  const mid = waits.length >> 1;
  const median = waits.length === 0 ? null : waits.length % 2 ? waits[mid]! : Math.round((waits[mid - 1]! + waits[mid]!) / 2);
  let luckiest: ClaimFigures['luckiest'] = null;
  for (const c of ordered) if (!luckiest || c.amount > luckiest.amount) luckiest = { memberId: c.memberId, name: c.name, amount: c.amount };
  const last = ordered[ordered.length - 1];
  return {
    claimants: ordered.length,
    claimed: ordered.reduce((sum, c) => sum + c.amount, 0),
    emptiedInMs: openedAt !== null && last && ordered.length >= shares ? Math.max(0, last.claimedAt - openedAt) : null,
    medianClaimMs: median,
    luckiest,
  };
}

/** The words members grab with unless a draw names its own. */
export const DEFAULT_GRAB_WORDS = ['抢', '抢红包', '/grab', 'grab'] as const;

/** A message as compared with grab words: trimmed, lower case, without trailing punctuation. */
export function grabWordOf(text: string | undefined): string | null {
  if (!text || text.length > 40) return null;
  const word = text
    .trim()
    .toLowerCase()
    .replace(/[!！。.~～]+$/u, '');
  return word.length > 0 && word.length <= 20 && !/\s/.test(word) ? word : null;
}

/** Checks a draw's own grab words: 1..10 words of 1..20 characters without spaces. */
export function checkGrabWords(words: readonly string[]): string[] {
  const read = words.map((w) => grabWordOf(w));
  const out = [...new Set(read.filter((w): w is string => w !== null))];
  if (read.includes(null) || out.length === 0 || out.length > 10) throw new InvalidDrawError('grab words are 1..10 words of 1..20 characters, without spaces');
  return out;
}

/** "37 积分" / "37 points"; a cash envelope's minor units as "¥0.37" / "CNY 0.37". */
export function amountText(amount: number, currency: string | null, language: DrawLanguage): string {
  if (currency === null) return language === 'zh' ? `${amount} 积分` : `${amount} point${amount === 1 ? '' : 's'}`;
  const digits = currency === 'JPY' || currency === 'KRW' ? 0 : 2;
  const major = digits === 0 ? String(amount) : `${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, '0')}`;
  return currency === 'CNY' ? `¥${major}` : `${currency} ${major}`;
}

/** Seconds or minutes, as a summary says how fast an envelope went. */
export function durationText(ms: number, language: DrawLanguage): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return language === 'zh' ? `${s} 秒` : `${s} s`;
  const m = Math.round(s / 60);
  return language === 'zh' ? `${m} 分钟` : `${m} min`;
}

/** The texts the draw posts and replies with, in the group's language. */
export const drawTexts = {
  opened: (l: DrawLanguage, title: string, total: string, shares: number, word: string, round: number, rounds: number, exclusive: boolean) =>
    l === 'zh'
      ? `🧧 ${title}${rounds > 1 ? `（第 ${round}/${rounds} 轮）` : ''}：${total}，共 ${shares} 份${exclusive ? '（专属红包）' : ''}，回复「${word}」来抢！`
      : `🧧 ${title}${rounds > 1 ? ` (round ${round}/${rounds})` : ''}: ${total} in ${shares} shares${exclusive ? ' (exclusive)' : ''}. Reply "${word}" to grab one!`,
  got: (l: DrawLanguage, name: string, amount: string) => (l === 'zh' ? `@${name} 你抢到了 ${amount}` : `@${name} You got ${amount}`),
  allClaimed: (l: DrawLanguage, name: string) => (l === 'zh' ? `@${name} 红包已被抢完` : `@${name} All claimed: none is left`),
  already: (l: DrawLanguage, name: string) => (l === 'zh' ? `@${name} 你已经抢过这个红包了` : `@${name} You already grabbed this one`),
  notForYou: (l: DrawLanguage, name: string) => (l === 'zh' ? `@${name} 这是专属红包，你不在名单内` : `@${name} This envelope is exclusive: you are not on its list`),
  emptied: (l: DrawLanguage, title: string, claimants: number, speed: string, luckiest: string, amount: string) =>
    l === 'zh'
      ? `🧧 ${title} 已被抢完：${claimants} 人，用时 ${speed}，手气最佳：${luckiest}（${amount}）`
      : `🧧 ${title} is all claimed: ${claimants} members in ${speed}; luckiest: ${luckiest} (${amount})`,
};
