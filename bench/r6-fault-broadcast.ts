import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConnectionStore } from '../src/connections/connection-store.js';
import { SecretBox } from '../src/connections/secret-box.js';
import { dropPostgresSchema, openStore } from '../src/store/database.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { FakeBotApi, type FakeCall, type FakeFailure, type LimitReport } from '../test/helpers/fake-bot-api.js';
import { startR6Worker, type R6WorkerConfig, type R6WorkerReport } from './r6-worker.js';
import { planBroadcast } from './broadcast-setup.js';

/**
 * R6 — one message broadcast to N Telegram groups by several workers while the Bot
 * API misbehaves: 429 with retry_after, 5xx, dropped connections, timeouts (no answer,
 * then the connection drops) and slow answers, drawn at random (seeded) for a share
 * of the sendMessage calls. The workers are separate processes by default, each with
 * its own dispatcher and grammY connection, sharing the PostgreSQL outbox and the
 * Redis limiter, as `serve --roles worker` processes do.
 *
 * Counted at the fake Bot API, which dedups nothing: every group must receive its
 * message exactly once, and the arrival times must keep Telegram's limits (1/s and
 * 20/min per chat, 30/s for the bot).
 *
 * Timed against a floor the faults themselves impose: the broadcast cannot end
 * before (a) every call that reached the fake — deliveries plus refused calls, each a
 * slot in the 30/s window — fits at 30/s, with the time slow and hanging calls held
 * their slot spread over the 30 slots, nor before (b) the last refused message could
 * be sent again (its refusal + the wait it imposed: Telegram's retry_after, or the
 * dispatcher's backoff after a 5xx, a drop or a timeout). `ratio` = elapsed ÷ that
 * floor; the goal is ≤ 1.10.
 */

export interface R6Options {
  groups?: number;
  workers?: number;
  /** Workers as OS processes (default) or as dispatchers in this process. */
  processes?: boolean;
  /** Share of sendMessage calls given a fault. Default 0.08. */
  faultRate?: number;
  seed?: number;
  /**
   * Calls Telegram accepts but whose answer is lost (the connection drops after the
   * message was posted). Off by default: this is the window that can double a send,
   * measured separately.
   */
  acceptedDrops?: number;
  /** The dispatcher's backoff base (ms) after a 5xx, a drop or a timeout. Default 1,000. */
  backoffBaseMs?: number;
  databaseUrl?: string;
  redisUrl?: string;
  onProgress?: (message: string) => void;
}

export interface R6Result {
  groups: number;
  workers: number;
  processes: boolean;
  expected: number;
  /** Groups that received the message (at least once). */
  delivered: number;
  /** Messages received beyond the first, over all groups. */
  duplicated: number;
  missing: number;
  /** Windows in which Telegram would have counted more than a limit allows. */
  violations: number;
  tightest: LimitReport['tightest'];
  /** Faults injected, by kind. */
  faults: Record<string, number>;
  sendCalls: number;
  elapsedMs: number;
  /** (N − 1) / 30 s, without faults. */
  theoreticalMinMs: number;
  /** The floor the faults impose (see the file's doc comment). */
  floorMs: number;
  ratio: number;
  ok: boolean;
  outbox: Record<string, number>;
  /**
   * The window in which a worker dying would double a message: from Telegram accepting
   * it (arrival at the fake) to the outbox row marked done (the row's done_at, stamped
   * just before its UPDATE), over every delivered message, in ms.
   */
  crashWindowMs: { p50: number; p99: number; max: number };
  workerReports: R6WorkerReport[];
}

const MIX: { weight: number; fault: (r: () => number) => FakeFailure }[] = [
  { weight: 0.35, fault: (r) => ({ code: 429, retryAfter: 1 + Math.floor(r() * 3) }) },
  { weight: 0.15, fault: () => ({ code: 500 }) },
  { weight: 0.1, fault: () => ({ code: 502 }) },
  { weight: 0.2, fault: () => ({ code: 'network' }) },
  { weight: 0.1, fault: () => ({ code: 'timeout', ms: 2_000 }) },
  { weight: 0.1, fault: () => ({ code: 'slow', ms: 1_500 }) },
];

