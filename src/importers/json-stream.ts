/**
 * A small push parser for JSON that never holds the whole document: it checks the
 * syntax of everything and builds only the values the handler asks for (e.g. each
 * element of `messages`), handing each one over as soon as it is complete.
 *
 * Written here rather than taken from a package: the grammar is small, and
 * exports need only "give me each element of this array" with a position for
 * errors. Strict JSON (RFC 8259), like Python's json.load.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonPath = readonly (string | number)[];

export interface JsonStreamHandler {
  /**
   * Asked at each value outside a captured one (containers when they open,
   * primitives when they end): true builds it and passes it to `onValue`.
   */
  capture(path: JsonPath): boolean;
  onValue(path: JsonPath, value: JsonValue): void;
  /** A container that was not captured has closed. */
  onClose?(path: JsonPath): void;
}

/** A syntax error, with where it was found. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
    /** The path of the value being read, e.g. `messages[204].text`. */
    readonly path: string,
    /** The `id` of the captured object being read, when it was already read. */
    readonly capturedId: JsonValue | undefined,
  ) {
    super(`${reason} at line ${line}, column ${column}${path ? ` (in ${path})` : ''}`);
  }
}

/** Formats a path the way a reader writes it: `chats.list[3].messages[12]`. */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

enum Mode {
  Value,
  ValueOrEnd,
  KeyOrEnd,
  Key,
  Colon,
  CommaOrEnd,
  String,
  Number,
  Literal,
  Done,
}

