import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeSandboxPayload } from '../src/platforms/sandbox/normalizer.js';
import { createEventQueue } from '../src/queue/create-event-queue.js';
import { Rng } from '../src/simulator/random.js';
import { dropPostgresSchema, openStore, type DatabaseTarget } from '../src/store/database.js';
import { buildWorkload, setUpBenchWorkspace, type Workload } from './bench-workload.js';
import { CrashLoop, type CrashLoopHooks, type CrashLoopStats, killPoints } from './r1-crash-loop.js';
import type { R1ChildConfig } from './r1-child.js';
import { inFlightSends, referenceRun, tallyRun, type R1Reference, type R1Tally } from './r1-tally.js';

/**
 * R1 — crash recovery. A process running Hearth is killed with SIGKILL at random
 * points while simulated traffic streams in, restarted, and at the end everything it
 * was given is counted against an uncrashed run of the same payloads:
 *
 * - embedded: SQLite, the in-process queue; R1 plays the platform and redelivers every
 *   batch the process did not acknowledge (ack = after the ingest transaction
 *   committed), as Telegram redelivers unconfirmed updates;
 * - queue mode: PostgreSQL + BullMQ on Redis; R1 enqueues as a receiver does and
 *   kills the worker process.
 *
 * "Lost" is a delivered event (an acknowledged batch, or one Redis accepted) missing
 * from the event log; "duplicated" an event stored twice. Actions: the welcome and
 * keyword replies the rules plan must be in the outbox once per trigger and sent once
 * through the sandbox, whose sender is idempotent by the action's key. What Telegram
 * could still double is measured too: sends the platform had received when the kill
 * came but the outbox had not yet marked done (`deliveredUnmarkedAtKill`).
 */
export interface R1Options {
  /** Seeds the simulated traffic and the kill points (the report prints it). */
  seed?: number;
  /** Embedded mode: events streamed, kills, events per batch. */
  events?: number;
  kills?: number;
  batchSize?: number;
  /** Queue mode runs when both URLs are given; otherwise it is reported as skipped. */
  queue?: { databaseUrl?: string | undefined; redisUrl?: string | undefined; events?: number; kills?: number };
  /** The dispatcher's lease in the killed process: how soon a half-done send is taken over after a restart (Hearth's default is 60 s). */
  leaseMs?: number;
  /** Directory for the SQLite files (default: a temp dir, removed afterwards). */
  dir?: string;
  /** Give up after this long per mode. Default 10 minutes. */
  timeoutMs?: number;
  onProgress?: (message: string) => void;
}

/** One mode's run. */
export interface R1ModeResult extends R1Tally {
  mode: 'embedded' | 'queue';
  events: number;
  batchSize: number;
  /** Events the platform counts as delivered: in acknowledged batches (embedded), accepted by Redis (queue). */
  delivered: number;
  kills: number;
  /** Exits R1 did not cause (the process restarted; 0 expected). */
  crashes: number;
  /** Per kill, ms from the kill until the restarted process made progress again. */
  recoveryMs: number[];
  /** Summed over the kills: sends claimed but not marked done when the process died… */
  inFlightAtKill: number;
  /** …of which the platform had already received the message: each is sent again after the restart (one message on the sandbox; two on Telegram). */
  deliveredUnmarkedAtKill: number;
  elapsedMs: number;
}

export interface R1Result {
  seed: number;
  /** Summed over the modes run. */
  lost: number;
  duplicated: number;
  /** Group-days whose counts differ from the uncrashed run (a batch counted twice or not at all). */
  rollupsMismatched: number;
  kills: number;
  events: number;
  /** Planned actions missing or never sent; planned twice or sent twice. Summed over the modes run. */
  actionsLost: number;
  actionsDuplicated: number;
  embedded: R1ModeResult;
  queueMode: R1ModeResult | { skipped: string };
}

const DEFAULTS = { seed: 20_260_107, events: 20_000, kills: 5, batchSize: 200, leaseMs: 2_000, timeoutMs: 600_000 };
/** Batches the platform has out to the embedded process at once, unacknowledged. */
const WINDOW = 4;