/** Runs R6, or says why it cannot (it needs PostgreSQL and Redis: DATABASE_URL, REDIS_URL). */
export async function runR6(options: R6Options = {}): Promise<R6Result | { skipped: string }> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl) return { skipped: `R6 needs PostgreSQL and Redis (set ${[!databaseUrl && 'DATABASE_URL', !redisUrl && 'REDIS_URL'].filter(Boolean).join(' and ')})` };
  const n = options.groups ?? 1_000;
  const workers = options.workers ?? 2;
  const processes = options.processes ?? true;
  const backoffBaseMs = options.backoffBaseMs ?? 1_000;
  const log = options.onProgress ?? (() => {});
  const random = mulberry32(options.seed ?? 6);
  const faultRate = options.faultRate ?? 0.08;
  const dropAt = new Set(Array.from({ length: options.acceptedDrops ?? 0 }, (_, i) => Math.floor(((i + 1) * n) / ((options.acceptedDrops ?? 0) + 1))));
  let sendIndex = 0;
  const faults = (call: FakeCall): FakeFailure | undefined => {
    if (call.method !== 'sendMessage') return undefined;
    const i = sendIndex++;
    if (dropAt.has(i)) return { code: 'accepted-then-dropped' };
    if (random() >= faultRate) return undefined;
    let pick = random();
    for (const m of MIX) {
      if (pick < m.weight) return m.fault(random);
      pick -= m.weight;
    }
    return MIX[0]!.fault(random);
  };

  const token = `100200300:r6-${randomBytes(12).toString('hex')}`;
  const schema = `r6_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const fake = await FakeBotApi.start({ token, faults });
  const store = await openStore({ kind: 'postgres', url: databaseUrl, schema });
  const children: ChildProcess[] = [];
  try {
    const { db } = store;
    const ws = await ensureWorkspace(db, 'r6');
    const connection = await new ConnectionStore(db, new SecretBox(randomBytes(32).toString('hex'))).add({
      workspaceId: ws.id,
      platform: 'telegram',
      name: 'r6-bot',
      settings: { token, mode: 'polling', apiRoot: fake.apiRoot },
    });
    const now = Date.now();
    await planBroadcast(db, {
      workspaceId: ws.id,
      connectionId: connection.id,
      groups: n,
      label: 'R6',
      firstChatId: -1002000000000,
      now,
      text: 'Tonight 20:00: the monthly community call.',
    });

    const config: R6WorkerConfig = {
      databaseUrl,
      schema,
      redisUrl,
      prefix: `hearth:r6:${randomBytes(4).toString('hex')}:`,
      connectionId: connection.id,
      workspaceId: ws.id,
      token,
      apiRoot: fake.apiRoot,
      backoffBaseMs,
    };
    log(
      `R6: ${n} groups, ${workers} worker ${processes ? 'processes' : 'dispatchers in one process'}, ${Math.round(faultRate * 100)}% of sends faulted; minimum without faults ${((n - 1) / 30).toFixed(1)} s`,
    );
    const started = processes
      ? await Promise.all(Array.from({ length: workers }, () => spawnWorker(config, children)))
      : await Promise.all(Array.from({ length: workers }, () => startR6Worker(config)));
    const t0 = Date.now();
    for (const w of started) w.go();
    const deadline = t0 + Math.max(120_000, ((n - 1) / 30) * 1000 * 4);
    const reports = await Promise.race([
      Promise.all(started.map((w) => w.finished)),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('R6: the workers did not finish in time')), deadline - t0).unref()),
    ]);

    const outbox: Record<string, number> = {};
    for (const r of await db
      .selectFrom('outbox')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute())
      outbox[r.status] = Number(r.n);
    const perChat = fake.deliveries();
    let delivered = 0;
    let duplicated = 0;
    for (const count of perChat.values()) {
      if (count > 0) delivered++;
      duplicated += Math.max(0, count - 1);
    }
    const limits = fake.checkLimits();
    const sends = fake.callsTo('sendMessage');
    const accepted = sends.filter((c) => c.status === 200);
    const elapsedMs = Math.max(...accepted.map((c) => c.at)) - t0;
    const counts: Record<string, number> = {};
    for (const c of sends) if (c.fault !== undefined) counts[String(c.fault)] = (counts[String(c.fault)] ?? 0) + 1;
    const floorMs = floorOf(sends, t0, n, backoffBaseMs);
    const doneAt = new Map(
      (
        await db.selectFrom('outbox').innerJoin('chat_group', 'chat_group.id', 'outbox.group_id').select(['chat_group.external_id', 'outbox.done_at']).where('outbox.status', '=', 'done').execute()
      ).map((r) => [r.external_id, Number(r.done_at)]),
    );
    const windows = accepted.map((c) => (doneAt.get(String(c.payload.chat_id)) ?? c.at) - c.at).sort((a, b) => a - b);
    const quantile = (q: number) => windows[Math.min(windows.length - 1, Math.floor(q * windows.length))] ?? 0;
    const theoreticalMinMs = ((n - 1) / 30) * 1000;
    const ratio = elapsedMs / floorMs;
    return {
      groups: n,
      workers,
      processes,
      expected: n,
      delivered,
      duplicated,
      missing: n - delivered,
      violations: limits.violations.length,
      tightest: limits.tightest,
      faults: counts,
      sendCalls: sends.length,
      elapsedMs,
      theoreticalMinMs,
      floorMs,
      ratio,
      ok: delivered === n && duplicated === 0 && limits.violations.length === 0 && ratio <= 1.1,
      outbox,
      crashWindowMs: { p50: quantile(0.5), p99: quantile(0.99), max: windows.at(-1) ?? 0 },
      workerReports: reports,
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await store.close();
    await fake.close();
    await dropPostgresSchema(databaseUrl, schema);
  }
}

/**
 * The floor the faults impose: every call that reached the fake at 30/s (a refused
 * call takes a slot too), slow and hanging calls' extra slot time spread over the 30
 * slots, and the moment the last refused message could go again.
 */
function floorOf(sends: readonly FakeCall[], t0: number, n: number, backoffBaseMs: number): number {
  const refused = sends.filter((c) => c.status !== 200 && c.fault !== undefined);
  const heldMs = sends.reduce((sum, c) => sum + (c.fault === 'slow' || c.fault === 'timeout' ? (c.answeredAt ?? c.at) - c.at : 0), 0);
  const capacityMs = ((n + refused.length - 1) / 30) * 1000 + heldMs / 30;
  const attemptsOf = new Map<string, number>();
  let recoveryMs = 0;
  for (const c of sends) {
    const chat = String(c.payload.chat_id);
    const attempt = (attemptsOf.get(chat) ?? 0) + 1;
    attemptsOf.set(chat, attempt);
    if (c.status === 200 || c.fault === undefined) continue;
    const backoff = backoffBaseMs * 2 ** (attempt - 1);
    const retryAfter = c.fault === 429 ? retryAfterOf(c) : 0;
    recoveryMs = Math.max(recoveryMs, (c.answeredAt ?? c.at) - t0 + Math.max(backoff, retryAfter));
  }
  return Math.max(capacityMs, recoveryMs);
}

function retryAfterOf(call: FakeCall): number {
  return (call.retryAfter ?? 0) * 1000;
}

/** A worker as a child process, speaking JSON lines. */
async function spawnWorker(config: R6WorkerConfig, children: ChildProcess[]): Promise<{ go(): void; finished: Promise<R6WorkerReport> }> {
  const file = fileURLToPath(new URL('./r6-worker.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file], { env: { ...process.env, R6_WORKER: JSON.stringify(config) }, stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  let onReady!: () => void;
  let onReport!: (r: R6WorkerReport) => void;
  let onFail!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    onFail = reject;
  });
  const finished = new Promise<R6WorkerReport>((resolve, reject) => {
    onReport = resolve;
    const fail = onFail;
    onFail = (e) => {
      fail(e);
      reject(e);
    };
  });
  finished.catch(() => {});
  lines.on('line', (line) => {
    try {
      const message = JSON.parse(line) as { ready?: boolean; report?: R6WorkerReport };
      if (message.ready) onReady();
      if (message.report) onReport(message.report);
    } catch {
      // Not ours (a library printing): ignore.
    }
  });
  child.once('exit', (code) => onFail(new Error(`R6 worker exited with code ${code}`)));
  await ready;
  return { go: () => void child.stdin!.write('go\n'), finished };
}

/** A small seeded PRNG, so a run's faults can be drawn again. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `npx tsx bench/r6-fault-broadcast.ts [--groups N] [--workers W] [--in-process] [--accepted-drops K] [--fault-rate F]` */
async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const r = await runR6({
    groups: Number(arg('--groups') ?? 1_000),
    workers: Number(arg('--workers') ?? 2),
    processes: !argv.includes('--in-process'),
    acceptedDrops: Number(arg('--accepted-drops') ?? 0),
    faultRate: Number(arg('--fault-rate') ?? 0.08),
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
