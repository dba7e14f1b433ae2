/**
 * A batch of events received from one place, on its way to ingest. The fields are
 * the arguments of `HearthRuntime.ingest(events, options)`, so a consumer is usually
 * one line: `(batch) => runtime.ingest(batch.events, batch).then(() => {})`.
 *
 * A batch travels as JSON (through Redis in scale mode, through a JSON copy in
 * embedded mode, so both behave alike): events must be plain, JSON-serializable
 * values, as normalizers produce.
 */
export interface EventBatch {
  workspaceId: number;
  /** The platform connection the events came through, when there is one. */
  connectionId?: number | null;
  /** Validated Events or raw inputs; ingest validates item by item. */
  events: readonly unknown[];
  /** Run automations. Live traffic leaves it unset (true); history imports pass false. */
  automations?: boolean;
}

/**
 * Handles one batch. Resolving means the batch is done; throwing means "try again
 * later" (a transient database error, a deadlock): the queue retries the whole batch
 * with exponential backoff. Handlers must therefore be idempotent, which ingest is,
 * by each event's dedup key. Items ingest rejects as invalid are a result, not an
 * error: they are not retried.
 */
export type EventBatchHandler = (batch: EventBatch) => Promise<void>;

/** Called once for a batch given up after its last attempt, with the last error. */
export type EventBatchFailed = (error: Error, batch: EventBatch) => void;

/** How a failing batch is retried: `attempts` in all, waiting `backoffMs`, 2×, 4×… between them. */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts?: number;
  /** Wait before the first retry; doubles for each further one. */
  backoffMs?: number;
}

/**
 * Where receivers (webhooks, bot connections, the sandbox) put the events they
 * receive, and where workers take them from to ingest. Two implementations share
 * this contract and one test suite:
 *
 * - `InProcessEventQueue` (embedded default): the handler runs in this process, one
 *   batch at a time in enqueue order; `enqueue` resolves when the batch is ingested.
 *   Nothing is durable: batches not yet handled are lost with the process.
 * - `BullmqEventQueue` (scale mode, `REDIS_URL`): `enqueue` resolves once the batch is
 *   stored in Redis; any number of processes `consume`; a batch enqueued again while
 *   its job is still known is one job; failures are retried with backoff, and a
 *   worker that dies mid-batch has its batch picked up by another.
 *
 * Order is kept within a batch always, and across batches with a single consumer of
 * concurrency 1; several consumers or a retry let a later batch pass an earlier one.
 *
 * @example
 * const queue = await createEventQueue({ redisUrl: config.redisUrl });
 * await queue.consume(async (batch) => void (await runtime.ingest(batch.events, batch)));
 * await queue.enqueue({ workspaceId, connectionId, events });
 * // at shutdown
 * await queue.close();
 */
export interface EventQueue {
  readonly kind: 'in-process' | 'bullmq';

  /**
   * Hands a batch to the queue. Resolves when the batch is safe: ingested (in
   * process) or stored in Redis (BullMQ). Rejects when it is not, so a receiver can
   * answer the platform with an error and let it redeliver. An empty batch is a no-op.
   */
  enqueue(batch: EventBatch): Promise<void>;

  /**
   * Starts handing batches to `handler`, including those enqueued before this call.
   * Resolves once the consumer is running. One handler per queue instance; run more
   * processes (or raise `concurrency`) to consume faster.
   */
  consume(handler: EventBatchHandler): Promise<void>;

  /**
   * Resolves once no batch is waiting, being handled or waiting for a retry (batches
   * given up after their last attempt do not count). For tests and graceful
   * shutdowns; it waits for ever if nothing consumes.
   */
  drained(): Promise<void>;

  /** How many batches wait, are being handled, or wait out a retry's backoff now (for `/metrics`). */
  depth?(): Promise<{ waiting: number; active: number; delayed: number }>;

  /**
   * Stops consuming after the batches in hand are handled, and releases every
   * connection and timer. Idempotent. Later `enqueue` calls reject with
   * `QueueClosedError`.
   */
  close(): Promise<void>;
}

/** The queue was closed: the batch was not accepted (or, in process, not handled). */
export class QueueClosedError extends Error {
  override readonly name = 'QueueClosedError';
  constructor(readonly queue: EventQueue['kind']) {
    super(`the ${queue} event queue is closed`);
  }
}

/** Makes any thrown value an Error, so callbacks and retries see one type. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