export async function runR1(options: R1Options = {}): Promise<R1Result> {
  const seed = options.seed ?? DEFAULTS.seed;
  const batchSize = options.batchSize ?? DEFAULTS.batchSize;
  const log = options.onProgress ?? (() => {});
  const embeddedEvents = options.events ?? DEFAULTS.events;
  const { databaseUrl, redisUrl } = options.queue ?? {};
  const queueEvents = options.queue?.events ?? Math.min(embeddedEvents, 10_000);
  const runQueue = Boolean(databaseUrl && redisUrl);
  log(`R1 seed ${seed}: ${embeddedEvents.toLocaleString('en-US')} events embedded${runQueue ? `, ${queueEvents.toLocaleString('en-US')} in queue mode` : ''}`);

  const workload = buildWorkload({ events: Math.max(embeddedEvents, runQueue ? queueEvents : 0), seed });
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hearth-r1-'));
  if (!ownDir) mkdirSync(dir, { recursive: true });
  const runId = `${seed.toString(36)}${randomBytes(3).toString('hex')}`;
  const common = { seed, batchSize, workload, leaseMs: options.leaseMs ?? DEFAULTS.leaseMs, timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs, log };
  try {
    const references = new Map<number, Promise<R1Reference>>();
    const reference = (events: number) => {
      let r = references.get(events);
      if (!r) references.set(events, (r = referenceRun(join(dir, `r1-${runId}-reference-${events}.db`), workload, workload.payloads.slice(0, events), batchSize)));
      return r;
    };
    const embedded = await runMode({
      ...common,
      mode: 'embedded',
      events: embeddedEvents,
      kills: options.kills ?? DEFAULTS.kills,
      reference: await reference(embeddedEvents),
      target: { kind: 'sqlite', file: join(dir, `r1-${runId}-embedded.db`) },
    });
    const queueMode: R1ModeResult | { skipped: string } = runQueue
      ? await runMode({
          ...common,
          mode: 'queue',
          events: queueEvents,
          kills: options.queue?.kills ?? options.kills ?? DEFAULTS.kills,
          reference: await reference(queueEvents),
          target: { kind: 'postgres', url: databaseUrl!, schema: `r1_${runId}` },
          redisUrl: redisUrl!,
          prefix: `hearth-r1-${runId}`,
        })
      : { skipped: 'queue mode needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL' };
    const modes = 'mode' in queueMode ? [embedded, queueMode] : [embedded];
    const sum = (f: (m: R1ModeResult) => number) => modes.reduce((n, m) => n + f(m), 0);
    return {
      seed,
      lost: sum((m) => m.lost),
      duplicated: sum((m) => m.duplicated),
      rollupsMismatched: sum((m) => m.rollupsMismatched),
      kills: sum((m) => m.kills),
      events: sum((m) => m.events),
      actionsLost: sum((m) => m.actions.lost + m.sends.missing),
      actionsDuplicated: sum((m) => m.actions.duplicated + m.sends.doubled),
      embedded,
      queueMode,
    };
  } finally {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  }
}

interface ModeRun {
  mode: 'embedded' | 'queue';
  seed: number;
  events: number;
  kills: number;
  batchSize: number;
  workload: Workload;
  reference: R1Reference;
  target: DatabaseTarget;
  redisUrl?: string;
  prefix?: string;
  leaseMs: number;
  timeoutMs: number;
  log: (message: string) => void;
}

