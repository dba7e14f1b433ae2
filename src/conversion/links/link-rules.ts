import { CHANNELS, type Channel } from '../../growth/growth-code.js';

/**
 * The pure rules of tracked links and conversions: what a link's target may be (an
 * absolute http or https URL, so `/l/<code>` can never be turned into an open
 * redirect), and what a conversion carries. Money is integer minor units with an
 * ISO 4217 currency (1999 CNY is ¥19.99); nothing here touches a float.
 */

export const MAX_CAMPAIGN = 100;
export const MAX_TARGET_URL = 2000;
export const MAX_CONVERSION_ID = 200;
/** The attribution window when a workspace has not set one. */
export const DEFAULT_WINDOW_DAYS = 30;
export const MAX_WINDOW_DAYS = 365;
export const DAY_MS = 86_400_000;

export class InvalidLinkError extends Error {
  override readonly name = 'InvalidLinkError';
}

/** A target URL as stored: absolute http(s), no user:password part, at most 2000 characters. Throws InvalidLinkError naming the problem. */
export function checkTargetUrl(raw: string): string {
  const value = raw.trim();
  if (value.length === 0) throw new InvalidLinkError('a target URL is required');
  if (value.length > MAX_TARGET_URL) throw new InvalidLinkError(`a target URL is at most ${MAX_TARGET_URL} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidLinkError(`the target ${JSON.stringify(value)} is not an absolute URL (https://…)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidLinkError(`a target URL is http or https, not ${url.protocol.replace(/:$/, '')}`);
  if (url.username || url.password) throw new InvalidLinkError('a target URL carries no user name or password');
  if (!url.hostname) throw new InvalidLinkError('a target URL names a host');
  return url.href;
}

/** A campaign name: 1..100 characters, trimmed. */
export function checkCampaign(raw: string): string {
  const value = raw.trim();
  if (value.length === 0 || value.length > MAX_CAMPAIGN) throw new InvalidLinkError(`a campaign name is 1..${MAX_CAMPAIGN} characters`);
  return value;
}

export function checkChannel(raw: string): Channel {
  if (!(CHANNELS as readonly string[]).includes(raw)) throw new InvalidLinkError(`the channel is one of ${CHANNELS.join(', ')}, not ${JSON.stringify(raw)}`);
  return raw as Channel;
}

export function checkWindowDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_WINDOW_DAYS) throw new InvalidLinkError(`the attribution window is 1..${MAX_WINDOW_DAYS} days, not ${days}`);
  return days;
}

/** Who a conversion names: a member id, or a member's identity on a platform. */
export type ConversionMemberRef = { memberId: number } | { platform: string; externalId: string };

/** A conversion as it arrives (webhook body or CSV row), checked. */
export interface ConversionInput {
  id: string;
  amountMinor: number;
  currency: string;
  member: ConversionMemberRef | null;
  code: string | null;
  /** When it happened (epoch ms); null: when it arrived. */
  at: number | null;
}

/** Checks a conversion's own fields (not whether its member or code exist). Throws InvalidLinkError. */
export function checkConversion(input: ConversionInput): ConversionInput {
  if (input.id.length === 0 || input.id.length > MAX_CONVERSION_ID) throw new InvalidLinkError(`a conversion id is 1..${MAX_CONVERSION_ID} characters`);
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor < 0) throw new InvalidLinkError(`amountMinor is a whole number of minor units (0 or more), not ${input.amountMinor}`);
  if (!/^[A-Z]{3}$/.test(input.currency)) throw new InvalidLinkError(`a currency is three capital letters (ISO 4217), not ${JSON.stringify(input.currency)}`);
  if (input.at !== null && !Number.isSafeInteger(input.at)) throw new InvalidLinkError('"at" is an ISO 8601 time');
  return input;
}

/** A sum of minor units per currency, on bigint (exact however many conversions). */
export function addMoney(sums: Map<string, bigint>, currency: string, amountMinor: number): void {
  sums.set(currency, (sums.get(currency) ?? 0n) + BigInt(amountMinor));
}

/** Sums as the API shows them, by currency: a number while it is exact, else its digits as a string. */
export function moneyList(sums: Map<string, bigint>): { currency: string; amountMinor: number | string }[] {
  return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([currency, v]) => ({ currency, amountMinor: v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString() }));
}
