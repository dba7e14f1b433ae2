import type { Dispatcher, DispatchReport } from './dispatcher.js';

/**
 * Keeps the dispatcher running in a long-lived process: a pass whenever new actions
 * are planned, and again when a pass said something becomes due (a delay, a
 * rate-limit window, a retry). Deciding passes never overlap, but the loop does not
 * wait for a slow platform's answers before the next pass: sends in flight keep
 * their rows (claimed) and their groups (held back) until they are answered.
 */
export class DispatchLoop {
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  #deciding: Promise<void> | undefined;
  readonly #sending = new Set<Promise<void>>();
  #again = false;
  #stopped = false;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly onReport: (report: DispatchReport) => void = () => {},
    private readonly onError: (error: unknown) => void = () => {},
    private readonly idleMs = 5_000,
  ) {}

  /** Asks for a pass soon (coalesced with one being decided). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#deciding) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    this.#deciding = this.#pass().finally(() => {
      this.#deciding = undefined;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  async #pass(): Promise<void> {
    let at = Date.now() + this.idleMs;
    try {
      const started = await this.dispatcher.startPass();
      if (started.nextWakeAt !== null) at = Math.min(at, started.nextWakeAt);
      const sending = started.finished.then(
        (report) => {
          this.onReport(report);
          // Sends answered free their groups (and maybe their windows): look again.
          if (report.dispatched.length > 0 || report.unreadable.length > 0) this.wake();
          else if (report.nextWakeAt !== null) this.#schedule(report.nextWakeAt);
        },
        (error: unknown) => this.onError(error),
      );
      this.#sending.add(sending);
      void sending.finally(() => this.#sending.delete(sending));
    } catch (error) {
      this.onError(error);
    }
    this.#schedule(at);
  }

  /** Wakes at `at` unless an earlier wake is already set. */
  #schedule(at: number): void {
    if (this.#stopped || at >= this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.wake(), Math.max(0, at - Date.now()));
  }

  /** Stops waking and waits for the pass being decided and the sends in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#deciding;
    await Promise.all(this.#sending);
  }
}
