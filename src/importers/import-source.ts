import { createHash } from 'node:crypto';
import { JsonSyntaxError, type JsonStreamParser, type JsonValue } from './json-stream.js';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { EventInput } from '../core/event.js';

/**
 * What every format reader shares: the items it yields, the context a pass gives
 * it, and the error it throws for a malformed entry.
 */

/** One event read from an export, with where it came from (for error messages). */
export interface ImportItem {
  event: EventInput;
  file: string;
  /** The entry in the file: `message 1234`, `line 88`, `page messages7.html, message 87944`. */
  entry: string;
}

export interface ReadContext {
  /** The zone of times written without a UTC offset ('UTC' unless --tz). */
  readonly tz: string;
  /** 1: the checking pass; 2: the storing pass. Readers yield the same items in both. */
  readonly pass: 1 | 2;
  /** Bytes of input consumed since the last call (for the progress bar). */
  progress(bytes: number): void;
  /** Counts entries that are not imported, by reason ("service: pin_message", "personal chats"). */
  passOver(reason: string, count?: number): void;
  /**
   * Facts the checking pass learns that the storing pass needs before it reaches
   * them in the file (a chat's id written after its messages; whether a channel's
   * rows are in time order). Keyed by the reader.
   */
  readonly memo: Map<string, unknown>;
}

/** A format reader over the files of one `hearth import` call. */
export interface ImportSource {
  readonly files: readonly string[];
  /** Streams the events of every file, in file order; throws ImportError on a malformed entry. */
  read(ctx: ReadContext): AsyncIterable<ImportItem>;
}

/** Longest entry name and reason an ImportError carries: both may quote the file, which may hold megabytes on one line. */
const MAX_ENTRY = 200;
const MAX_REASON = 600;

/** Cuts `text` to `max` characters (never inside a surrogate pair), saying how much was left out. */
function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = /[\ud800-\udbff]/.test(text[max - 1]!) ? max - 1 : max;
  return `${text.slice(0, cut)}… (${text.length - cut} more characters)`;
}

/** A malformed input: which file, which entry, what is wrong. Entry and reason are kept short. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  readonly entry: string | null;
  readonly reason: string;
  constructor(
    readonly file: string,
    entry: string | null,
    reason: string,
  ) {
    const e = entry === null ? null : bounded(entry, MAX_ENTRY);
    const r = bounded(reason, MAX_REASON);
    super(`${file}${e ? ` (${e})` : ''}: ${r}`);
    this.entry = e;
    this.reason = r;
  }
}

/**
 * A file's text, chunk by chunk, decoded as strict UTF-8 (a byte sequence that is
 * not UTF-8 fails rather than becoming U+FFFD), without a BOM. `where` names the
 * entry the reader has reached, for the error.
 */
export async function* readTextChunks(file: string, progress: (bytes: number) => void, where: () => string | null = () => null, chunkBytes = 1 << 18): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let offset = 0;
  const stream = createReadStream(file, { highWaterMark: chunkBytes });
  const entry = (fallback: string) => {
    const w = where();
    return w ? `${w}, near byte ${offset}` : fallback;
  };
  let carry: Buffer = Buffer.alloc(0);
  for await (const buffer of stream as AsyncIterable<Buffer>) {
    let text: string;
    try {
      text = decoder.decode(buffer, { stream: true });
    } catch {
      // Hand the reader the text up to the bad byte, so that the error names the entry it is in.
      const joined = Buffer.concat([carry, buffer]);
      const good = validPrefix(joined);
      const before = new TextDecoder('utf-8', { ignoreBOM: offset > 0 }).decode(joined.subarray(0, good), { stream: true });
      offset += good - carry.length;
      if (before) yield before;
      throw new ImportError(file, entry(`near byte ${offset}`), 'the file is not valid UTF-8 text (corrupted, or not saved as UTF-8)');
    }
    carry = buffer.subarray(buffer.length - incompleteTail(buffer));
    offset += buffer.length;
    progress(buffer.length);
    if (text) yield text;
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw new ImportError(file, entry(`at byte ${offset}`), 'the file ends inside a UTF-8 character (truncated?)');
  }
  if (rest) yield rest;
}

/** The longest prefix of `bytes` that is UTF-8 (possibly ending inside a character). */
function validPrefix(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

/** How many bytes at the end of `bytes` start a character that continues in the next chunk. */
function incompleteTail(bytes: Uint8Array): number {
  for (let i = 1; i <= Math.min(3, bytes.length); i++) {
    const b = bytes[bytes.length - i]!;
    if ((b & 0xc0) === 0x80) continue;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > i ? i : 0;
  }
  return 0;
}

/**
 * A person known only by display name (HTML exports, invite lists): an id scoped
 * to the chat, so two chats' "Deleted Account"s stay apart. Long names are hashed
 * to fit the 200-character id.
 */
export function nameId(scope: string, name: string): string {
  const id = `name:${scope}:${name}`;
  return id.length <= 200 ? id : `name:${scope}:#${shortHash(name)}`;
}

/** 16 hex characters of SHA-1: stable short keys for titles and fingerprints. */
export function shortHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 16);
}

/** Clips text to the Event model's limit (65,536 characters). */
export function clipText(text: string): string {
  return text.length <= 65536 ? text : text.slice(0, 65536);
}

/** Clips a display name to the Event model's limit. */
export function clipName(name: string | null | undefined): string | undefined {
  if (name === null || name === undefined) return undefined;
  return name.length <= 512 ? name : name.slice(0, 512);
}

/** Whitespace as Python's str.split()/strip() see it (the reference figures are computed in Python). */
const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_RUNS = new RegExp(`[${PY_WS}]+`, 'g');

function isPyWhitespace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    (c >= 0x1c && c <= 0x20) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/**
 * `s.strip()`. A scan from each end, not a `\s+$` regex: that one backtracks over a long
 * run of spaces in the middle of a field, quadratically (a megabyte of spaces hung it).
 */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isPyWhitespace(s.charCodeAt(start))) start++;
  while (end > start && isPyWhitespace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** `" ".join(s.split())` */
export function collapseWhitespace(s: string): string {
  return pyStrip(s).replace(PY_RUNS, ' ');
}

/** The file's name, for messages and entry names. */
export function fileLabel(file: string): string {
  return basename(file);
}

/**
 * Streams a JSON file through a parser whose callbacks push what they find onto
 * `queue`, yielding it as it comes; a syntax error (a truncated file) becomes an
 * ImportError naming the entry `entryOf` makes of the parser's position.
 */
export async function* readJsonFile<T>(
  file: string,
  parser: JsonStreamParser,
  queue: T[],
  ctx: Pick<ReadContext, 'progress'>,
  entryOf: (path: string, capturedId: JsonValue | undefined, line: number) => string,
): AsyncGenerator<T> {
  try {
    const where = () => {
      const p = parser.position();
      return entryOf(p.path, p.capturedId, p.line);
    };
    for await (const chunk of readTextChunks(file, (n) => ctx.progress(n), where)) {
      parser.write(chunk);
      if (queue.length) {
        yield* queue;
        queue.length = 0;
      }
    }
    parser.end();
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new ImportError(file, entryOf(error.path, error.capturedId, error.line), `not valid JSON: ${error.message}`);
    throw error;
  }
}
