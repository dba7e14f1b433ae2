import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { RedisLimiter } from '../src/limits/redis-limiter.js';
import { DispatchLoop } from '../src/outbox/dispatch-loop.js';
import { Dispatcher, type DispatchReport } from '../src/outbox/dispatcher.js';
import { TelegramAdapter } from '../src/platforms/telegram/telegram-adapter.js';
import { openStore } from '../src/store/database.js';

/** What one R6 worker needs: the shared outbox (PostgreSQL), the shared limiter (Redis), the bot. */
export interface R6WorkerConfig {
  databaseUrl: string;
  schema: string;
  redisUrl: string;
  /** The Redis key prefix of this run's limiter. */
  prefix: string;
  connectionId: number;
  workspaceId: number;
  token: string;
  apiRoot: string;
  backoffBaseMs: number;
}

/** What a worker did. */
export interface R6WorkerReport {
  done: number;
  retries: number;
  parked: number;
  passes: number;
  errors: string[];
}

/**
 * One worker of R6, as a worker process runs the send side: its own dispatcher and
 * Telegram connection over the shared PostgreSQL outbox and the shared Redis limiter.
 * `ready` resolves once everything is open (the bot's HTTP connection included);
 * sending starts when `go` is called; `finished` resolves when the outbox has nothing
 * left to send.
 */
export async function startR6Worker(config: R6WorkerConfig): Promise<{ go(): void; finished: Promise<R6WorkerReport> }> {
  const store = await openStore({ kind: 'postgres', url: config.databaseUrl, schema: config.schema }, { migrate: false });
  const limiter = await RedisLimiter.connect({ redisUrl: config.redisUrl, prefix: config.prefix });
  const adapter = new TelegramAdapter({ settings: { token: config.token, mode: 'polling', apiRoot: config.apiRoot }, connection: { id: config.connectionId, workspaceId: config.workspaceId } });
  await adapter.identity();
  const dispatcher = new Dispatcher(store, () => adapter, Date.now, { limiter, backoffBaseMs: config.backoffBaseMs });
  const report: R6WorkerReport = { done: 0, retries: 0, parked: 0, passes: 0, errors: [] };
  let go!: () => void;
  const started = new Promise<void>((resolve) => (go = resolve));
  const finished = (async () => {
    await started;
    const loop = new DispatchLoop(
      dispatcher,
      (r: DispatchReport) => {
        report.passes++;
        for (const d of r.dispatched) {
          if (d.status === 'done') report.done++;
          else if (d.status === 'parked') report.parked++;
          else report.retries++;
        }
      },
      (error) => report.errors.push(error instanceof Error ? error.message : String(error)),
      500,
    );
    loop.wake();
    try {
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const left = await store.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', 'in', ['pending', 'sending'])
          .executeTakeFirstOrThrow();
        if (Number(left.n) === 0) break;
      }
    } finally {
      await loop.stop();
      await limiter.close();
      await store.close();
    }
    return report;
  })();
  return { go, finished };
}

/** As a process: the config as JSON in R6_WORKER; prints `{"ready":true}`, waits for `go` on stdin, prints `{"report":…}`. */
async function main(): Promise<void> {
  const config = JSON.parse(process.env.R6_WORKER ?? '') as R6WorkerConfig;
  const worker = await startR6Worker(config);
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() !== 'go') continue;
    worker.go();
    break;
  }
  lines.close();
  const report = await worker.finished;
  process.stdout.write(`${JSON.stringify({ report })}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
