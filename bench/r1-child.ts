import { setTimeout as sleep } from 'node:timers/promises';
import { DispatchLoop } from '../src/outbox/dispatch-loop.js';
import { normalizeSandboxPayload } from '../src/platforms/sandbox/normalizer.js';
import { createEventQueue } from '../src/queue/create-event-queue.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import type { DatabaseTarget } from '../src/store/database.js';

/**
 * The process R1 kills: a Hearth runtime that ingests simulator traffic and sends what
 * its rules plan through the sandbox, the way `hearth serve` does, but driven by R1's
 * supervisor (bench/r1-crash-recovery.ts) over an IPC channel.
 *
 * - `embedded`: SQLite, in-process queue. The supervisor plays the platform: it sends
 *   batches of sandbox payloads, and only a batch this process acknowledged (after
 *   `runtime.receive` resolved, i.e. after the ingest transaction committed) counts as
 *   delivered; an unacknowledged one is sent again after a restart, as Telegram does
 *   with updates a bot did not confirm.
 * - `queue`: PostgreSQL, BullMQ on Redis. The supervisor enqueues; this process is a
 *   `--roles worker` process consuming the queue.
 *
 * Run by the supervisor with `node --import tsx bench/r1-child.ts`; the settings come
 * in HEARTH_R1_CHILD (JSON, see R1ChildConfig).
 */
export interface R1ChildConfig {
  mode: 'embedded' | 'queue';
  target: DatabaseTarget;
  workspaceId: number;
  /** Queue mode: the Redis URL and the queue's key prefix. */
  redisUrl?: string;
  prefix?: string;
  /** The dispatcher's lease: how soon a send a killed process left half-done is taken over. */
  leaseMs: number;
}

/** Supervisor → child. */
export type R1ToChild = { type: 'batch'; index: number; payloads: unknown[] } | { type: 'finish' };

/** Child → supervisor. */
export type R1FromChild = { type: 'ready' } | { type: 'ack'; index: number } | { type: 'ingested'; events: number } | { type: 'finished'; passes: number } | { type: 'error'; message: string };

const config = JSON.parse(process.env.HEARTH_R1_CHILD ?? 'null') as R1ChildConfig | null;
if (!config || !process.send) {
  process.stderr.write('r1-child: run by bench/r1-crash-recovery.ts (HEARTH_R1_CHILD and an IPC channel)\n');
  process.exit(2);
}

function tell(message: R1FromChild): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });
}

let finishing = false;

function fail(error: unknown): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`r1-child (${config!.mode}): ${message}\n`);
  void tell({ type: 'error', message: error instanceof Error ? error.message : String(error) }).finally(() => process.exit(1));
}

try {
  let loop: DispatchLoop | undefined;
  const queue =
    config.mode === 'queue' ? await createEventQueue({ redisUrl: config.redisUrl, prefix: config.prefix, onError: (e) => process.stderr.write(`r1-child queue: ${e.message}\n`) }) : undefined;
  const runtime = await HearthRuntime.open(config.target, {
    ...(queue ? { queue } : {}),
    dispatcher: { leaseMs: config.leaseMs },
    onActionsPlanned: () => loop?.wake(),
    onIngested: (results) => {
      if (config.mode === 'queue') void tell({ type: 'ingested', events: results.length });
    },
  });
  loop = new DispatchLoop(runtime.dispatcher, () => {}, fail, 250);
  loop.wake();
  if (queue) await runtime.consumeEvents();

  process.on('message', (message: R1ToChild) => {
    if (message.type === 'batch') {
      const events = message.payloads.flatMap((p) => normalizeSandboxPayload(p));
      runtime.receive({ workspaceId: config.workspaceId, events }).then(() => tell({ type: 'ack', index: message.index }), fail);
    } else if (message.type === 'finish' && !finishing) {
      finishing = true;
      finish(runtime, loop!).catch(fail);
    }
  });
  // The supervisor went away: nobody will count what this process does.
  process.on('disconnect', () => finishing || process.exit(3));
  await tell({ type: 'ready' });
} catch (error) {
  fail(error);
}

/** Sends whatever the outbox still holds (sends a killed process left half-done included), then exits cleanly. */
async function finish(runtime: HearthRuntime, loop: DispatchLoop): Promise<void> {
  await loop.stop();
  let passes = 0;
  for (;;) {
    await runtime.dispatcher.runDue();
    passes++;
    const open = await runtime.store.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', config!.workspaceId)
      .where('status', 'in', ['pending', 'sending'])
      .executeTakeFirstOrThrow();
    if (Number(open.n) === 0) break;
    await sleep(100);
  }
  await runtime.close();
  await tell({ type: 'finished', passes });
  process.exit(0);
}
