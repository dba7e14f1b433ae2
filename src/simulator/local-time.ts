/** Time units and the daily rhythm of chat groups, in each group's own time zone. */

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The local wall clock at the start of one UTC hour. */
export interface LocalHour {
  /** 0–23. */
  readonly hour: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
  /** Days since 1970-01-01 on the local calendar; stable key for per-day randomness. */
  readonly day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
// Intl is slow and offsets change at most once a day (DST), so each zone-day is looked
// up at both ends: one number when they agree, 24 hourly offsets on a switch day.
// Grows by one small entry per zone-day in use.
const offsetCache = new Map<string, Map<number, number | number[]>>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

function computeOffsetMinutes(zone: string, at: number): number {
  const parts = formatterFor(zone).formatToParts(new Date(at));
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'));
  return Math.round((wall - Math.floor(at / MINUTE) * MINUTE) / MINUTE);
}

function offsetsOfDay(zone: string, utcDay: number): number | number[] {
  const first = utcDay * DAY;
  const atStart = computeOffsetMinutes(zone, first);
  if (computeOffsetMinutes(zone, first + 23 * HOUR) === atStart) return atStart;
  return Array.from({ length: 24 }, (_, h) => computeOffsetMinutes(zone, first + h * HOUR));
}

/** Minutes to add to UTC to get the wall clock of `zone` during UTC hour `hourIndex`. */
export function utcOffsetMinutes(zone: string, hourIndex: number): number {
  let byDay = offsetCache.get(zone);
  if (!byDay) {
    byDay = new Map();
    offsetCache.set(zone, byDay);
  }
  const utcDay = Math.floor(hourIndex / 24);
  let offsets = byDay.get(utcDay);
  if (offsets === undefined) {
    offsets = offsetsOfDay(zone, utcDay);
    byDay.set(utcDay, offsets);
  }
  return typeof offsets === 'number' ? offsets : (offsets[hourIndex - utcDay * 24] as number);
}

/** The local clock of `zone` when UTC hour `hourIndex` (epoch ms / HOUR) begins. */
export function localHourOf(zone: string, hourIndex: number): LocalHour {
  const local = hourIndex * HOUR + utcOffsetMinutes(zone, hourIndex) * MINUTE;
  const day = Math.floor(local / DAY);
  return {
    hour: Math.floor((local - day * DAY) / HOUR),
    // 1970-01-01 was a Thursday.
    weekday: (((day + 4) % 7) + 7) % 7,
    day,
  };
}

/** True on Saturday and Sunday. */
export function isWeekend(weekday: number): boolean {
  return weekday === 0 || weekday === 6;
}

// Relative chat volume per local hour: a lunch bump, the evening peak, near silence
// before dawn. Weekends start later and stay busier through the afternoon.
const WEEKDAY_PROFILE = [0.35, 0.12, 0.05, 0.03, 0.02, 0.03, 0.08, 0.3, 0.6, 0.8, 0.9, 1.1, 1.4, 1.1, 0.8, 0.75, 0.75, 0.8, 0.9, 1.1, 1.5, 1.7, 1.5, 0.9];
const WEEKEND_PROFILE = [0.5, 0.2, 0.08, 0.04, 0.02, 0.02, 0.04, 0.1, 0.25, 0.5, 0.8, 1.0, 1.2, 1.1, 1.1, 1.1, 1.0, 0.9, 0.9, 1.1, 1.4, 1.5, 1.4, 1.0];

function normalised(profile: readonly number[]): number[] {
  const total = profile.reduce((sum, w) => sum + w, 0);
  return profile.map((w) => w / total);
}

const WEEKDAY_SHARE = normalised(WEEKDAY_PROFILE);
const WEEKEND_SHARE = normalised(WEEKEND_PROFILE);
const PEAK_SHARE = Math.max(...WEEKDAY_SHARE, ...WEEKEND_SHARE);

/** Share of a day's messages that fall in local `hour`; sums to 1 over a day. */
export function hourShare(hour: number, weekend: boolean): number {
  return (weekend ? WEEKEND_SHARE : WEEKDAY_SHARE)[hour] ?? 0;
}

/** `hourShare` relative to the busiest hour of any day, for accept/reject sampling. */
export function hourActivity(hour: number, weekend: boolean): number {
  return hourShare(hour, weekend) / PEAK_SHARE;
}
