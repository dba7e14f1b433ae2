import { Rng } from '../../src/simulator/random.js';

/**
 * Seeded mutations for the fuzz suite: of JSON values (wrong types, missing fields,
 * huge strings, deep nesting, lone surrogates, NUL, numbers out of range, prototype
 * keys, arrays for objects) and of raw bytes (truncation, flips, garbage, delimiters,
 * huge fields, other encodings). Every choice comes from one `Rng`, so a seed replays
 * a run exactly.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The run's seed: `HEARTH_FUZZ_SEED` when set (to replay a failure), else a fresh one. */
export function fuzzSeed(): number {
  const given = process.env.HEARTH_FUZZ_SEED;
  if (given !== undefined && given !== '') {
    const n = Number(given);
    if (!Number.isInteger(n)) throw new Error(`HEARTH_FUZZ_SEED must be an integer, not ${JSON.stringify(given)}`);
    return n >>> 0;
  }
  return (Math.random() * 2 ** 32) >>> 0;
}

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '\ufeff',
  '\u202eevil\u202c',
  '\u200b\u200d\u2060',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  "'; DROP TABLE event; --",
  '%s%n%x',
  '../../etc/passwd',
  'javascript:alert(1)',
  '__proto__',
  'constructor',
  '1e309',
  '-0',
  'NaN',
  '\r\n\r\n',
  '🙂'.repeat(50),
  '名'.repeat(300),
];

const HOSTILE_NUMBERS = [
  0,
  -1,
  1.5,
  -0.5,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  1e21,
  -1e21,
  1e300,
  -1e300,
  8.64e12,
  8.64e15,
  253402300800,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
];

/** A value of a random, probably wrong, type. */
export function hostileValue(rng: Rng, depth = 0): Json {
  switch (rng.int(0, 11)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick(HOSTILE_NUMBERS);
    case 3:
      return rng.pick(HOSTILE_STRINGS);
    case 4:
      return hugeString(rng);
    case 5:
      return depth > 2 ? [] : Array.from({ length: rng.int(0, 4) }, () => hostileValue(rng, depth + 1));
    case 6:
      return depth > 2 ? {} : { [rng.pick(['__proto__', 'constructor', 'prototype', 'id', 'x'])]: hostileValue(rng, depth + 1) };
    case 7:
      return deepNesting(rng);
    case 8:
      return Array.from({ length: rng.int(1000, 20000) }, (_, i) => i);
    case 9:
      return rng.int(-1000, 1000);
    default:
      return String(rng.nextU32());
  }
}

/** A long string: repeated letters, CJK, emoji or lone surrogates. */
export function hugeString(rng: Rng, max = 300_000): string {
  const unit = rng.pick(['a', '名', '🙂', '\ud800', '<b>', '\u0000', ' ']);
  return unit.repeat(Math.ceil(rng.int(600, max) / unit.length));
}

/** Arrays or objects nested thousands deep. */
export function deepNesting(rng: Rng): Json {
  // Deeper than ~2,000 and JSON.stringify itself runs out of stack; the raw-text cases go deeper.
  const depth = rng.int(100, 1500);
  let v: Json = rng.chance(0.5) ? 1 : 'deep';
  const objects = rng.chance(0.5);
  for (let i = 0; i < depth; i++) v = objects ? { a: v } : [v];
  return v;
}

/** Every path to a value inside `value` (object keys and array indexes), the root excluded. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = [], limit = 2000): (string | number)[][] {
  // Not into the thousands-deep nesting a mutation may have put in.
  if (out.length >= limit || prefix.length > 40 || value === null || typeof value !== 'object') return out;
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [k, v] of entries) {
    const p = [...prefix, k];
    out.push(p);
    paths(v, p, out, limit);
  }
  return out;
}

function parentOf(root: Json, path: (string | number)[]): { parent: Json[] | Record<string, Json>; key: string | number } | undefined {
  let node: Json = root;
  for (const k of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? (node[k as number] as Json) : (node[k as string] as Json);
  }
  if (node === null || typeof node !== 'object') return undefined;
  return { parent: node, key: path.at(-1)! };
}

/** What one mutation did, for the failure message. */
export type MutationLog = string[];

