import type { DayFigures } from './daily-figures.js';
import { sum, weeklyActiveDays } from './daily-figures.js';

/** The figures the score is made of, as of a day. Definitions: docs/metrics.md ("Health score"). */
export interface HealthFigures {
  weeklyActiveDays: number;
  /** Longest silence, in hours, within the 7 days ending the judged day, counting the silence still open at its end. */
  longestSilenceHours7: number;
  /** Distinct members who spoke in the last 7 days. */
  speakers7: number;
  /** Members whose first message in the group fell in the last 28 days. */
  newSpeakers28: number;
  /** Share of the last 28 days' messages sent by their top ⌈20%⌉ of speakers. */
  top20Share28: number;
  messages28: number;
  questions28: number;
  answeredQuestions28: number;
  medianFirstResponseMinutes28: number | null;
  messages7: number;
  /** Average messages per week over the 21 days before the last 7. */
  weeklyMessagesBefore: number;
}

export interface HealthPart {
  name: 'activeDays' | 'silence' | 'speakers' | 'newSpeakers' | 'spread' | 'responses' | 'trend';
  points: number;
  max: number;
}

export interface HealthScore {
  score: number;
  parts: HealthPart[];
  figures: HealthFigures;
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

export function healthFigures(
  days: readonly DayFigures[],
  extra: Pick<HealthFigures, 'longestSilenceHours7' | 'speakers7' | 'newSpeakers28' | 'top20Share28' | 'medianFirstResponseMinutes28'>,
): HealthFigures {
  const last28 = days.slice(-28);
  return {
    ...extra,
    weeklyActiveDays: weeklyActiveDays(days),
    messages28: sum(last28, (d) => d.messages),
    questions28: sum(last28, (d) => d.questions),
    answeredQuestions28: sum(last28, (d) => d.answeredQuestions),
    messages7: sum(days.slice(-7), (d) => d.messages),
    weeklyMessagesBefore: Math.round((sum(days.slice(-28, -7), (d) => d.messages) / 3) * 100) / 100,
  };
}

/**
 * The 0–100 health score: seven parts, each a share of its maximum.
 * activeDays 25 (weekly active days / 7), silence 15 (full up to 12 h, none at 7 days),
 * speakers 15 (speakers of the week / 10), newSpeakers 10 (new speakers of 28 days / 3),
 * spread 10 (full while the top 20% send ≤ 80%, none at 100%), responses 15 (answered
 * share of the 28 days' questions × speed: full up to a 60-minute median, a quarter at
 * 24 h; half marks with messages but no question), trend 10 (the week's messages
 * against the weekly average of the 21 days before).
 */
export function scoreHealth(f: HealthFigures): HealthScore {
  const parts: HealthPart[] = [];
  const part = (name: HealthPart['name'], max: number, share: number) => parts.push({ name, max, points: Math.round(max * clamp01(share) * 10) / 10 });
  part('activeDays', 25, f.weeklyActiveDays / 7);
  part('silence', 15, f.messages7 === 0 ? 0 : 1 - (f.longestSilenceHours7 - 12) / (7 * 24 - 12));
  part('speakers', 15, f.speakers7 / 10);
  part('newSpeakers', 10, f.newSpeakers28 / 3);
  part('spread', 10, f.messages28 === 0 ? 0 : (1 - f.top20Share28) / 0.2);
  let responses = 0;
  if (f.questions28 > 0) {
    const m = f.medianFirstResponseMinutes28;
    const speed = m === null ? 0 : m <= 60 ? 1 : Math.max(0.25, 1 - (0.75 * (m - 60)) / (24 * 60 - 60));
    responses = (f.answeredQuestions28 / f.questions28) * speed;
  } else if (f.messages28 > 0) responses = 0.5;
  part('responses', 15, responses);
  part('trend', 10, f.messages7 === 0 ? 0 : f.weeklyMessagesBefore === 0 ? 1 : f.messages7 / f.weeklyMessagesBefore);
  const score = Math.round(sum(parts, (p) => p.points));
  return { score: Math.min(100, Math.max(0, score)), parts, figures: f };
}
