import { compactText, normalizeText } from './normalize-text.js';

/**
 * The features a message is judged by, as strings: word tokens (Intl.Segmenter, so
 * Chinese is cut into words), character 1–3-grams over the compacted text (so spaced
 * out, emoji-separated and unsegmented spellings still share features), digit runs
 * folded into their length class (a QQ number is "a long number", not that number),
 * links and contact patterns. Pure.
 */
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Digits replaced by 0 so "加q123456" and "加q654321" share n-grams. */
function foldDigits(s: string): string {
  return s.replace(/\d/g, '0');
}

/** Runs of digits by length: 5–8 (QQ-like), 9–12 (phone-like), longer. */
function digitClass(n: number): string {
  if (n >= 13) return 'long';
  if (n >= 9) return 'phone';
  if (n >= 5) return 'qq';
  return 'short';
}

const LINK = /(https?:\/\/|www\.|t\.me\/|\b[a-z0-9-]+(\.|。|点)(com|cn|net|top|xyz|me|io|org|cc|vip)\b)/u;

export interface MessageFeatures {
  features: string[];
  /** The compact canonical form, for the rules' pattern checks. */
  compact: string;
  normalized: string;
}

export function messageFeatures(text: string, maxChars = 2000): MessageFeatures {
  const normalized = normalizeText(text.length > maxChars ? text.slice(0, maxChars) : text);
  const compact = compactText(normalized);
  const folded = foldDigits(compact);
  const out: string[] = [];
  for (const part of segmenter.segment(normalized)) {
    if (!part.isWordLike) continue;
    const w = part.segment;
    if (/^\d+$/.test(w)) out.push(`n:${digitClass(w.length)}`);
    else out.push(`w:${foldDigits(w)}`);
  }
  const chars = Array.from(folded);
  for (let i = 0; i < chars.length; i++) {
    const a = chars[i] as string;
    if (a.charCodeAt(0) > 0x2e80) out.push(`c:${a}`);
    if (i + 1 < chars.length) {
      const b = `${a}${chars[i + 1]}`;
      out.push(`b:${b}`);
      if (i + 2 < chars.length) out.push(`t:${b}${chars[i + 2]}`);
    }
  }
  for (const run of compact.match(/\d{5,}/g) ?? []) out.push(`d:${digitClass(run.length)}`);
  if (LINK.test(normalized)) out.push('x:link');
  const len = chars.length;
  out.push(`x:len${len < 6 ? 0 : len < 15 ? 1 : len < 40 ? 2 : len < 100 ? 3 : 4}`);
  if (/[a-z]\d|\d[a-z]/.test(compact)) out.push('x:alnum-mix');
  if (normalized !== text.toLowerCase()) out.push('x:disguised');
  return { features: out, compact, normalized };
}