/**
 * Mutates a deep copy of `value` 1–3 times: a field removed, replaced by a value of
 * another type, a prototype key added, an object swapped for an array (or the other
 * way), a string made huge, a number pushed out of range.
 */
export function mutateJson(rng: Rng, value: unknown, log: MutationLog = []): unknown {
  const root = structuredClone(value) as Json;
  const holder: { v: Json } = { v: root };
  const count = rng.int(1, 4);
  for (let n = 0; n < count; n++) {
    const all = paths(holder.v);
    if (all.length === 0 || rng.chance(0.04)) {
      holder.v = hostileValue(rng);
      log.push('root replaced');
      continue;
    }
    const path = rng.pick(all);
    const at = parentOf(holder.v, path);
    if (!at) continue;
    const { parent, key } = at;
    const current = Array.isArray(parent) ? parent[key as number] : parent[key as string];
    const set = (v: Json) => {
      if (Array.isArray(parent)) parent[key as number] = v;
      else Object.defineProperty(parent, key, { value: v, enumerable: true, writable: true, configurable: true });
    };
    const where = path.join('.');
    switch (rng.int(0, 9)) {
      case 0:
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key as string];
        log.push(`removed ${where}`);
        break;
      case 1:
      case 2:
        set(hostileValue(rng));
        log.push(`replaced ${where}`);
        break;
      case 3: {
        const target = current !== null && typeof current === 'object' && !Array.isArray(current) ? current : parent;
        if (!Array.isArray(target)) {
          const k = rng.pick(['__proto__', 'constructor', 'prototype', '__defineGetter__', 'toString', 'hasOwnProperty']);
          Object.defineProperty(target, k, { value: rng.chance(0.5) ? { polluted: true, isAdmin: true } : hostileValue(rng), enumerable: true, writable: true, configurable: true });
          log.push(`added ${k} in ${where}`);
        }
        break;
      }
      case 4:
        if (current !== null && typeof current === 'object') {
          set(Array.isArray(current) ? Object.fromEntries(current.map((v, i) => [String(i), v])) : Object.values(current));
          log.push(`swapped array/object at ${where}`);
        } else {
          set([current ?? null]);
          log.push(`wrapped ${where} in an array`);
        }
        break;
      case 5:
        if (typeof current === 'string') set(rng.chance(0.5) ? hugeString(rng) : current + rng.pick(HOSTILE_STRINGS));
        else set(hugeString(rng, 5000));
        log.push(`long string at ${where}`);
        break;
      case 6:
        if (typeof current === 'number') set(rng.pick(HOSTILE_NUMBERS) * (rng.chance(0.2) ? -1 : 1));
        else set(rng.pick(HOSTILE_NUMBERS));
        log.push(`number at ${where}`);
        break;
      case 7:
        set(rng.pick(HOSTILE_STRINGS));
        log.push(`hostile string at ${where}`);
        break;
      default:
        if (typeof current === 'number') set(current + rng.pick([1, -1, 1000, -current, 0.5]));
        else if (typeof current === 'string') set(String(rng.int(-5, 5)));
        else set(deepNesting(rng));
        log.push(`nudged ${where}`);
    }
  }
  return holder.v;
}

const DELIMITERS = [',', ';', '"', "'", '\n', '\r', '{', '}', '[', ']', ':', '<', '>', '/', '=', '\\', '\t'];

/**
 * Corrupts a file's bytes: truncation at a random offset, byte flips, inserted
 * garbage, duplicated or removed delimiters, a huge field, another encoding.
 */
