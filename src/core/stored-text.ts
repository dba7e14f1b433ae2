/**
 * Text Hearth stores must come back from either backend exactly as it went in.
 * Two kinds of JavaScript string do not:
 * - U+0000: PostgreSQL's `text` cannot hold it (the insert fails);
 * - a lone surrogate (half of a UTF-16 pair, e.g. from a JSON `"\ud800"` escape): both
 *   drivers write UTF-8, which cannot encode it, and store U+FFFD instead, so two
 *   different ids would become one row while Hearth still told them apart.
 * So at the edges, free text (messages, names, titles) is made storable — U+0000
 * removed, a lone surrogate replaced by U+FFFD, as the store would — and identifiers
 * and request fields that are not storable are refused with a reason.
 */

const NUL = '\u0000';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** Cheap first look: most text has neither U+0000 nor any surrogate (emoji have pairs). */
const SUSPECT = /[\u0000\ud800-\udfff]/;

/** Whether a string is stored and read back unchanged on both backends. */
export function isStorable(value: string): boolean {
  if (!SUSPECT.test(value)) return true;
  return !value.includes(NUL) && !LONE_SURROGATE.test(value);
}

/** The string as it can be stored: without U+0000, lone surrogates replaced by U+FFFD. */
export function toStorable(value: string): string {
  if (isStorable(value)) return value;
  return value.replaceAll(NUL, '').replace(LONE_SURROGATES, '\ufffd');
}

/** What a refusal says. */
export const NOT_STORABLE = 'must be well-formed text (no U+0000 character, no lone UTF-16 surrogate)';

/**
 * Where in a parsed JSON value a string (a key or a value) is not storable, as a
 * dotted path (`member`, `items.3.name`, `(body)`), or null. Iterative: a body nested
 * a hundred thousand deep does not overflow the stack.
 */
export function unstorablePath(value: unknown): string | null {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (!isStorable(v)) return path || '(body)';
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: path ? `${path}.${i}` : String(i) });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        const at = path ? `${path}.${toStorable(k)}` : toStorable(k);
        if (!isStorable(k)) return at;
        stack.push({ value: inner, path: at });
      }
    }
  }
  return null;
}
