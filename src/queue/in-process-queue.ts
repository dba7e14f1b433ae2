import { setTimeout as sleep } from 'node:timers/promises';
import { QueueClosedError, asError, type EventBatch, type EventBatchFailed, type EventBatchHandler, type EventQueue, type RetryPolicy } from './event-queue.js';

export interface InProcessEventQueueOptions extends RetryPolicy {
  /** Called for a batch given up after its last attempt (its `enqueue` also rejects). */
  onFailed?: EventBatchFailed;
}

interface Pending {
  batch: EventBatch;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The embedded-mode queue: batches are handled in this process, one at a time, in the
 * order they were enqueued. `enqueue` resolves when its batch has been handled and
 * rejects with the handler's last error once retries are spent, because there is
 * nothing durable to keep a failed batch in: the receiver answers the platform with
 * an error and the platform redelivers. Defaults are short (3 attempts, 200 ms, 400 ms
 * apart) since a webhook request waits on them.
 *
 * Batches enqueued before `consume` wait in memory and go first once it is called.
 */
export class InProcessEventQueue implements EventQueue {
  readonly kind = 'in-process' as const;
  readonly #attempts: number;
  readonly #backoffMs: number;
  readonly #onFailed: EventBatchFailed | undefined;
  readonly #waiting: Pending[] = [];
  #drainedWaiters: (() => void)[] = [];
  #handler: EventBatchHandler | undefined;
  #loop: Promise<void> | undefined;
  #closed = false;

  constructor(options: InProcessEventQueueOptions = {}) {
    this.#attempts = Math.max(1, options.attempts ?? 3);
    this.#backoffMs = Math.max(0, options.backoffMs ?? 200);
    this.#onFailed = options.onFailed;
  }

  async enqueue(batch: EventBatch): Promise<void> {
    if (this.#closed) throw new QueueClosedError(this.kind);
    if (batch.events.length === 0) return;
    // The same JSON trip a batch makes through Redis, so a value that would not survive
    // scale mode (a Date, a Map, a BigInt) is changed or refused here too, not only there.
    const copy = JSON.parse(JSON.stringify(batch)) as EventBatch;
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ batch: copy, resolve, reject });
      this.#pump();
    });
  }

  async consume(handler: EventBatchHandler): Promise<void> {
    if (this.#closed) throw new QueueClosedError(this.kind);
    if (this.#handler) throw new Error('this event queue already has a consumer');
    this.#handler = handler;
    this.#pump();
  }

  async depth(): Promise<{ waiting: number; active: number; delayed: number }> {
    return { waiting: this.#waiting.length, active: this.#loop ? 1 : 0, delayed: 0 };
  }

  drained(): Promise<void> {
    if (!this.#loop && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainedWaiters.push(resolve));
  }

  /**
   * With a consumer, handles every batch already enqueued first (there is no other
   * process to leave them to); without one, rejects them with `QueueClosedError`.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (!this.#handler) {
      for (const pending of this.#waiting.splice(0)) pending.reject(new QueueClosedError(this.kind));
      this.#settleDrained();
    }
    await this.#loop;
  }

  #pump(): void {
    const handler = this.#handler;
    if (this.#loop || !handler || this.#waiting.length === 0) return;
    this.#loop = this.#run(handler);
  }

  async #run(handler: EventBatchHandler): Promise<void> {
    // Starts handling on the next tick, so #loop is set before anything here runs.
    await null;
    for (let next = this.#waiting.shift(); next; next = this.#waiting.shift()) {
      try {
        await this.#handle(handler, next.batch);
        next.resolve();
      } catch (error) {
        next.reject(asError(error));
      }
    }
    // No await between the empty check above and here: an enqueue cannot slip in.
    this.#loop = undefined;
    this.#settleDrained();
  }

  async #handle(handler: EventBatchHandler, batch: EventBatch): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await handler(batch);
      } catch (thrown) {
        const error = asError(thrown);
        if (attempt >= this.#attempts) {
          this.#onFailed?.(error, batch);
          throw error;
        }
        await sleep(this.#backoffMs * 2 ** (attempt - 1));
      }
    }
  }

  #settleDrained(): void {
    if (this.#loop || this.#waiting.length > 0) return;
    const waiters = this.#drainedWaiters;
    this.#drainedWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
