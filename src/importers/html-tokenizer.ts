/**
 * A streaming HTML tokenizer: start tags (with attributes), end tags and text, fed
 * chunk by chunk, with the line each tag starts on. Enough for machine-written
 * pages such as Telegram Desktop's export; it does not build a tree.
 */

export interface HtmlHandler {
  openTag(name: string, attrs: Record<string, string>, line: number): void;
  closeTag(name: string, line: number): void;
  /** Raw text between tags (entities not decoded); one run of text may come in pieces. */
  text(raw: string): void;
}

export class HtmlSyntaxError extends Error {
  override readonly name = 'HtmlSyntaxError';
  constructor(
    readonly reason: string,
    readonly line: number,
  ) {
    super(`${reason} at line ${line}`);
  }
}

const RAW_TEXT = new Set(['script', 'style']);
const ATTR = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

export class HtmlTokenizer {
  #buf = '';
  #line = 1;
  #rawUntil: string | null = null;
  /** Where the next newline is in the buffer being drained (its length when there is none); -1: not looked for yet. */
  #nextNewline = -1;

  constructor(private readonly handler: HtmlHandler) {}

  write(chunk: string): void {
    this.#buf += chunk;
    this.#drain(false);
  }

  /** Call after the last chunk: fails when the input stops inside a tag or comment. */
  end(): void {
    this.#drain(true);
    if (this.#buf.length) throw new HtmlSyntaxError(`the file ends inside a tag or comment (${JSON.stringify(this.#buf.slice(0, 40))}…)`, this.#line);
  }

  /** The line the tokenizer has reached. */
  get line(): number {
    return this.#line;
  }

  #drain(final: boolean): void {
    const s = this.#buf;
    let pos = 0;
    const n = s.length;
    this.#nextNewline = -1;
    while (pos < n) {
      if (this.#rawUntil) {
        const closeTag = new RegExp(`</${this.#rawUntil}`, 'ig');
        closeTag.lastIndex = pos;
        const close = closeTag.exec(s)?.index ?? -1;
        if (close < 0) break;
        this.#advance(s, pos, close);
        pos = close;
        this.#rawUntil = null;
        continue;
      }
      const lt = s.indexOf('<', pos);
      if (lt < 0) {
        this.handler.text(s.slice(pos));
        this.#advance(s, pos, n);
        pos = n;
        break;
      }
      if (lt > pos) {
        this.handler.text(s.slice(pos, lt));
        this.#advance(s, pos, lt);
        pos = lt;
      }
      // s[pos] === '<'
      if (pos + 1 >= n) break;
      const next = s[pos + 1]!;
      if (s.startsWith('<!--', pos) || (next === '!' && pos + 4 > n)) {
        const end = s.indexOf('-->', pos + 4);
        if (end < 0) break;
        this.#advance(s, pos, end + 3);
        pos = end + 3;
        continue;
      }
      if (next === '!' || next === '?') {
        const end = s.indexOf('>', pos);
        if (end < 0) break;
        this.#advance(s, pos, end + 1);
        pos = end + 1;
        continue;
      }
      const closing = next === '/';
      const nameStart = closing ? pos + 2 : pos + 1;
      if (nameStart >= n) break;
      const first = s.charCodeAt(nameStart) | 0x20;
      if (first < 97 || first > 122) {
        // A lone '<' in text.
        this.handler.text('<');
        pos++;
        continue;
      }
      const end = tagEnd(s, nameStart);
      if (end < 0) break;
      const body = s.slice(nameStart, end);
      const line = this.#line;
      const m = /^[^\s/>]+/.exec(body)!;
      const name = m[0].toLowerCase();
      this.#advance(s, pos, end + 1);
      pos = end + 1;
      if (closing) this.handler.closeTag(name, line);
      else {
        const attrs: Record<string, string> = {};
        const rest = body.slice(m[0].length);
        ATTR.lastIndex = 0;
        for (let a = ATTR.exec(rest); a; a = ATTR.exec(rest)) {
          const key = a[1]!.toLowerCase();
          if (!Object.hasOwn(attrs, key)) attrs[key] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '');
        }
        this.handler.openTag(name, attrs, line);
        if (RAW_TEXT.has(name) && !rest.trimEnd().endsWith('/')) this.#rawUntil = name;
      }
    }
    this.#buf = s.slice(pos);
    if (final && this.#rawUntil) throw new HtmlSyntaxError(`the file ends inside <${this.#rawUntil}>`, this.#line);
  }

  /**
   * Counts the lines between `from` and `to`. The next newline found is remembered, so
   * many small tokens on one long line do not each search to its end (quadratic on a
   * page of a million tags and no line break).
   */
  #advance(s: string, from: number, to: number): void {
    let i = this.#nextNewline >= from ? this.#nextNewline : s.indexOf('\n', from);
    if (i < 0) i = s.length;
    while (i < to) {
      this.#line++;
      i = s.indexOf('\n', i + 1);
      if (i < 0) i = s.length;
    }
    this.#nextNewline = i;
  }
}

/** Index of the '>' that ends the tag whose name starts at `from`, honouring quoted attribute values; -1 if not in `s` yet. */
function tagEnd(s: string, from: number): number {
  let quote = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) {
      // A quote opens only as an attribute value (after '=' and optional spaces).
      let j = i - 1;
      while (j >= from && /\s/.test(s[j]!)) j--;
      if (s[j] === '=') quote = c;
    } else if (c === 62) return i;
  }
  return -1;
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  laquo: '«',
  raquo: '»',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  copy: '©',
  reg: '®',
  trade: '™',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  bull: '•',
  middot: '·',
  times: '×',
  deg: '°',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  shy: '\u00ad',
  zwj: '\u200d',
  zwnj: '\u200c',
};

/** Decodes character references: numeric ones and the named ones exporters write. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});?/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || code === 0) return '\ufffd';
      return String.fromCodePoint(code);
    }
    const named = NAMED[ref];
    return named !== undefined && whole.endsWith(';') ? named : whole;
  });
}
