import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { QueueClosedError, asError, type EventBatch, type EventBatchFailed, type EventBatchHandler, type EventQueue, type RetryPolicy } from './event-queue.js';

export interface BullmqEventQueueOptions extends RetryPolicy {
  /** `redis://` or `rediss://` URL. */
  redisUrl: string;
  /** Prefix of every Redis key of the queue. Default `hearth`; tests use one per run. */
  prefix?: string;
  /** The queue's name under the prefix. Default `events`. */
  name?: string;
  /** Batches one consumer handles at once. Default 1, which keeps batches in FIFO order. */
  concurrency?: number;
  /**
   * How long finished jobs are kept. A batch enqueued again while its job is kept is
   * dropped without touching the database; later it is ingested again, as duplicates.
   * Failed jobs are kept so an operator can inspect them, and so a redelivery can
   * revive them. Defaults: completed 1 hour / 10,000 jobs, failed 7 days / 10,000.
   */
  keep?: { completed?: { ageSeconds: number; count: number }; failed?: { ageSeconds: number; count: number } };
  /**
   * How long `enqueue` waits for Redis before rejecting. Default 5,000 ms. A batch
   * stored after its caller gave up is still ingested once: the redelivery is deduped.
   */
  enqueueTimeoutMs?: number;
  /**
   * How a worker that died mid-batch is noticed: its lock lapses after `lockMs`, the
   * other workers look for lapsed locks every `stalledCheckMs`, and a batch whose
   * worker died more than `maxStalls` times is given up (a redelivery revives it).
   * Defaults 10 s, 5 s and 5: a killed worker's batch is taken over within about 15 s,
   * where BullMQ's own defaults (30 s, 30 s, 1) wait up to a minute and give up on the
   * second death.
   */
  stalls?: { lockMs?: number; stalledCheckMs?: number; maxStalls?: number };
  /** Called on the consumer when a batch is given up after its last attempt. */
  onFailed?: EventBatchFailed;
  /** Connection and worker errors BullMQ reports outside any job. Default: a line on stderr. */
  onError?: (error: Error) => void;
}

const JOB_NAME = 'ingest';

/**
 * The scale-mode queue: BullMQ on Redis. Receivers `enqueue` (one producer
 * connection, failing fast when Redis is unreachable so a webhook can answer 5xx and
 * be redelivered); worker processes `consume` (a BullMQ Worker on its own connection,
 * which waits out Redis restarts).
 *
 * A batch's job id is derived from its workspace and its events' dedup keys, so the
 * same batch enqueued again is one job while that job is kept (see `keep`); ingest
 * dedups whatever gets past that. A failing handler is retried with exponential
 * backoff (default 10 attempts from 1 s, about 8½ minutes in all, with jitter so
 * workers do not retry in step after a database restart). A worker that dies
 * mid-batch loses its lock and another worker redoes the batch. Connections are
 * created on first use: a web-only process never opens a worker connection.
 */