interface Frame {
  isObject: boolean;
  key: string | null;
  index: number;
  /** The container being built, when inside a captured value. */
  value: Record<string, JsonValue> | JsonValue[] | null;
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export class JsonStreamParser {
  #frames: Frame[] = [];
  #mode: Mode = Mode.Value;
  /** Index in #frames of the captured root container; -1 when not capturing. */
  #captureLevel = -1;
  #str = '';
  #strIsKey = false;
  /** 0: none; 1: after a backslash; 2..5: reading the hex digits of \u. */
  #escape = 0;
  #hex = '';
  #token = '';
  #line = 1;
  #column = 0;
  #started = false;

  constructor(private readonly handler: JsonStreamHandler) {}

  write(chunk: string): void {
    const s = chunk;
    const n = s.length;
    let i = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      switch (this.#mode) {
        case Mode.String: {
          if (this.#escape === 0) {
            let j = i;
            while (j < n) {
              const d = s.charCodeAt(j);
              if (d === 34 || d === 92 || d < 32) break;
              j++;
            }
            if (j > i) this.#str += s.slice(i, j);
            this.#column += j - i;
            if (j === n) {
              i = j;
              continue;
            }
            const d = s.charCodeAt(j);
            i = j + 1;
            this.#column++;
            if (d === 34) this.#endString();
            else if (d === 92) this.#escape = 1;
            else this.#fail('control character in a string');
            continue;
          }
          this.#column++;
          if (this.#escape === 1) {
            const ch = s[i]!;
            if (ch === 'u') {
              this.#escape = 2;
              this.#hex = '';
            } else {
              const e = ESCAPES[ch];
              if (e === undefined) this.#fail(`invalid escape \\${ch}`);
              this.#str += e;
              this.#escape = 0;
            }
          } else {
            const ch = s[i]!;
            if (!/[0-9a-fA-F]/.test(ch)) this.#fail('invalid \\u escape');
            this.#hex += ch;
            if (this.#hex.length === 4) {
              this.#str += String.fromCharCode(parseInt(this.#hex, 16));
              this.#escape = 0;
            }
          }
          i++;
          continue;
        }
        case Mode.Number:
          if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69) {
            this.#token += s[i];
            i++;
            this.#column++;
            continue;
          }
          this.#endNumber();
          continue; // the same character again, in the next mode
        case Mode.Literal:
          if (c >= 97 && c <= 122) {
            this.#token += s[i];
            i++;
            this.#column++;
            continue;
          }
          this.#endLiteral();
          continue;
        default:
          break;
      }
      // Structural characters and whitespace.
      i++;
      if (c === 10) {
        this.#line++;
        this.#column = 0;
        continue;
      }
      this.#column++;
      if (c === 32 || c === 9 || c === 13) continue;
      this.#structural(c, s[i - 1]!);
    }
  }

  /** Call after the last chunk: fails when the document is incomplete. */
  end(): void {
    if (this.#mode === Mode.Number) this.#endNumber();
    else if (this.#mode === Mode.Literal) this.#endLiteral();
    if (this.#mode !== Mode.Done) this.#fail(this.#started ? 'unexpected end of input (the file is truncated)' : 'empty input');
  }

  #structural(c: number, ch: string): void {
    switch (this.#mode) {
      case Mode.Value:
      case Mode.ValueOrEnd:
        if (c === 93 && this.#mode === Mode.ValueOrEnd) return this.#close(false);
        return this.#beginValue(c, ch);
      case Mode.KeyOrEnd:
      case Mode.Key:
        if (c === 125 && this.#mode === Mode.KeyOrEnd) return this.#close(true);
        if (c !== 34) this.#fail(`expected a property name, found ${JSON.stringify(ch)}`);
        this.#mode = Mode.String;
        this.#strIsKey = true;
        this.#str = '';
        return;
      case Mode.Colon:
        if (c !== 58) this.#fail(`expected ':', found ${JSON.stringify(ch)}`);
        this.#mode = Mode.Value;
        return;
      case Mode.CommaOrEnd: {
        const top = this.#frames[this.#frames.length - 1]!;
        if (c === 44) {
          if (top.isObject) this.#mode = Mode.Key;
          else {
            top.index++;
            this.#mode = Mode.Value;
          }
          return;
        }
        if (c === 125 && top.isObject) return this.#close(true);
        if (c === 93 && !top.isObject) return this.#close(false);
        return this.#fail(`expected ',' or '${top.isObject ? '}' : ']'}', found ${JSON.stringify(ch)}`);
      }
      case Mode.Done:
        return this.#fail(`unexpected ${JSON.stringify(ch)} after the end of the document`);
      default:
        return this.#fail(`unexpected ${JSON.stringify(ch)}`);
    }
  }

  #beginValue(c: number, ch: string): void {
    this.#started = true;
    if (c === 123 || c === 91) {
      const isObject = c === 123;
      let value: Frame['value'] = null;
      if (this.#captureLevel >= 0) value = isObject ? {} : [];
      else if (this.handler.capture(this.#path())) {
        value = isObject ? {} : [];
        this.#captureLevel = this.#frames.length;
      }
      this.#frames.push({ isObject, key: null, index: 0, value });
      this.#mode = isObject ? Mode.KeyOrEnd : Mode.ValueOrEnd;
      return;
    }
    if (c === 34) {
      this.#mode = Mode.String;
      this.#strIsKey = false;
      this.#str = '';
      return;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      this.#mode = Mode.Number;
      this.#token = ch;
      return;
    }
    if (c >= 97 && c <= 122) {
      this.#mode = Mode.Literal;
      this.#token = ch;
      return;
    }
    this.#fail(`unexpected ${JSON.stringify(ch)} where a value was expected`);
  }

  #endString(): void {
    const s = this.#str;
    this.#str = '';
    if (this.#strIsKey) {
      this.#frames[this.#frames.length - 1]!.key = s;
      this.#mode = Mode.Colon;
    } else this.#primitive(s);
  }

  #endNumber(): void {
    if (!NUMBER.test(this.#token)) this.#fail(`invalid number ${JSON.stringify(this.#token)}`);
    this.#primitive(Number(this.#token));
  }

  #endLiteral(): void {
    const t = this.#token;
    if (t === 'true') this.#primitive(true);
    else if (t === 'false') this.#primitive(false);
    else if (t === 'null') this.#primitive(null);
    else this.#fail(`invalid literal ${JSON.stringify(t)}`);
  }

  #primitive(v: JsonValue): void {
    if (this.#captureLevel >= 0) this.#attach(v);
    else {
      const path = this.#path();
      if (this.handler.capture(path)) this.handler.onValue(path, v);
    }
    this.#afterValue();
  }

  #close(isObject: boolean): void {
    const frame = this.#frames.pop()!;
    if (frame.isObject !== isObject) this.#fail('mismatched bracket');
    if (this.#captureLevel === this.#frames.length) {
      this.#captureLevel = -1;
      this.handler.onValue(this.#path(), frame.value!);
    } else if (this.#captureLevel >= 0) this.#attach(frame.value!);
    else this.handler.onClose?.(this.#path());
    this.#afterValue();
  }

  #attach(v: JsonValue): void {
    const parent = this.#frames[this.#frames.length - 1]!;
    const target = parent.value!;
    if (Array.isArray(target)) target.push(v);
    else if (parent.key === '__proto__') Object.defineProperty(target, '__proto__', { value: v, enumerable: true, writable: true, configurable: true });
    else target[parent.key!] = v;
  }

  #afterValue(): void {
    this.#mode = this.#frames.length ? Mode.CommaOrEnd : Mode.Done;
  }

  #path(): (string | number)[] {
    return this.#frames.map((f) => (f.isObject ? (f.key ?? '') : f.index));
  }

  /** Where the parser is: line, column, the path of the value being read and the `id` of the captured object, when read. */
  position(): { line: number; column: number; path: string; capturedId: JsonValue | undefined } {
    let capturedId: JsonValue | undefined;
    if (this.#captureLevel >= 0) {
      const root = this.#frames[this.#captureLevel]?.value;
      if (root && !Array.isArray(root) && Object.hasOwn(root, 'id')) capturedId = root.id;
    }
    return { line: this.#line, column: this.#column, path: formatJsonPath(this.#path()), capturedId };
  }

  #fail(reason: string): never {
    const { line, column, path, capturedId } = this.position();
    throw new JsonSyntaxError(reason, line, column, path, capturedId);
  }
}
