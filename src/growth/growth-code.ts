import { randomBytes } from 'node:crypto';

/**
 * The codes Hearth issues: short, unambiguous (no 0/O, 1/I/L), safe in a URL path
 * (`/j/<code>`) and short enough to be a Telegram invite link's name (32 characters).
 */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 8;

/** A fresh random code. */
export function newCode(random: (size: number) => Uint8Array = randomBytes): string {
  const bytes = random(CODE_LENGTH);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/** Whether a string could be a code Hearth issued (checked before any lookup). */
export function looksLikeCode(value: string): boolean {
  return /^[A-Za-z0-9_-]{4,32}$/.test(value);
}

/** Live codes roll over at 200 members: a WeChat group's QR code stops admitting at 200. */
export const DEFAULT_LIVE_CAPACITY = 200;
/** WeChat group QR codes work for 7 days after they are shown. */
export const WECHAT_QR_LIFETIME_MS = 7 * 24 * 3600_000;
/** Warn this long before a group QR code expires. */
export const QR_WARN_BEFORE_MS = 24 * 3600_000;
/** Tell the operator to create the next group once the current one is this full (of its capacity) and none follows. */
export const NEXT_GROUP_WARN_SHARE = 0.8;

export const CHANNELS = ['bilibili', 'douyin', 'kuaishou', 'zhihu', 'toutiao', 'weibo', 'moments', 'official_account', 'poster', 'peer_group', 'custom'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A code's kind: an invitation code leads to one group; a live code to the current group of a series. */
export type CodeKind = 'invite' | 'live';
