import type { DayFigures } from './daily-figures.js';
import { sum } from './daily-figures.js';

export const LIFECYCLE_STAGES = ['launch', 'growth', 'mature', 'declining', 'dormant'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** The figures the stage is judged on, as of a day. */
export interface LifecycleFigures {
  /** Days from the group's first message to the day judged (0 on that first day); null before any message. */
  ageDays: number | null;
  /** Whole days from the last message's day to the day judged; null before any message. */
  daysSinceLastMessage: number | null;
  messagesLast28: number;
  messagesPrevious28: number;
  messagesLast14: number;
  messagesPrevious14: number;
}

export interface LifecycleJudgement {
  stage: LifecycleStage;
  /** Which rule decided it, in words of docs/metrics.md. */
  rule: string;
  figures: LifecycleFigures;
}

/** A group silent this many days is dormant (`000`: "if it lasts more than 2 weeks, it will become a dead group"). */
export const DORMANT_AFTER_DAYS = 14;
export const LAUNCH_DAYS = 28;

/** The figures of the stage from 56 days of figures ending on the judged day (oldest first). */
export function lifecycleFigures(days: readonly DayFigures[], firstMessageDay: string | null, lastMessageDay: string | null): LifecycleFigures {
  const asOf = days[days.length - 1]!.day;
  const d = (day: string) => Date.parse(`${day}T00:00:00Z`);
  return {
    ageDays: firstMessageDay === null ? null : Math.round((d(asOf) - d(firstMessageDay)) / 86_400_000),
    daysSinceLastMessage: lastMessageDay === null ? null : Math.round((d(asOf) - d(lastMessageDay)) / 86_400_000),
    messagesLast28: sum(days.slice(-28), (x) => x.messages),
    messagesPrevious28: sum(days.slice(-56, -28), (x) => x.messages),
    messagesLast14: sum(days.slice(-14), (x) => x.messages),
    messagesPrevious14: sum(days.slice(-28, -14), (x) => x.messages),
  };
}

/**
 * The life-cycle stage, the first rule that holds:
 * dormant (no message in the last 14 days), launch (first message within the last 28 days,
 * or none yet), declining (last 28 days ≤ 60% of the 28 before, or last 14 ≤ 50% of the
 * 14 before), growth (last 28 days ≥ 125% of the 28 before), otherwise mature.
 */
export function judgeLifecycle(f: LifecycleFigures): LifecycleJudgement {
  const at = (stage: LifecycleStage, rule: string): LifecycleJudgement => ({ stage, rule, figures: f });
  if (f.ageDays === null || f.daysSinceLastMessage === null) return at('launch', 'no message yet');
  if (f.daysSinceLastMessage >= DORMANT_AFTER_DAYS) return at('dormant', `no message for ${f.daysSinceLastMessage} days (≥ ${DORMANT_AFTER_DAYS})`);
  if (f.ageDays < LAUNCH_DAYS) return at('launch', `first message ${f.ageDays} days ago (< ${LAUNCH_DAYS})`);
  if (f.messagesLast28 <= 0.6 * f.messagesPrevious28) return at('declining', `last 28 days ${f.messagesLast28} messages ≤ 60% of the 28 before (${f.messagesPrevious28})`);
  if (f.messagesPrevious14 > 0 && f.messagesLast14 <= 0.5 * f.messagesPrevious14) return at('declining', `last 14 days ${f.messagesLast14} messages ≤ 50% of the 14 before (${f.messagesPrevious14})`);
  if (f.messagesLast28 >= 1.25 * f.messagesPrevious28) return at('growth', `last 28 days ${f.messagesLast28} messages ≥ 125% of the 28 before (${f.messagesPrevious28})`);
  return at('mature', `last 28 days ${f.messagesLast28} messages, within 60%–125% of the 28 before (${f.messagesPrevious28})`);
}
