import { compactText, normalizeText } from '../antispam/normalize-text.js';

/**
 * What a message can break, read from its canonical form (src/antispam's
 * normalisation: full-width digits, circled digits, zero-width and direction marks,
 * look-alike letters), so disguised spellings are caught like plain ones. Pure.
 */
export type Violation = 'spam' | 'flood' | 'repeat' | 'link' | 'qr' | 'contact' | 'keyword' | 'banned_rejoin';

export const VIOLATIONS: readonly Violation[] = ['spam', 'flood', 'repeat', 'link', 'qr', 'contact', 'keyword', 'banned_rejoin'];

/** Digits with at most a few spaces, dashes, dots or brackets between them, "+" first where written: one number as a person reads it. */
const DIGIT_RUN = /\+?\d(?:[\s\-.·_()（）]{0,3}\d)*/gu;
/** A mainland mobile number, optionally after the country code. */
const CN_MOBILE = /^(?:0{0,2}86)?(1[3-9]\d{9})$/;
/** A landline written with its area code set apart: 010-12345678, (0755) 1234 5678. */
const LANDLINE = /^[(（]?0\d{2,3}[)）]?[\s-]+\d{3,4}[\s-]?\d{4}$/u;

/**
 * Phone numbers in a message: mainland mobiles (11 digits from 13–19, with or without
 * +86), landlines with an area code, and international numbers written with "+".
 * Spaced out, dashed, full-width or zero-width-split digits are read as one number;
 * prices, dates, times and counts are not numbers of a phone.
 *
 * @example findPhoneNumbers('call 138 0013 8000') // ['13800138000']
 * @example findPhoneNumbers('¥1999, on 2026-12-03 at 13:45') // []
 */
export function findPhoneNumbers(text: string): string[] {
  const normalized = normalizeText(text);
  const found: string[] = [];
  for (const m of normalized.matchAll(DIGIT_RUN)) {
    const written = m[0];
    const digits = written.replace(/\D/g, '');
    const mobile = CN_MOBILE.exec(digits);
    if (mobile) found.push(mobile[1]!);
    else if (written.startsWith('+') && digits.length >= 8 && digits.length <= 15) found.push(`+${digits}`);
    else if (LANDLINE.test(written.trim())) found.push(digits);
  }
  return found;
}

/** Where a contact id is announced: WeChat in its many spellings, QQ, and the usual elsewhere. */
const WECHAT_WORD = '(?:微信号?|威信|薇信|徽信|卫星号|v信|weixin|wechat|vx|wx|加v|\\+v|vx号)';
const QQ_WORD = '(?:qq号?|扣扣|企鹅号?|加q|\\+q)';
/** After the word: an optional "is / number / id / :" (gone in compact text, so the words stay). */
const JOIN = '(?:号|是|为|id|is|:)?';
/** A WeChat id: a letter, then 5–19 letters, digits, `_` or `-`, with a digit somewhere (so "wechat group" is no id); or a number. */
// The look-ahead for the digit is bounded by the id's own length, so a long run of letters is read once, not once per letter.
const WECHAT_ID = new RegExp(`${WECHAT_WORD}${JOIN}((?=[a-z_-]{0,19}\\d)[a-z][a-z0-9_-]{5,19}|\\d{5,12})`, 'u');
const QQ_ID = new RegExp(`${QQ_WORD}${JOIN}(\\d{5,12})`, 'u');
/** An invitation to take it private: "add me", "加我" (not "加我们", join us), "私聊我", "dm me". */
const ADD_ME = /加我(?!们)|私聊我|私信我|私我|滴滴我|加好友|addme|dmme|pmme|messageme|contactmeon|whatsappme/u;

/**
 * Contact details in a message, as reasons: `phone-number`, `wechat-id`, `qq-number`,
 * `add-me`. Read from the message with everything but letters, digits, `_` and `-`
 * removed, so "微 信：l i l y _ 2 0 2 4" and "ｖｘ１２３４５６" are ids as well.
 *
 * @example findContactDetails('加我微信 lily_2024') // ['wechat-id', 'add-me']
 */
export function findContactDetails(text: string): string[] {
  const normalized = normalizeText(text);
  const squeezed = normalized.replace(/[^\p{L}\p{N}_:-]+/gu, '');
  const reasons: string[] = [];
  if (findPhoneNumbers(text).length > 0) reasons.push('phone-number');
  if (WECHAT_ID.test(squeezed)) reasons.push('wechat-id');
  if (QQ_ID.test(squeezed)) reasons.push('qq-number');
  if (ADD_ME.test(compactText(normalized))) reasons.push('add-me');
  return reasons;
}

/** Web addresses: a scheme, www., t.me/, or a name (a DNS label: at most 63 characters, which keeps the search linear) with a common ending (dots written as 。 or 点 too). */
const LINK = /https?:\/\/|www\.|t\.me\/|\b[a-z0-9-]{2,63}(?:\.|。|点)(?:com|cn|net|top|xyz|me|io|org|cc|vip|ru|ly|gg|link|shop|site)(?![a-z])/u;
/** A caption telling members to scan the picture. */
const QR_HINT = /二维码|扫码|扫一扫|扫描|qr|scan/u;

/** What kind of media a message carries, as Events name it. */
export type MediaKind = string | undefined;

/**
 * Links and QR codes in a message: `link` for an address in the text (or a link
 * preview), `qr` for a picture whose caption asks to scan it. Hearth sees a
 * picture's kind and caption, not its pixels.
 */
export function findLinks(text: string, media: MediaKind): ('link' | 'qr')[] {
  const normalized = normalizeText(text);
  const found: ('link' | 'qr')[] = [];
  if (media === 'link' || LINK.test(normalized)) found.push('link');
  if (media === 'photo' && QR_HINT.test(normalized)) found.push('qr');
  return found;
}

/**
 * The banned keywords a message contains, compared in canonical compact form (case,
 * width, spacing and invisible characters do not hide one).
 *
 * @example findKeywords('买 代 考 吗', ['代考']) // ['代考']
 */
export function findKeywords(text: string, keywords: readonly string[]): string[] {
  if (keywords.length === 0) return [];
  const compact = compactText(normalizeText(text));
  return keywords.filter((k) => {
    const key = compactText(normalizeText(k));
    return key.length > 0 && compact.includes(key);
  });
}

/** The form two messages are compared in for "the same text again"; null for one too short to say (ok, 好的). */
export function repeatKey(text: string): string | null {
  const key = compactText(normalizeText(text));
  return key.length >= 4 ? key : null;
}

/**
 * Whether the latest of a member's recent messages makes a burst: every `threshold`-th
 * message within the window is one violation (the 8th, the 16th…), not each one after.
 */
export function burstReached(countInWindow: number, threshold: number): boolean {
  return countInWindow >= threshold && (countInWindow - threshold) % threshold === 0;
}
