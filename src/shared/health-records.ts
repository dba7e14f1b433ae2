/** What the health API sends and the dashboard reads, defined once. */

/** A group's figures for one calendar day (its time zone). Definitions: docs/metrics.md. */
export interface DayFigures {
  day: string;
  messages: number;
  speakers: number;
  newSpeakers: number;
  joins: number;
  leaves: number;
  replies: number;
  reactions: number;
  questions: number;
  answeredQuestions: number;
  /** Median minutes from a question asked this day to its first response (answered ones), or null. */
  medianFirstResponseMinutes: number | null;
  /** The longest gap, in hours, between a message of this day and the message before it. */
  longestSilenceHours: number;
}
