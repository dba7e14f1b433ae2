import type { Leadership } from './leader-lease.js';
import type { Scheduler } from './scheduler.js';

/** How often the loop looks at least (a job declared meanwhile, a lease won). */
const MAX_SLEEP_MS = 30_000;

/**
 * `hearth serve`'s scheduler role: runs the scheduler's passes on the wall clock,
 * sleeping until the next job is due (at most 30 s), only while this process leads.
 */
export class SchedulerLoop {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly leadership: Leadership,
    private readonly clock: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.#schedule(0);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#pass();
    }, ms);
  }

  async #pass(): Promise<void> {
    let sleep = MAX_SLEEP_MS;
    try {
      if (this.leadership.isLeader) {
        const report = await this.scheduler.runDue();
        if (report.nextDueAt !== null) sleep = Math.max(250, Math.min(MAX_SLEEP_MS, report.nextDueAt - this.clock()));
      }
    } catch (error) {
      this.onError(error);
    }
    this.#schedule(sleep);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
