/**
 * Pure: what a group message says to an open chain sign-up (接龙). Members write
 * "+1", "+2", "+1 ×2 red bean", "接龙 红豆 2份", withdraw with "-1" or "取消", or, the
 * common WeChat form, repost the whole numbered list with their own line added.
 */

/** The most one member may sign up for in one line: a typo ("+100000") is not an order. */
export const MAX_QUANTITY = 999;
/** A note longer than this is cut: it is a line in a list, not a letter. */
export const MAX_NOTE = 200;

export type ChainMessage =
  /** Sign up, or replace one's own line: `quantity` units, with an optional note. */
  | { kind: 'sign'; quantity: number; note: string | null }
  /** Take back `quantity` units, or the whole line (`quantity` null). */
  | { kind: 'withdraw'; quantity: number | null };

/** A numbered line of a reposted list: "3. Ann ×2 red bean", "3、王芳 2份". */
const NUMBERED = /^\s*(\d{1,4})\s*[.、．)）:：]\s*(.+?)\s*$/;
/** "+1", "+ 2", "＋1" at the start, the rest after it. */
const PLUS = /^[+＋]\s*(\d{1,4})?(?![\d])\s*(.*)$/s;
const MINUS = /^[-－]\s*(\d{1,4})?\s*$/;
const CHAIN_WORD = /^(接龙|jielong)\s*[:：]?\s*(.*)$/is;
const CANCEL = /^(取消(接龙|报名)?|退出接龙|撤回|cancel|withdraw)\s*[.!！。]*$/i;
/** A quantity written inside a line: "×2", "x2", "*2", "2份", "2个", "2 boxes"… */
const TIMES = /(?:^|\s)[×xX*✕]\s*(\d{1,4})(?!\d)|(?:^|\s)(\d{1,4})\s*[×xX*✕](?=\s|$)/;
const UNITS = /(\d{1,4})\s*(份|个|件|盒|斤|箱|袋|瓶|张|位|人|只|束|套|杯|kg|pcs|boxes|box|pieces|portions?)(?![a-z])/i;

/** The text without control characters and with runs of spaces made one. */
function tidy(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function quantityOf(value: string | undefined, fallback: number): number | 'bad' {
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= MAX_QUANTITY ? n : 'bad';
}

/**
 * A line's quantity and note: "×2 red bean" → 2, "red bean"; "红豆 3份" → 3, "红豆";
 * "red bean" → `fallback`, "red bean". Null: a quantity outside 1…999.
 */
export function readLine(rest: string, fallback: number): { quantity: number; note: string | null } | null {
  let text = tidy(rest);
  let quantity: number | 'bad' = fallback;
  const times = TIMES.exec(text);
  if (times) {
    quantity = quantityOf(times[1] ?? times[2], fallback);
    text = tidy(text.slice(0, times.index) + text.slice(times.index + times[0].length));
  } else {
    const units = UNITS.exec(text);
    if (units) {
      quantity = quantityOf(units[1], fallback);
      // "2份" says how many; "2 boxes" too, but the unit word stays as part of the order.
      text = tidy(text.slice(0, units.index) + text.slice(units.index + units[0].length));
    }
  }
  if (quantity === 'bad') return null;
  const note = text.replace(/^[,，;；:：、\-–—]+\s*/, '').slice(0, MAX_NOTE);
  return { quantity, note: note === '' ? null : note };
}

/**
 * A one-line chain message: "+1", "+2 芒果", "+1 ×2 red bean", "接龙 红豆 2份", "-1",
 * "取消". Null: anything else, which the chain leaves alone (a "+1" agreeing with a
 * remark is only read while the group has an open chain).
 */
export function parseChainLine(text: string): ChainMessage | null {
  const line = tidy(text);
  if (line === '' || line.length > 300) return null;
  if (CANCEL.test(line)) return { kind: 'withdraw', quantity: null };
  const minus = MINUS.exec(line);
  if (minus) {
    const q = quantityOf(minus[1], 1);
    return q === 'bad' ? null : { kind: 'withdraw', quantity: q };
  }
  const plus = PLUS.exec(line);
  if (plus) {
    const base = quantityOf(plus[1], 1);
    if (base === 'bad') return null;
    const read = readLine(plus[2] ?? '', base);
    return read ? { kind: 'sign', ...read } : null;
  }
  const word = CHAIN_WORD.exec(line);
  if (word) {
    const read = readLine(word[2] ?? '', 1);
    return read ? { kind: 'sign', ...read } : null;
  }
  return null;
}

/** The numbered lines of a message, in order, as (number, text). */
export function numberedLines(text: string): { n: number; text: string }[] {
  const out: { n: number; text: string }[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = NUMBERED.exec(raw);
    if (m) out.push({ n: Number(m[1]), text: tidy(m[2]!) });
  }
  return out;
}

/**
 * The member's own line of a reposted list: a message of several lines, at least two of
 * them numbered, where a member copied the chain and added themselves. Their line is the
 * one that starts with their name; failing that, the numbered line the chain does not
 * already hold (`known`: the lines of the current list, as the bot posts them), the
 * last such. Null: not a reposted list, or no line of the member's in it.
 */
export function parseRepost(text: string, memberName: string, known: readonly string[]): ChainMessage | null {
  if (!text.includes('\n')) return null;
  const lines = numberedLines(text);
  if (lines.length < 2 && !(lines.length === 1 && known.length === 0)) return null;
  const name = tidy(memberName).toLowerCase();
  const knownSet = new Set(known.map((k) => tidy(k).toLowerCase()));
  const own = lines.filter((l) => name !== '' && l.text.toLowerCase().startsWith(name));
  const candidate = own.length > 0 ? own[own.length - 1]! : [...lines].reverse().find((l) => !knownSet.has(l.text.toLowerCase()));
  if (!candidate) return null;
  let rest = candidate.text;
  if (name !== '' && rest.toLowerCase().startsWith(name)) rest = rest.slice(name.length);
  const read = readLine(rest, 1);
  return read ? { kind: 'sign', ...read } : null;
}

/**
 * Whether a message could be meant for a chain: cheap, so ingest asks the database
 * about open chains only for these.
 */
export function mayBeChainMessage(text: string | undefined): boolean {
  if (!text) return false;
  const head = text.trimStart().slice(0, 12);
  if (/^[+＋\-－]/.test(head) || /^(接龙|jielong|取消|退出接龙|撤回|cancel|withdraw)/i.test(head)) return true;
  return text.includes('\n') && numberedLines(text).length >= 1;
}

/** What a message says to the group's chain, the member's name and the list's current lines considered. */
export function readChainMessage(text: string, memberName: string, known: readonly string[]): ChainMessage | null {
  return parseChainLine(text) ?? parseRepost(text, memberName, known);
}
