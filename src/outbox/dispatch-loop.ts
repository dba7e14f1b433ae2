import type { Dispatcher, DispatchReport } from './dispatcher.js';

/**
 * Keeps the dispatcher running in a long-lived process: a pass whenever new actions
 * are planned, and again when the last pass said something becomes due (a delay, a
 * rate-limit window, a retry). Passes never overlap.
 */
export class DispatchLoop {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly onReport: (report: DispatchReport) => void = () => {},
    private readonly onError: (error: unknown) => void = () => {},
    private readonly idleMs = 5_000,
  ) {}

  /** Asks for a pass soon (coalesced with one already under way). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#running = this.#pass().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  async #pass(): Promise<void> {
    let delay = this.idleMs;
    try {
      const report = await this.dispatcher.runDue();
      this.onReport(report);
      if (report.nextWakeAt !== null) delay = Math.min(delay, Math.max(0, report.nextWakeAt - Date.now()));
    } catch (error) {
      this.onError(error);
    }
    if (!this.#stopped) this.#timer = setTimeout(() => this.wake(), delay);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
