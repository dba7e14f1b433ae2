import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConnectionStore } from '../src/connections/connection-store.js';
import { SecretBox } from '../src/connections/secret-box.js';
import { normalizeSandboxPayload } from '../src/platforms/sandbox/normalizer.js';
import { createEventQueue } from '../src/queue/create-event-queue.js';
import type { EventQueue } from '../src/queue/event-queue.js';
import { openStore, type Store } from '../src/store/database.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { FakeBotApi } from '../test/helpers/fake-bot-api.js';
import { planBroadcast } from './broadcast-setup.js';
import { buildWorkload, setUpBenchWorkspace } from './bench-workload.js';
import { privateServersMissing, startPrivateServers } from './r7-servers.js';
import { referenceRun, tallyRun, type R1Tally } from './r1-tally.js';

/**
 * R7 — PostgreSQL and Redis restarted mid-run in queue mode. R7 starts its own
 * PostgreSQL and Redis (bench/r7-servers.ts: a temp dir, free ports; Redis with the
 * append-only file, as deploy/compose.yaml runs it) and the roles an operator runs:
 *
 * - the receiver: this process enqueues simulator traffic (with the welcome and
 *   keyword rules on) into BullMQ at a steady pace; a batch Redis refuses is offered
 *   again 250 ms later, as a platform redelivers what a webhook answered with a 5xx;
 * - `workers` × `hearth serve --roles worker` processes (the real CLI): they ingest
 *   into PostgreSQL and send the outbox, the sandbox's replies into the sandbox room
 *   and a Telegram broadcast through the fake Bot API, which records every delivery
 *   and dedups nothing.
 *
 * While it streams, PostgreSQL (`pg_ctl stop -m fast`, then start), Redis (`SHUTDOWN`,
 * then start) and then both at once are restarted, each kept down `downMs`. Nobody
 * restarts the workers: they must reconnect and resume by themselves (a worker that
 * exits is counted in `workerExits` and started again, as systemd would, so the
 * counts still come out). At the end everything is counted as in R1 against an
 * uncrashed run of the same batches, and the broadcast per chat at the fake.
 */
export interface R7Options {
  /** Simulator events streamed, per batch, one batch every `intervalMs`. */
  events?: number;
  batchSize?: number;
  intervalMs?: number;
  /** Telegram groups broadcast to during the stream (30/s: 900 take 30 s). */
  broadcastGroups?: number;
  workers?: number;
  /** How long each restarted server stays down. */
  downMs?: number;
  /** False: the same run without the restarts (to tell what the restarts cause from what two workers do). Default true. */
  restart?: boolean;
  seed?: number;
  /** Give up waiting for the workers to finish after this long. Default 5 minutes. */
  timeoutMs?: number;
  onProgress?: (message: string) => void;
}

export interface R7Restart {
  server: 'postgres' | 'redis' | 'both';
  /** When it was stopped, ms after the stream began. */
  atMs: number;
  /** From the stop command to the server answering again. */
  downMs: number;
  /** Batches accepted by Redis when it was stopped. */
  batchesEnqueued: number;
}

export interface R7Result {
  events: number;
  batches: number;
  workers: number;
  restarts: number;
  restartLog: R7Restart[];
  /** Delivered events (every batch is offered until Redis accepts it) missing from the event log; rows beyond one per dedup key. */
  lost: number;
  duplicated: number;
  rollupsMismatched: number;
  /** Planned actions against the uncrashed run; sandbox sends done and in the room once. */
  actions: R1Tally['actions'];
  sends: R1Tally['sends'];
  /** The Telegram broadcast, counted at the fake Bot API. */
  broadcast: { groups: number; delivered: number; duplicated: number; missing: number; violations: number };
  /** Times Redis refused (or timed out on) a batch the receiver then offered again. */
  enqueueRefusals: number;
  /** Worker processes that exited on their own (0 expected: they reconnect). */
  workerExits: number;
  /** Error lines the workers logged (the restarts produce some; they must not stop the work). */
  workerErrorsLogged: number;
  /** From the last restart ending to everything ingested and sent. */
  settleMs: number;
  elapsedMs: number;
  ok: boolean;
}

