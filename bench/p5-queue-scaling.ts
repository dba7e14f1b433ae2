import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { EventInput } from '../src/core/event.js';
import { normalizeSandboxPayload } from '../src/platforms/sandbox/normalizer.js';
import { BullmqEventQueue } from '../src/queue/bullmq-queue.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { dropPostgresSchema, openStore } from '../src/store/database.js';
import { buildWorkload, setUpBenchWorkspace } from './bench-workload.js';

/**
 * P5 — queue mode scaling: events/s ingested by 2 worker processes ÷ by 1, on
 * PostgreSQL and Redis (BullMQ). Each worker is its own OS process (a `HearthRuntime`
 * consuming the queue), so two workers really have two cores.
 *
 * For each worker count: a fresh PostgreSQL schema with the benchmark workspace (the
 * 20 rules, the groups), the workers started and ready, then every batch of the
 * same simulated traffic enqueued at once; timed from the first enqueue until the
 * queue is drained and every event is in the database. Then the stored dedup keys
 * are compared with the input: `lost` (sent, not stored) and `duplicated` (stored
 * more than once, or stored but never sent). Goal: ratio ≥ 1.6, nothing lost or doubled.
 *
 *   npx tsx bench/p5-queue-scaling.ts [--events 20000] [--batch 500] [--groups 12] [--json]
 */

export interface P5Options {
  events: number;
  batchSize: number;
  /** Simulated groups the traffic is spread over. */
  groups: number;
  databaseUrl?: string;
  redisUrl?: string;
  onProgress?: (message: string) => void;
}

export interface P5Run {
  workers: number;
  events: number;
  elapsedMs: number;
  eventsPerSec: number;
  stored: number;
  lost: number;
  duplicated: number;
  outboxActions: number;
  /**
   * CPU the workers used ingesting, in µs per event (their batch handlers, summed over
   * workers). With `load`, what says whether the machine or Hearth is the limit.
   */
  workerCpuUsPerEvent: number;
  load: { before: number; after: number };
}

export type P5Result =
  | {
      ratio: number;
      lost: number;
      duplicated: number;
      oneWorkerEventsPerSec: number;
      twoWorkersEventsPerSec: number;
      events: number;
      batchSize: number;
      groups: number;
      runs: P5Run[];
    }
  | { skipped: string };

export const P5_GOAL = 1.6;

/** Runs P5, or says why it was skipped (no PostgreSQL or Redis configured). */
export async function runP5(options: P5Options): Promise<P5Result> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl) return { skipped: `P5 needs PostgreSQL and Redis: ${!databaseUrl ? 'DATABASE_URL' : 'REDIS_URL'} is not set` };
  const log = options.onProgress ?? (() => {});
  const workload = buildWorkload({ events: options.events, groups: options.groups });
  const batches: EventInput[][] = [];
  for (let i = 0; i < workload.payloads.length; i += options.batchSize) {
    const batch: EventInput[] = [];
    for (const p of workload.payloads.slice(i, i + options.batchSize)) for (const e of normalizeSandboxPayload(p)) batch.push(e);
    batches.push(batch);
  }
  const runs: P5Run[] = [];
  for (const workers of [1, 2]) {
    const run = await runOnce(workers, batches, workload, { databaseUrl, redisUrl, log });
    log(
      `P5 ${workers} worker${workers > 1 ? 's' : ''}: ${Math.round(run.eventsPerSec).toLocaleString('en-US')} events/s, lost ${run.lost}, duplicated ${run.duplicated}, worker CPU ${Math.round(run.workerCpuUsPerEvent)} µs/event (load ${run.load.before.toFixed(2)} → ${run.load.after.toFixed(2)})`,
    );
    runs.push(run);
  }
  const [one, two] = runs as [P5Run, P5Run];
  return {
    ratio: two.eventsPerSec / one.eventsPerSec,
    lost: one.lost + two.lost,
    duplicated: one.duplicated + two.duplicated,
    oneWorkerEventsPerSec: one.eventsPerSec,
    twoWorkersEventsPerSec: two.eventsPerSec,
    events: workload.payloads.length,
    batchSize: options.batchSize,
    groups: options.groups,
    runs,
  };
}

