/** Pure: when the silence watchdog speaks up for a group. */

export const DEFAULT_SILENCE_MINUTES = 12 * 60;
/** How long before the threshold the watchdog warns (so the operator can act before 12 h). */
export const DEFAULT_WARN_MINUTES = 60;

export interface SilenceSettings {
  silenceMinutes: number;
  warnMinutes: number;
  /** 'HH:MM' in the group's time zone, start inclusive, end exclusive; may wrap midnight. */
  quietHours: { start: string; end: string } | null;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Parses '23:00-07:30' (or 'off'); throws naming what is wrong. */
export function parseQuietHours(value: string): { start: string; end: string } | null {
  const text = value.trim();
  if (text === 'off' || text === '') return null;
  const [start, end, extra] = text.split('-').map((s) => s.trim());
  if (extra !== undefined || !start || !end || !HHMM.test(start) || !HHMM.test(end)) throw new RangeError(`quiet hours are HH:MM-HH:MM (like 23:00-07:30) or off, not ${JSON.stringify(value)}`);
  if (start === end) throw new RangeError('quiet hours cannot start and end at the same time');
  return { start, end };
}

/** The wall-clock 'HH:MM' at `at` in a time zone. */
export function localTime(timezone: string, at: number): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(at));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('hour')}:${part('minute')}`;
}

/** Whether `at` falls in the quiet hours, read in the group's time zone. */
export function inQuietHours(quiet: SilenceSettings['quietHours'], timezone: string, at: number): boolean {
  if (!quiet) return false;
  const now = localTime(timezone, at);
  return quiet.start < quiet.end ? now >= quiet.start && now < quiet.end : now >= quiet.start || now < quiet.end;
}

export type SilenceVerdict = { kind: 'lively' } | { kind: 'quiet-hours' } | { kind: 'alert'; silentMinutes: number };

/**
 * A group silent since `since` (its last member message, or its creation): alert once
 * the silence reaches the threshold less the warning lead; never in quiet hours (the
 * watchdog looks again when they end, and the same stretch is still one alert).
 */
export function judgeSilence(settings: SilenceSettings, timezone: string, since: number, now: number): SilenceVerdict {
  const silentMinutes = Math.floor((now - since) / 60_000);
  if (silentMinutes < settings.silenceMinutes - settings.warnMinutes) return { kind: 'lively' };
  if (inQuietHours(settings.quietHours, timezone, now)) return { kind: 'quiet-hours' };
  return { kind: 'alert', silentMinutes };
}