export class BullmqEventQueue implements EventQueue {
  readonly kind = 'bullmq' as const;
  readonly #options: BullmqEventQueueOptions;
  readonly #name: string;
  readonly #prefix: string;
  readonly #onError: (error: Error) => void;
  readonly #connections: Redis[] = [];
  #queue: Queue<EventBatch> | undefined;
  #worker: Worker<EventBatch> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: BullmqEventQueueOptions) {
    this.#options = options;
    this.#name = options.name ?? 'events';
    this.#prefix = options.prefix ?? 'hearth';
    this.#onError = options.onError ?? ((error) => console.error(`[hearth] event queue ${this.#prefix}:${this.#name}: ${error.message}`));
  }

  async enqueue(batch: EventBatch): Promise<void> {
    if (this.#closing) throw new QueueClosedError(this.kind);
    if (batch.events.length === 0) return;
    const queue = this.#producer();
    const jobId = eventBatchJobId(batch);
    const data: EventBatch = {
      workspaceId: batch.workspaceId,
      connectionId: batch.connectionId ?? null,
      events: batch.events,
      ...(batch.automations === undefined ? {} : { automations: batch.automations }),
    };
    await withTimeout(this.#options.enqueueTimeoutMs ?? 5_000, `Redis did not accept the batch (queue ${this.#prefix}:${this.#name})`, async () => {
      await queue.add(JOB_NAME, data, { jobId });
      // BullMQ drops an add whose id exists, even a job that failed for good: the
      // platform delivering the batch again is its chance to be ingested after all.
      if ((await queue.getJobState(jobId)) === 'failed') {
        const job = await queue.getJob(jobId);
        await job?.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      }
    });
  }

  async consume(handler: EventBatchHandler): Promise<void> {
    if (this.#closing) throw new QueueClosedError(this.kind);
    if (this.#worker) throw new Error('this event queue already has a consumer');
    // A worker blocks on Redis while it waits for jobs; with a finite retry count those
    // commands would fail during a Redis restart instead of waiting for it.
    const connection = this.#connect({ maxRetriesPerRequest: null });
    const worker = new Worker<EventBatch>(
      this.#name,
      async (job: Job<EventBatch>) => {
        if (!isEventBatch(job.data)) throw new UnrecoverableError(`job ${job.id} does not hold an event batch`);
        await handler(job.data);
      },
      {
        connection,
        prefix: this.#prefix,
        concurrency: this.#options.concurrency ?? 1,
        lockDuration: this.#options.stalls?.lockMs ?? 10_000,
        stalledInterval: this.#options.stalls?.stalledCheckMs ?? 5_000,
        maxStalledCount: this.#options.stalls?.maxStalls ?? 5,
      },
    );
    this.#worker = worker;
    worker.on('error', (error) => this.#onError(asError(error)));
    worker.on('failed', (job, error) => {
      // 'failed' fires for every failed attempt; finishedOn is set only when BullMQ gave up.
      if (job?.finishedOn === undefined) return;
      if (isEventBatch(job.data)) this.#options.onFailed?.(asError(error), job.data);
      else this.#onError(asError(error));
    });
    await worker.waitUntilReady();
  }

  async depth(): Promise<{ waiting: number; active: number; delayed: number }> {
    const counts = await this.#producer().getJobCounts('wait', 'prioritized', 'active', 'delayed');
    return { waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0, delayed: counts.delayed ?? 0 };
  }

  async drained(): Promise<void> {
    const queue = this.#producer();
    for (;;) {
      const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (Object.values(counts).every((n) => n === 0)) return;
      await sleep(25);
    }
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#worker?.close();
        await this.#queue?.close();
      } finally {
        await Promise.all(
          this.#connections.map((c) =>
            c.quit().then(
              () => {},
              () => c.disconnect(),
            ),
          ),
        );
      }
    })();
    return this.#closing;
  }

  /** Deletes every key of this queue, jobs in flight included. For tests and resetting a dev box. */
  async obliterate(): Promise<void> {
    await this.#producer().obliterate({ force: true });
  }

  #producer(): Queue<EventBatch> {
    if (this.#queue) return this.#queue;
    // Fail fast while Redis is unreachable rather than hold a webhook request open
    // (see also enqueueTimeoutMs).
    const connection = this.#connect({ enableOfflineQueue: false });
    const keep = this.#options.keep ?? {};
    const completed = keep.completed ?? { ageSeconds: 3600, count: 10_000 };
    const failed = keep.failed ?? { ageSeconds: 7 * 24 * 3600, count: 10_000 };
    this.#queue = new Queue<EventBatch>(this.#name, {
      connection,
      prefix: this.#prefix,
      defaultJobOptions: {
        attempts: Math.max(1, this.#options.attempts ?? 10),
        backoff: { type: 'exponential', delay: Math.max(0, this.#options.backoffMs ?? 1000), jitter: 0.25 },
        removeOnComplete: { age: completed.ageSeconds, count: completed.count },
        removeOnFail: { age: failed.ageSeconds, count: failed.count },
      },
    });
    this.#queue.on('error', (error) => this.#onError(asError(error)));
    return this.#queue;
  }

  #connect(options: { maxRetriesPerRequest?: null; enableOfflineQueue?: boolean }): Redis {
    const connection = new Redis(this.#options.redisUrl, { ...options, connectionName: `hearth:${this.#name}` });
    // BullMQ reports errors through the Queue/Worker 'error' events; this listener only
    // keeps ioredis from printing an unhandled-error warning of its own.
    connection.on('error', () => {});
    this.#connections.push(connection);
    return connection;
  }
}

/**
 * The BullMQ job id of a batch: a hash of its workspace and its events' dedup keys in
 * order (the JSON of an item without one stands in for its key). BullMQ rejects ids
 * that are integers or contain `:`; a hex digest after a letter is neither.
 */
export function eventBatchJobId(batch: EventBatch): string {
  const keys = batch.events.map((event) => {
    const key = typeof event === 'object' && event !== null ? (event as { dedupKey?: unknown }).dedupKey : undefined;
    return typeof key === 'string' ? `k${key}` : `j${JSON.stringify(event)}`;
  });
  return `b${createHash('sha256')
    .update(JSON.stringify([batch.workspaceId, keys]))
    .digest('hex')}`;
}

/**
 * Rejects after `ms` unless `work` settles first. Needed beyond `enableOfflineQueue:
 * false`: before a connection has ever been ready BullMQ waits for it indefinitely.
 */
async function withTimeout<T>(ms: number, message: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isEventBatch(value: unknown): value is EventBatch {
  const batch = value as Partial<EventBatch> | null;
  return typeof batch === 'object' && batch !== null && Number.isInteger(batch.workspaceId) && Array.isArray(batch.events);
}
