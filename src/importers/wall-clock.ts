/**
 * Times as exports write them. Many carry no UTC offset (the exporting computer's
 * wall clock); `hearth import` reads those as UTC unless `--tz` names the zone
 * they were written in. Pure functions, no Date parsing of free-form strings.
 */

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond?: number;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = offsetFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetFormatters.set(zone, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in ms (east positive). */
export function zoneOffsetMs(zone: string, epochMs: number): number {
  if (zone === 'UTC') return 0;
  const parts: Record<string, number> = {};
  for (const p of formatterFor(zone).formatToParts(epochMs)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
  const whole = epochMs - (((epochMs % 1000) + 1000) % 1000);
  return asUtc - whole;
}

/** Whether the fields name a real calendar moment (no 31 February, no hour 24). */
export function isValidWallTime(t: WallTime): boolean {
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.hour > 23 || t.minute > 59 || t.second > 59 || t.hour < 0 || t.minute < 0 || t.second < 0) return false;
  const d = new Date(Date.UTC(t.year, t.month - 1, t.day));
  return d.getUTCFullYear() === t.year && d.getUTCMonth() === t.month - 1 && d.getUTCDate() === t.day;
}

/**
 * The instant a wall-clock time in `zone` denotes. In a DST gap the time is read
 * with the offset before the jump; in an overlap, the earlier instant.
 */
export function wallTimeToEpoch(t: WallTime, zone: string): number {
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond ?? 0);
  if (zone === 'UTC') return asUtc;
  const first = asUtc - zoneOffsetMs(zone, asUtc);
  const second = asUtc - zoneOffsetMs(zone, first);
  if (first === second) return first;
  // Overlap or gap: take the earlier reading that maps back to the same wall time, else the earlier one.
  const candidates = [first, second].sort((a, b) => a - b);
  for (const c of candidates) if (c + zoneOffsetMs(zone, c) === asUtc) return c;
  return candidates[0]!;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Reads an ISO 8601 date-time (`2019-05-12T15:00:04`, `2020-01-01 10:00:00+03:00`,
 * `…Z`); without an offset it is wall-clock time in `zone`. Null when unreadable.
 */
export function parseIsoDateTime(value: string, zone: string): number | null {
  const m = ISO.exec(value.trim());
  if (!m) return null;
  const t: WallTime = {
    year: +m[1]!,
    month: +m[2]!,
    day: +m[3]!,
    hour: +m[4]!,
    minute: +m[5]!,
    second: m[6] ? +m[6] : 0,
    millisecond: m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0,
  };
  if (!isValidWallTime(t)) return null;
  const offset = m[8];
  if (!offset) return wallTimeToEpoch(t, zone);
  const utc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);
  if (offset === 'Z') return utc;
  const sign = offset[0] === '-' ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  return utc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** An instant as the ISO string events carry. */
export function isoOf(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** The last instant an Event can carry (its ISO time has a four-digit year): 9999-12-31T23:59:59.999Z. */
export const MAX_EPOCH_MS = 253_402_300_799_999;

/** Unix seconds (or milliseconds, when the number is that large) as epoch ms; null when not a plausible time. */
export function epochFromUnix(value: string | number): number | null {
  const n = typeof value === 'number' ? value : /^\d{1,16}$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  const ms = n >= 1e12 ? Math.round(n) : n * 1000;
  return ms <= MAX_EPOCH_MS ? ms : null;
}
