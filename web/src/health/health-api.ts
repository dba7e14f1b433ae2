import type { DayFigures } from '../../../src/shared/health-records.js';

/** The group health the API serves (GET /api/groups/:id/health); definitions in docs/metrics.md. */
export type LifecycleStage = 'launch' | 'growth' | 'mature' | 'declining' | 'dormant';

export type HealthPartName = 'activeDays' | 'silence' | 'speakers' | 'newSpeakers' | 'spread' | 'responses' | 'trend';

/** One day's figures, as src/health computes them. */
export type HealthDay = DayFigures;

export interface GroupHealthRecord {
  group: { id: number; name: string; timezone: string };
  asOf: string;
  weeklyActiveDays: number;
  messagesOnActiveDays: number;
  lifecycle: {
    stage: LifecycleStage;
    rule: string;
    figures: {
      ageDays: number | null;
      daysSinceLastMessage: number | null;
      messagesLast28: number;
      messagesPrevious28: number;
      messagesLast14: number;
      messagesPrevious14: number;
    };
  };
  health: {
    score: number;
    parts: { name: HealthPartName; points: number; max: number }[];
    figures: {
      weeklyActiveDays: number;
      longestSilenceHours7: number;
      speakers7: number;
      newSpeakers28: number;
      top20Share28: number;
      messages28: number;
      questions28: number;
      answeredQuestions28: number;
      medianFirstResponseMinutes28: number | null;
      messages7: number;
      weeklyMessagesBefore: number;
    };
  };
  days: HealthDay[];
}

/** Weekly active days on each day: days with a message among the 7 ending there (null before 7 days are known). */
export function rollingWeeklyActiveDays(days: readonly Pick<HealthDay, 'messages'>[]): (number | null)[] {
  return days.map((_, i) => (i < 6 ? null : days.slice(i - 6, i + 1).filter((d) => d.messages > 0).length));
}