const DEFAULTS = { events: 12_000, batchSize: 200, intervalMs: 500, broadcastGroups: 900, workers: 2, downMs: 3_000, seed: 20_261_203, timeoutMs: 300_000 };
const BIN = fileURLToPath(new URL('../bin/hearth.js', import.meta.url));

/** Runs R7, or says why it cannot (no PostgreSQL server programs or no redis-server here). */
export async function runR7(options: R7Options = {}): Promise<R7Result | { skipped: string }> {
  const missing = await privateServersMissing();
  if (missing) return { skipped: missing };
  const o = { ...DEFAULTS, ...definedOf(options) };
  const log = options.onProgress ?? (() => {});
  const workload = buildWorkload({ events: o.events, seed: o.seed });
  const batches: unknown[][] = [];
  for (let i = 0; i < workload.payloads.length; i += o.batchSize) batches.push(workload.payloads.slice(i, i + o.batchSize));
  const streamMs = batches.length * o.intervalMs;
  const dir = mkdtempSync(join(tmpdir(), 'hearth-r7-run-'));
  const started = performance.now();
  log(
    `R7: ${o.events.toLocaleString('en-US')} events in ${batches.length} batches over ${(streamMs / 1000).toFixed(0)} s, a ${o.broadcastGroups}-group broadcast, ${o.workers} workers; starting a private PostgreSQL and Redis`,
  );

  const reference = referenceRun(join(dir, 'reference.db'), workload, workload.payloads, o.batchSize);
  const servers = await startPrivateServers();
  const secret = randomBytes(32).toString('hex');
  const token = `100200300:r7-${randomBytes(12).toString('hex')}`;
  const fake = await FakeBotApi.start({ token });
  const workers: Worker[] = [];
  let store: Store | undefined;
  let queue: EventQueue | undefined;
  let stopping = false;
  const stats = { workerExits: 0, workerErrorsLogged: 0, enqueueRefusals: 0 };
  try {
    store = await openStore({ kind: 'postgres', url: servers.databaseUrl });
    const workspaceId = await setUpBenchWorkspace(store.db, workload.groups);
    const broadcastWs = await ensureWorkspace(store.db, 'r7-broadcast');
    const connection = await new ConnectionStore(store.db, new SecretBox(secret)).add({
      workspaceId: broadcastWs.id,
      platform: 'telegram',
      name: 'r7-bot',
      settings: { token, mode: 'polling', apiRoot: fake.apiRoot },
    });
    // Ingested by this process, not by the workers: R7's own handle closes before the restarts.
    await store.close();
    store = undefined;

    const env = { ...process.env, DATABASE_URL: servers.databaseUrl, REDIS_URL: servers.redisUrl, HEARTH_SECRET: secret, HEARTH_DEMO: '0', HEARTH_LOG_LEVEL: 'warn', HEARTH_DATA_DIR: dir };
    const startWorker = async (index: number): Promise<Worker> => {
      const opsPort = await freePort();
      const child = spawn(process.execPath, [BIN, 'serve', '--roles', 'worker'], { env: { ...env, HEARTH_OPS_PORT: String(opsPort) }, stdio: ['ignore', 'ignore', 'pipe'] });
      const worker: Worker = { child, opsPort, errors: [], tail: [] };
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        worker.tail.push(...chunk.split('\n').filter(Boolean));
        worker.tail.splice(0, Math.max(0, worker.tail.length - 30));
        for (const line of chunk.split('\n'))
          if (/"level":(50|60)/.test(line) || /^\s*(Error|at )/.test(line)) {
            stats.workerErrorsLogged++;
            if (worker.errors.length < 5) worker.errors.push(line.slice(0, 300));
          }
      });
      let ready = false;
      child.once('exit', (code, signal) => {
        // One that dies while starting is handled by whoever started it.
        if (stopping || !ready) return;
        stats.workerExits++;
        log(`R7: worker ${index + 1} exited on its own (${code ?? signal}); its last lines:\n${worker.tail.join('\n')}\nstarting it again`);
        void (async () => {
          while (!stopping) {
            try {
              workers[index] = await startWorker(index);
              return;
            } catch {
              await sleep(1_000);
            }
          }
        })();
      });
      await waitReady(opsPort, child);
      ready = true;
      return worker;
    };
    for (let i = 0; i < o.workers; i++) workers.push(await startWorker(i));
    log(`R7: ${o.workers} worker processes ready (hearth serve --roles worker)`);

    queue = await createEventQueue({ redisUrl: servers.redisUrl, enqueueTimeoutMs: 2_000, onError: () => {} });
    const q = queue;
    const t0 = Date.now();
    let enqueued = 0;
    // The broadcast is due as the stream starts; the workers find it on their next pass.
    const db = await openStore({ kind: 'postgres', url: servers.databaseUrl }, { migrate: false });
    await planBroadcast(db.db, {
      workspaceId: broadcastWs.id,
      connectionId: connection.id,
      groups: o.broadcastGroups,
      label: 'R7',
      firstChatId: -1003000000000,
      now: t0,
      text: 'The venue moved: see you at the library, room 2.',
    });
    await db.close();

    const produce = (async () => {
      for (let i = 0; i < batches.length; i++) {
        const wait = t0 + i * o.intervalMs - Date.now();
        if (wait > 0) await sleep(wait);
        const events = batches[i]!.flatMap((p) => normalizeSandboxPayload(p));
        for (;;) {
          try {
            await q.enqueue({ workspaceId, events });
            break;
          } catch {
            stats.enqueueRefusals++;
            await sleep(250);
          }
        }
        enqueued++;
      }
    })();

    const restartLog: R7Restart[] = [];
    const plan: { server: R7Restart['server']; at: number }[] =
      options.restart === false
        ? []
        : [
            { server: 'postgres', at: 0.25 },
            { server: 'redis', at: 0.5 },
            { server: 'both', at: 0.75 },
          ];
    for (const step of plan) {
      const wait = t0 + step.at * streamMs - Date.now();
      if (wait > 0) await sleep(wait);
      const atMs = Date.now() - t0;
      const batchesEnqueued = enqueued;
      const pgDown = step.server !== 'redis';
      const redisDown = step.server !== 'postgres';
      await Promise.all([pgDown && servers.stopPostgres(), redisDown && servers.stopRedis()]);
      await sleep(o.downMs);
      await Promise.all([pgDown && servers.startPostgres(), redisDown && servers.startRedis()]);
      const entry = { server: step.server, atMs, downMs: Date.now() - t0 - atMs, batchesEnqueued };
      restartLog.push(entry);
      log(
        `R7: restarted ${step.server === 'both' ? 'PostgreSQL and Redis' : step.server === 'postgres' ? 'PostgreSQL' : 'Redis'} at ${(atMs / 1000).toFixed(1)} s (${batchesEnqueued}/${batches.length} batches enqueued), down ${(entry.downMs / 1000).toFixed(1)} s`,
      );
    }
    const lastRestartEnd = Date.now();
    await produce;

    // Done when the queue is empty, the outboxes hold nothing left to send and every chat got its broadcast.
    const check = await openStore({ kind: 'postgres', url: servers.databaseUrl }, { migrate: false });
    try {
      const deadline = Date.now() + o.timeoutMs;
      for (;;) {
        // Just after a restart the receiver's connection may still be reconnecting: look again.
        const depth = await q.depth!().catch(() => ({ waiting: -1, active: 0, delayed: 0 }));
        const open = await check.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', 'in', ['pending', 'sending'])
          .executeTakeFirstOrThrow();
        if (depth.waiting + depth.active + depth.delayed === 0 && Number(open.n) === 0) break;
        if (Date.now() > deadline) {
          const rows = await check.db
            .selectFrom('outbox')
            .select(['id', 'status', 'attempts', 'next_attempt_at', 'lease_until', 'last_error'])
            .where('status', 'in', ['pending', 'sending'])
            .limit(5)
            .execute();
          throw new Error(
            `R7: not finished ${Math.round(o.timeoutMs / 1000)} s after the stream (queue ${JSON.stringify(depth)}, ${open.n} outbox rows open, e.g. ${JSON.stringify(rows)}); worker errors: ${workers.flatMap((w) => w.errors).join(' | ') || 'none'}`,
          );
        }
        await sleep(250);
      }
      const settleMs = Date.now() - lastRestartEnd;
      const tally = await tallyRun(
        check.db,
        workspaceId,
        workload.payloads.map((p) => normalizeSandboxPayload(p)[0]!.dedupKey),
        await reference,
      );
      let delivered = 0;
      let duplicated = 0;
      for (const n of fake.deliveries().values()) {
        if (n > 0) delivered++;
        duplicated += Math.max(0, n - 1);
      }
      const broadcast = { groups: o.broadcastGroups, delivered, duplicated, missing: o.broadcastGroups - delivered, violations: fake.checkLimits().violations.length };
      const result: R7Result = {
        events: workload.payloads.length,
        batches: batches.length,
        workers: o.workers,
        restarts: restartLog.length,
        restartLog,
        lost: tally.lost,
        duplicated: tally.duplicated,
        rollupsMismatched: tally.rollupsMismatched,
        actions: tally.actions,
        sends: tally.sends,
        broadcast,
        ...stats,
        settleMs,
        elapsedMs: Math.round(performance.now() - started),
        ok:
          tally.lost === 0 &&
          tally.duplicated === 0 &&
          tally.rollupsMismatched === 0 &&
          tally.actions.lost === 0 &&
          tally.actions.duplicated === 0 &&
          tally.sends.missing === 0 &&
          tally.sends.doubled === 0 &&
          broadcast.missing === 0 &&
          broadcast.duplicated === 0 &&
          broadcast.violations === 0 &&
          stats.workerExits === 0,
      };
      log(
        `R7: ${result.restarts} restarts; events ${result.lost} lost, ${result.duplicated} duplicated; actions ${result.actions.planned}/${result.actions.expected} planned (${result.actions.lost} lost, ${result.actions.duplicated} doubled); sandbox sends ${result.sends.delivered}/${result.sends.expected}; broadcast ${delivered}/${o.broadcastGroups} delivered, ${duplicated} doubled, ${broadcast.violations} limit violations; ${stats.enqueueRefusals} enqueues refused and offered again; ${stats.workerExits} worker exits; settled ${(settleMs / 1000).toFixed(1)} s after the last restart`,
      );
      return result;
    } finally {
      await check.close();
    }
  } finally {
    stopping = true;
    await Promise.all(workers.map((w) => stopWorker(w.child)));
    await queue?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    await fake.close();
    await servers.close();
    await reference.catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Worker {
  child: ChildProcess;
  opsPort: number;
  errors: string[];
  /** Its last lines on stderr, shown should it exit. */
  tail: string[];
}

async function waitReady(port: number, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`R7: a worker exited while starting (code ${child.exitCode})`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`R7: a worker was not ready within ${timeoutMs / 1000} s`);
}

/** SIGTERM (serve finishes what it holds), SIGKILL after 15 s. */
async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

function definedOf<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `npx tsx bench/r7-restart.ts [--events N] [--broadcast-groups G] [--down-ms MS]` */
async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  const r = await runR7({
    events: arg('--events'),
    broadcastGroups: arg('--broadcast-groups'),
    downMs: arg('--down-ms'),
    intervalMs: arg('--interval-ms'),
    restart: !argv.includes('--no-restarts'),
    onProgress: (m) => console.error(m),
  });
  console.log(JSON.stringify(r, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