async function runMode(run: ModeRun): Promise<R1ModeResult> {
  const started = performance.now();
  const payloads = run.workload.payloads.slice(0, run.events);
  const batches: unknown[][] = [];
  for (let i = 0; i < payloads.length; i += run.batchSize) batches.push(payloads.slice(i, i + run.batchSize));
  const rng = Rng.from(run.seed, run.mode === 'embedded' ? 1 : 2);
  const points = killPoints(rng, batches.length, run.kills);
  run.log(`R1 ${run.mode}: ${batches.length} batches of ${run.batchSize}, kills after batches ${points.join(', ')}`);

  // This process's own handle on the database: set-up, the look at each kill, the count.
  const store = await openStore(run.target);
  let queue: Awaited<ReturnType<typeof createEventQueue>> | undefined;
  try {
    const workspaceId = await setUpBenchWorkspace(store.db, run.workload.groups);
    const config: R1ChildConfig = { mode: run.mode, target: run.target, workspaceId, leaseMs: run.leaseMs, ...(run.redisUrl ? { redisUrl: run.redisUrl, prefix: run.prefix! } : {}) };
    const loop = new CrashLoop({ config, rng, killPoints: points, timeoutMs: run.timeoutMs });
    const atKill = { inFlight: 0, deliveredUnmarked: 0 };
    const afterKill = async () => {
      const seen = await inFlightSends(store.db, workspaceId);
      atKill.inFlight += seen.inFlight;
      atKill.deliveredUnmarked += seen.deliveredUnmarked;
      run.log(`R1 ${run.mode}: killed; ${seen.inFlight} sends in flight, ${seen.deliveredUnmarked} of them already in the room; restarting`);
    };

    let delivered = 0;
    let stats: CrashLoopStats;
    if (run.mode === 'embedded') {
      const acked = new Set<number>();
      let ackedUpTo = 0;
      let sentUpTo = 0;
      const pump = (child: Parameters<CrashLoopHooks['ready']>[0]) => {
        while (sentUpTo < batches.length && sentUpTo < ackedUpTo + WINDOW) {
          // A process already gone (its last ack can arrive after it died): the next one starts from the first unacknowledged batch.
          if (!child.send({ type: 'batch', index: sentUpTo, payloads: batches[sentUpTo]! })) break;
          sentUpTo++;
        }
        if (ackedUpTo === batches.length) loop.requestFinish();
      };
      stats = await loop.run({
        ready: (child) => {
          // Everything not acknowledged is delivered again, from the first unconfirmed batch.
          sentUpTo = ackedUpTo;
          pump(child);
        },
        message: (message, child) => {
          if (message.type !== 'ack') return 0;
          if (!acked.has(message.index)) {
            acked.add(message.index);
            delivered += batches[message.index]!.length;
          }
          while (acked.has(ackedUpTo)) ackedUpTo++;
          pump(child);
          return 1;
        },
        afterKill,
      });
    } else {
      queue = await createEventQueue({ redisUrl: run.redisUrl, prefix: run.prefix, onError: (e) => run.log(`R1 queue: ${e.message}`) });
      const events = batches.map((b) => b.flatMap((p) => normalizeSandboxPayload(p)));
      const q = queue;
      const produce = (async () => {
        for (const batch of events) {
          await q.enqueue({ workspaceId, events: batch });
          delivered += batch.length;
        }
        await q.drained();
        loop.requestFinish();
      })();
      // Redis refusing the stream ends the run; should the crash loop give up first, the queue is closed under this and its error is not the one to report.
      produce.catch((error: unknown) => loop.abort(error instanceof Error ? error : new Error(String(error))));
      stats = await loop.run({ ready: () => {}, message: (message) => (message.type === 'ingested' ? 1 : 0), afterKill });
      await produce;
    }

    const tally = await tallyRun(
      store.db,
      workspaceId,
      payloads.map((p) => normalizeSandboxPayload(p)[0]!.dedupKey),
      run.reference,
    );
    const result: R1ModeResult = {
      mode: run.mode,
      events: payloads.length,
      batchSize: run.batchSize,
      delivered,
      ...stats,
      ...tally,
      inFlightAtKill: atKill.inFlight,
      deliveredUnmarkedAtKill: atKill.deliveredUnmarked,
      elapsedMs: Math.round(performance.now() - started),
    };
    run.log(
      `R1 ${run.mode}: ${result.kills} kills, ${result.lost} lost, ${result.duplicated} duplicated, ${result.rollupsMismatched} group-days miscounted; actions ${result.actions.planned}/${result.actions.expected} planned (${result.actions.lost} lost, ${result.actions.duplicated} doubled), sends ${result.sends.delivered}/${result.sends.expected} (${result.sends.missing} missing, ${result.sends.doubled} doubled, ${result.sends.resentAfterCrash} resent after a kill, ${result.deliveredUnmarkedAtKill} delivered but unmarked at a kill) in ${(result.elapsedMs / 1000).toFixed(1)} s`,
    );
    return result;
  } finally {
    if (queue && 'obliterate' in queue) await (queue as { obliterate(): Promise<void> }).obliterate().catch(() => {});
    await queue?.close();
    await store.close();
    await cleanUp(run.target);
  }
}

async function cleanUp(target: DatabaseTarget): Promise<void> {
  if (target.kind === 'postgres' && target.schema) await dropPostgresSchema(target.url, target.schema);
  else if (target.kind === 'sqlite') for (const suffix of ['', '-wal', '-shm']) rmSync(target.file + suffix, { force: true });
}
