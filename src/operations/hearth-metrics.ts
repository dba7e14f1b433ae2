import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Kysely } from 'kysely';
import type { IngestResult } from '../ingest/ingestor.js';
import type { Database } from '../store/schema.js';

/** How many batches wait in the event queue, and how many are being ingested. */
export interface QueueDepth {
  waiting: number;
  active: number;
  /** Batches waiting out a retry's backoff (BullMQ); 0 in process. */
  delayed: number;
}

/** What the gauges are read from at each scrape. */
export interface MetricsSources {
  db: Kysely<Database>;
  /** The event queue's depth; unset when the queue cannot tell. */
  queueDepth?: () => Promise<QueueDepth>;
  clock: () => number;
}

/**
 * The sources of a runtime: its database, its event queue's depth (when the queue can
 * tell), and a clock.
 */
export function sourcesOf(runtime: { store: { db: Kysely<Database> }; queue: { depth?(): Promise<QueueDepth> } }, clock: () => number): MetricsSources {
  const { queue } = runtime;
  return { db: runtime.store.db, clock, ...(queue.depth ? { queueDepth: () => queue.depth!() } : {}) };
}

/** One action the dispatcher finished, as far as the metrics need it (a `Dispatched` fits). */
export interface DispatchOutcome {
  outboxId: number;
  status: string;
}

/** The outbox statuses always reported, at 0 when no row has them, so a graph has no gaps. */
const KNOWN_STATUSES = ['pending', 'sending', 'done', 'parked', 'discarded'];

/**
 * Hearth's Prometheus metrics, on a registry of its own (never prom-client's global
 * one), so two apps in one process — tests, mostly — never see each other's figures.
 * Only aggregate figures: no group, member or workspace name is ever a label.
 *
 * Counters are fed by the process that does the work (`recordIngest` from the
 * runtime's ingest, `recordDispatch` from the dispatcher's `onDone`); gauges are read
 * from the database and the event queue at each `render()` (each scrape). In scale mode each
 * process counts its own work: Prometheus sums them across targets.
 *
 * @example
 * const metrics = new HearthMetrics();
 * const runtime = await HearthRuntime.open(target, { onIngested: metrics.recordIngest, dispatcher: { onDone: (d) => metrics.recordDispatch(d) } });
 * metrics.watch(sourcesOf(runtime, Date.now));
 * const text = await metrics.render();
 */
export class HearthMetrics {
  readonly registry = new Registry();
  readonly #ingested: Counter<'outcome'>;
  readonly #dispatchErrors: Counter<'platform'>;
  readonly #outboxRows: Gauge<'status'>;
  readonly #outboxLag: Gauge;
  readonly #queueDepth: Gauge<'state'>;
  readonly #up: Gauge<'source'>;
  #sources: MetricsSources | undefined;
  #defaults = false;

