import { Cron } from 'croner';
import { isTimeZone } from '../core/calendar.js';

/** A job's schedule that cannot be used: an unknown time zone or a pattern croner refuses. */
export class ScheduleInvalidError extends Error {
  override readonly name = 'ScheduleInvalidError';
}

/** What to do with a slot that passed while nothing ran (the process was down). */
export type MissedPolicy = 'once' | 'skip';

/** How late a slot may be run and still count as on time (a loop's wake-up, a busy pass). */
export const ON_TIME_MS = 2 * 60_000;

function cronOf(pattern: string, timezone: string): Cron {
  if (!isTimeZone(timezone)) throw new ScheduleInvalidError(`unknown time zone ${JSON.stringify(timezone)}`);
  try {
    return new Cron(pattern, { timezone, paused: true });
  } catch (error) {
    throw new ScheduleInvalidError(`cron pattern ${JSON.stringify(pattern)} is not valid: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Checks a pattern and zone; throws ScheduleInvalidError naming what is wrong (a pattern with no slot after `now`: it never runs). */
export function checkSchedule(pattern: string, timezone: string, now: number = Date.now()): void {
  if (nextSlot(pattern, timezone, now) === null) throw new ScheduleInvalidError(`cron pattern ${JSON.stringify(pattern)} never runs`);
}

/** The first slot strictly after `after` (epoch ms), read in `timezone`; null if there is none. */
export function nextSlot(pattern: string, timezone: string, after: number): number | null {
  const next = cronOf(pattern, timezone).nextRun(new Date(after));
  return next ? next.getTime() : null;
}

/** A job as the scheduler decides on it. */
export interface DueJob {
  cron: string;
  timezone: string;
  missed: MissedPolicy;
  nextRunAt: number;
}

/**
 * What one scheduler pass does with a job at `now` (pure):
 * - `wait`: not due; `nextRunAt` may be moved back when the clock went back (the
 *   sandbox's can) and the stored slot is later than the pattern's next one;
 * - `run`: run the job for `slot` (its on-time slot, or, after downtime with policy
 *   `once`, the latest missed one: several missed slots run once);
 * - `skip`: downtime with policy `skip`: the missed slots are passed over.
 * `next` is the slot after now in every case: a pass never runs a job twice.
 */
export function decide(job: DueJob, now: number): { action: 'wait' | 'run' | 'skip'; slot: number; next: number | null } {
  const next = nextSlot(job.cron, job.timezone, now);
  if (job.nextRunAt > now) {
    const rewound = next !== null && next < job.nextRunAt ? next : job.nextRunAt;
    return { action: 'wait', slot: job.nextRunAt, next: rewound };
  }
  if (now - job.nextRunAt <= ON_TIME_MS) return { action: 'run', slot: job.nextRunAt, next };
  if (job.missed === 'skip') return { action: 'skip', slot: job.nextRunAt, next };
  const latest = latestSlotUpTo(job, now);
  return { action: 'run', slot: latest, next };
}

/** The latest slot at or before `now` (never before the stored one). */
function latestSlotUpTo(job: DueJob, now: number): number {
  const [previous] = cronOf(job.cron, job.timezone).previousRuns(1, new Date(now + 1));
  return previous && previous.getTime() > job.nextRunAt ? previous.getTime() : job.nextRunAt;
}
