import type { DayFigures } from '../shared/health-records.js';

export type { DayFigures };

export function emptyDay(day: string): DayFigures {
  return {
    day,
    messages: 0,
    speakers: 0,
    newSpeakers: 0,
    joins: 0,
    leaves: 0,
    replies: 0,
    reactions: 0,
    questions: 0,
    answeredQuestions: 0,
    medianFirstResponseMinutes: null,
    longestSilenceHours: 0,
  };
}

/** Days with at least one message among the last 7 of `days` (oldest first). */
export function weeklyActiveDays(days: readonly Pick<DayFigures, 'messages'>[]): number {
  return days.slice(-7).filter((d) => d.messages > 0).length;
}

/** Messages of the last 7 of `days` divided by the active days among them, 2 decimals (0 with none). */
export function messagesOnActiveDays(days: readonly Pick<DayFigures, 'messages'>[]): number {
  const week = days.slice(-7);
  const active = week.filter((d) => d.messages > 0).length;
  if (active === 0) return 0;
  const total = week.reduce((s, d) => s + d.messages, 0);
  return Math.round((total / active) * 100) / 100;
}

export function sum<T>(rows: readonly T[], pick: (row: T) => number): number {
  let s = 0;
  for (const r of rows) s += pick(r);
  return s;
}