  constructor() {
    const registers = [this.registry];
    this.#ingested = new Counter({
      name: 'hearth_events_ingested_total',
      help: 'Events this process handed to ingest, by outcome: stored (new), duplicate (seen before), rejected (invalid).',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['stored', 'duplicate', 'rejected']) this.#ingested.inc({ outcome }, 0);
    this.#dispatchErrors = new Counter({
      name: 'hearth_dispatch_errors_total',
      help: 'Actions this process tried to send and could not (to be retried, failed or parked), by platform.',
      labelNames: ['platform'],
      registers,
    });

    this.#outboxRows = new Gauge({ name: 'hearth_outbox_rows', help: 'Rows in the outbox, by status.', labelNames: ['status'], registers });
    this.#outboxLag = new Gauge({ name: 'hearth_outbox_lag_seconds', help: 'How long the oldest due pending action has been waiting to be sent (0 when none is due).', registers });
    this.#queueDepth = new Gauge({
      name: 'hearth_queue_depth',
      help: 'Event batches in the queue: waiting, being ingested (active), waiting out a retry (delayed).',
      labelNames: ['state'],
      registers,
    });
    this.#up = new Gauge({ name: 'hearth_metrics_source_up', help: 'Whether this scrape could read the source (1) or not (0).', labelNames: ['source'], registers });
  }

  /** Where the gauges read from (the app calls it with its runtime's database and queue). */
  watch(sources: MetricsSources): void {
    this.#sources = sources;
  }

  /** Counts a batch's ingest results. Bound, so it can be passed as a callback. */
  readonly recordIngest = (results: readonly IngestResult[]): void => {
    let stored = 0;
    let duplicate = 0;
    let rejected = 0;
    for (const r of results) {
      if (r.status === 'stored') stored++;
      else if (r.status === 'duplicate') duplicate++;
      else rejected++;
    }
    if (stored) this.#ingested.inc({ outcome: 'stored' }, stored);
    if (duplicate) this.#ingested.inc({ outcome: 'duplicate' }, duplicate);
    if (rejected) this.#ingested.inc({ outcome: 'rejected' }, rejected);
  };

  /**
   * Counts a dispatch pass's errors (every outcome but `done`) by platform, read from
   * the outbox rows. Bound, so it can be the dispatcher's `onDone`.
   */
  readonly recordDispatch = async (dispatched: readonly DispatchOutcome[]): Promise<void> => {
    const failed = dispatched.filter((d) => d.status !== 'done').map((d) => d.outboxId);
    if (failed.length === 0) return;
    if (!this.#sources) return void this.#dispatchErrors.inc({ platform: 'unknown' }, failed.length);
    const rows = await this.#sources.db.selectFrom('outbox').select(['id', 'platform']).where('id', 'in', failed).execute();
    for (const row of rows) this.#dispatchErrors.inc({ platform: row.platform });
  };

  /** The Prometheus text exposition of every metric, process defaults included. */
  async render(): Promise<string> {
    // Process metrics start with the first scrape: an app nobody scrapes (a test) sets up no GC observer.
    if (!this.#defaults) {
      collectDefaultMetrics({ register: this.registry });
      this.#defaults = true;
    }
    await this.#read();
    return this.registry.metrics();
  }

  /** Reads the gauges' sources, all at once, before the registry renders them. */
  async #read(): Promise<void> {
    const sources = this.#sources;
    if (!sources) return;
    const [database, queue] = await Promise.all([this.#readOutbox(sources).then(ok, failed), this.#readQueue(sources).then(ok, failed)]);
    this.#up.set({ source: 'database' }, database);
    if (sources.queueDepth) this.#up.set({ source: 'queue' }, queue);
  }

  async #readOutbox({ db, clock }: MetricsSources): Promise<void> {
    this.#outboxRows.reset();
    this.#outboxLag.reset();
    const now = clock();
    const [rows, oldest] = await Promise.all([
      db
        .selectFrom('outbox')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute(),
      db
        .selectFrom('outbox')
        .select((eb) => eb.fn.min<number | null>('next_attempt_at').as('at'))
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .executeTakeFirst(),
    ]);
    const counts = new Map<string, number>(KNOWN_STATUSES.map((s) => [s, 0]));
    for (const row of rows) counts.set(String(row.status), Number(row.n));
    for (const [status, n] of counts) this.#outboxRows.set({ status }, n);
    const at = oldest?.at === null || oldest?.at === undefined ? null : Number(oldest.at);
    this.#outboxLag.set(at === null ? 0 : Math.max(0, (now - at) / 1000));
  }

  async #readQueue({ queueDepth }: MetricsSources): Promise<void> {
    this.#queueDepth.reset();
    if (!queueDepth) return;
    const d = await queueDepth();
    this.#queueDepth.set({ state: 'waiting' }, d.waiting);
    this.#queueDepth.set({ state: 'active' }, d.active);
    this.#queueDepth.set({ state: 'delayed' }, d.delayed);
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

const ok = () => 1;
const failed = () => 0;
