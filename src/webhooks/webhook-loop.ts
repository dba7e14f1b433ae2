import type { SendPass, WebhookSender } from './webhook-sender.js';

/**
 * Keeps the sender running in a worker: a pass every `intervalMs` (deliveries are
 * queued by ingest in another transaction, possibly in another process), sooner when
 * woken; passes never overlap. `stop` waits for the pass in flight.
 */
export class WebhookLoop {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly sender: WebhookSender,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly intervalMs = 1_000,
    private readonly onPass: (pass: SendPass) => void = () => {},
  ) {}

  start(): this {
    this.wake();
    return this;
  }

  wake(): void {
    if (this.#stopped || this.#running) return;
    clearTimeout(this.#timer);
    this.#running = this.sender
      .runDue()
      .then(this.onPass, this.onError)
      .finally(() => {
        this.#running = undefined;
        if (!this.#stopped) this.#timer = setTimeout(() => this.wake(), this.intervalMs);
      });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
