import { dayIn } from '../../core/calendar.js';

/** How many calls of one kind the account made on one day. */
export interface DailySendCount {
  /** YYYY-MM-DD in the counter's time zone. */
  day: string;
  /** send_message, remove_member, invite_member… */
  action: string;
  /** Calls the platform performed. */
  sent: number;
  /** Calls that reached the platform (or were meant to) and failed. */
  failed: number;
}

/**
 * Counts what the account does per action type per day — the numbers WeChat's risk
 * control judges an account by. In memory: a restart starts from zero, and each
 * process of a scaled deployment counts its own sends.
 */
export class DailySendCounter {
  readonly #days = new Map<string, Map<string, { sent: number; failed: number }>>();

  constructor(
    private readonly timeZone: string,
    private readonly clock: () => number,
    private readonly keepDays = 31,
  ) {}

  record(action: string, ok: boolean): void {
    const day = dayIn(this.timeZone, this.clock());
    let counts = this.#days.get(day);
    if (!counts) {
      this.#days.set(day, (counts = new Map()));
      const days = [...this.#days.keys()].sort();
      for (const old of days.slice(0, Math.max(0, days.length - this.keepDays))) this.#days.delete(old);
    }
    const c = counts.get(action) ?? { sent: 0, failed: 0 };
    if (ok) c.sent++;
    else c.failed++;
    counts.set(action, c);
  }

  /** Every counted day and action, oldest day first. */
  counts(): DailySendCount[] {
    return [...this.#days.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([day, counts]) => [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([action, c]) => ({ day, action, ...c })));
  }
}