async function runOnce(workers: number, batches: EventInput[][], workload: ReturnType<typeof buildWorkload>, env: { databaseUrl: string; redisUrl: string; log: (m: string) => void }): Promise<P5Run> {
  const tag = `p5_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ kind: 'postgres', url: env.databaseUrl, schema: tag });
  const queue = new BullmqEventQueue({ redisUrl: env.redisUrl, prefix: tag });
  const children: WorkerProcess[] = [];
  try {
    const workspaceId = await setUpBenchWorkspace(store.db, workload.groups);
    env.log(`P5 ${workers} worker(s): starting`);
    for (let w = 0; w < workers; w++) children.push(await startWorker(tag, env, workload.end));
    env.log(`P5 ${workers} worker(s): ready, enqueueing`);
    const loadBefore = loadavg()[0] ?? 0;
    const t0 = performance.now();
    await Promise.all(batches.map((events) => queue.enqueue({ workspaceId, events })));
    await queue.drained();
    const elapsedMs = performance.now() - t0;
    const loadAfter = loadavg()[0] ?? 0;

    const input = new Set<string>();
    for (const batch of batches) for (const e of batch) input.add(e.dedupKey);
    const stored = await store.db.selectFrom('event').select(['dedup_key']).where('workspace_id', '=', workspaceId).execute();
    const counts = new Map<string, number>();
    for (const { dedup_key } of stored) counts.set(dedup_key, (counts.get(dedup_key) ?? 0) + 1);
    let lost = 0;
    let duplicated = 0;
    for (const key of input) if (!counts.has(key)) lost++;
    for (const [key, n] of counts) duplicated += input.has(key) ? n - 1 : n;
    const outbox = Number(
      (
        await store.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    return {
      workers,
      events: input.size,
      elapsedMs,
      eventsPerSec: input.size / (elapsedMs / 1000),
      stored: stored.length,
      lost,
      duplicated,
      outboxActions: outbox,
      workerCpuUsPerEvent: children.reduce((sum, c) => sum + c.cpuUs(), 0) / input.size,
      load: { before: loadBefore, after: loadAfter },
    };
  } finally {
    for (const { child } of children) child.kill('SIGTERM');
    await Promise.all(children.map(({ child }) => (child.exitCode !== null ? undefined : new Promise((done) => child.once('exit', done)))));
    await queue.close();
    await store.close();
    await dropPostgresSchema(env.databaseUrl, tag);
  }
}

const SELF = fileURLToPath(import.meta.url);

/** The worker's queue, timing each batch it handles: its CPU after each batch on stdout, a summary on stderr with `HEARTH_P5_TRACE=1`. */
class TimedQueue extends BullmqEventQueue {
  readonly #ms: number[] = [];
  #cpuUs = 0;
  #first = 0;
  #last = 0;
  override consume(handler: Parameters<BullmqEventQueue['consume']>[0]): Promise<void> {
    return super.consume(async (batch) => {
      const t0 = performance.now();
      const cpu = process.cpuUsage();
      if (this.#first === 0) this.#first = t0;
      try {
        await handler(batch);
      } finally {
        const used = process.cpuUsage(cpu);
        this.#cpuUs += used.user + used.system;
        this.#last = performance.now();
        this.#ms.push(this.#last - t0);
        process.stdout.write(`cpu ${this.#cpuUs}\n`);
      }
    });
  }
  summary(): string {
    const ms = [...this.#ms].sort((a, b) => a - b);
    const sum = ms.reduce((a, b) => a + b, 0);
    const at = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0);
    return `${ms.length} batches over ${Math.round(this.#last - this.#first)} ms, ${Math.round(sum)} ms in handler using ${Math.round(this.#cpuUs / 1000)} ms CPU, median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms`;
  }
}

interface WorkerProcess {
  child: ChildProcess;
  /** CPU µs its batch handlers used so far (the worker says so after every batch). */
  cpuUs: () => number;
}

/** A worker process: a HearthRuntime on the schema, consuming the queue; resolves once it says it is ready. */
async function startWorker(tag: string, env: { databaseUrl: string; redisUrl: string }, clock: number): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--worker', tag, '--clock', String(clock)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl },
  });
  const lines = createInterface({ input: child.stdout! });
  let cpuUs = 0;
  await new Promise<void>((ready, fail) => {
    child.once('exit', (code) => fail(new Error(`P5 worker exited with ${code} before it was ready`)));
    lines.on('line', (line) => {
      if (line === 'ready') ready();
      else if (line.startsWith('cpu ')) cpuUs = Number(line.slice(4));
    });
  });
  return { child, cpuUs: () => cpuUs };
}

async function runWorker(tag: string, clock: number): Promise<void> {
  const queue = new TimedQueue({ redisUrl: process.env.REDIS_URL!, prefix: tag });
  const runtime = await HearthRuntime.open({ kind: 'postgres', url: process.env.DATABASE_URL!, schema: tag }, { clock: () => clock, queue, work: { consume: true } });
  await queue.depth();
  process.stdout.write('ready\n');
  const stop = async () => {
    if (process.env.HEARTH_P5_TRACE) process.stderr.write(`P5 worker ${process.pid}: ${queue.summary()}\n`);
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  const { values } = parseArgs({
    options: {
      worker: { type: 'string' },
      clock: { type: 'string' },
      events: { type: 'string', default: '20000' },
      batch: { type: 'string', default: '500' },
      groups: { type: 'string', default: '12' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.worker) await runWorker(values.worker, Number(values.clock));
  else {
    const result = await runP5({ events: Number(values.events), batchSize: Number(values.batch), groups: Number(values.groups), onProgress: (m) => process.stderr.write(`${m}\n`) });
    if (values.json || 'skipped' in result) console.log(JSON.stringify(result, null, 2));
    else
      console.log(
        `P5: 2 workers / 1 worker = ${result.ratio.toFixed(2)} (${Math.round(result.twoWorkersEventsPerSec)} / ${Math.round(result.oneWorkerEventsPerSec)} events/s); lost ${result.lost}, duplicated ${result.duplicated}; goal ≥ ${P5_GOAL}`,
      );
  }
}