export function corruptBytes(rng: Rng, bytes: Buffer, log: MutationLog = []): Buffer {
  let out = Buffer.from(bytes);
  const count = rng.int(1, 3);
  for (let n = 0; n < count; n++) {
    const at = rng.int(0, out.length + 1);
    switch (rng.int(0, 9)) {
      case 0:
        out = out.subarray(0, at);
        log.push(`truncated at ${at}`);
        break;
      case 1: {
        const flips = rng.int(1, 6);
        for (let i = 0; i < flips && out.length > 0; i++) {
          const p = rng.int(0, out.length);
          out[p] = out[p]! ^ (1 << rng.int(0, 8));
        }
        log.push(`${flips} bit flips`);
        break;
      }
      case 2: {
        const garbage = rng.chance(0.5) ? Buffer.from(Array.from({ length: rng.int(1, 64) }, () => rng.int(0, 256))) : Buffer.from(rng.pick(HOSTILE_STRINGS) + rng.pick(DELIMITERS), 'utf8');
        out = Buffer.concat([out.subarray(0, at), garbage, out.subarray(at)]);
        log.push(`garbage at ${at}`);
        break;
      }
      case 3:
      case 4: {
        const d = Buffer.from(rng.pick(DELIMITERS));
        const positions: number[] = [];
        for (let i = out.indexOf(d); i !== -1 && positions.length < 5000; i = out.indexOf(d, i + 1)) positions.push(i);
        if (positions.length === 0) break;
        const p = rng.pick(positions);
        const remove = rng.chance(0.5);
        out = remove ? Buffer.concat([out.subarray(0, p), out.subarray(p + 1)]) : Buffer.concat([out.subarray(0, p), d, out.subarray(p)]);
        log.push(`${remove ? 'removed' : 'duplicated'} ${JSON.stringify(d.toString())} at ${p}`);
        break;
      }
      case 5: {
        const field = Buffer.from(hugeString(rng, 2_000_000), 'utf8');
        out = Buffer.concat([out.subarray(0, at), field, out.subarray(at)]);
        log.push(`huge field (${field.length} bytes) at ${at}`);
        break;
      }
      case 6: {
        const text = out.toString('utf8');
        const encoding = rng.pick(['utf16le', 'latin1', 'ucs2-bom', 'utf8-bom-twice'] as const);
        out =
          encoding === 'ucs2-bom'
            ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
            : encoding === 'utf8-bom-twice'
              ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), out])
              : Buffer.from(text, encoding);
        log.push(`re-encoded as ${encoding}`);
        break;
      }
      case 7: {
        // An invalid UTF-8 sequence: a lone continuation byte, an overlong form, a surrogate, or a cut character.
        const bad = rng.pick([[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe5, 0x90], [0xff], [0xf4, 0x90, 0x80, 0x80]]);
        out = Buffer.concat([out.subarray(0, at), Buffer.from(bad), out.subarray(at)]);
        log.push(`invalid UTF-8 at ${at}`);
        break;
      }
      default: {
        // A slice of the file repeated (a record or a line twice), or removed.
        const end = Math.min(out.length, at + rng.int(1, 400));
        const slice = out.subarray(at, end);
        out = rng.chance(0.5) ? Buffer.concat([out.subarray(0, end), slice, out.subarray(end)]) : Buffer.concat([out.subarray(0, at), out.subarray(end)]);
        log.push(`slice ${at}..${end} repeated or cut`);
      }
    }
  }
  return out;
}

/** Raw-text corruptions of a JSON body (what arrives when a proxy or a client mangles it). */
export function corruptText(rng: Rng, text: string, log: MutationLog = []): string | Uint8Array {
  switch (rng.int(0, 7)) {
    case 0:
      log.push('empty body');
      return '';
    case 1: {
      const at = rng.int(0, text.length);
      log.push(`truncated at ${at}`);
      return text.slice(0, at);
    }
    case 2:
      log.push('not JSON');
      return rng.pick(['hello', '<xml/>', 'undefined', 'NaN', '{a:1}', "{'a':1}", '[1,]', '{"a":1}}', '\u0000', '1e999', '--', 'null null']);
    case 3: {
      log.push('invalid UTF-8 bytes');
      const bytes = Buffer.from(text, 'utf8');
      const at = rng.int(0, bytes.length);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(rng.pick([[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80, 0x80]])), bytes.subarray(at)]);
    }
    case 4:
      log.push('lone surrogate escape');
      return text.replace(/"([^"\\]{0,40})"/, '"$1\\ud800"');
    case 5:
      log.push('duplicate keys');
      return text.replace(/^\{/, '{"update_id":1,"message":null,');
    default:
      log.push('wrapped in an array');
      return `[${text}]`;
  }
}

export { Rng };
