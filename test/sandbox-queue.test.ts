import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { BullmqEventQueue } from '../src/queue/bullmq-queue.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { SandboxService } from '../src/runtime/sandbox-service.js';
import { setUpWorkspace } from '../src/runtime/workspace-setup.js';
import { openStore } from '../src/store/database.js';
import { backends } from './helpers/backends.js';
import { ManualClock, sandboxFixture } from './helpers/sandbox-fixture.js';

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) console.warn('[hearth tests] REDIS_URL is not set: the sandbox through BullMQ is not tried (the in-process queue is).');
const T0 = Date.parse('2026-05-04T10:00:00Z');

/**
 * The sandbox takes the path live traffic takes: its events go through the event
 * queue, and the sandbox chat waits for them to be ingested and dispatched to show
 * what the bot did — in process, and in scale mode where a worker elsewhere ingests.
 */
describe.each(backends)('sandbox events through the event queue on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('in process: a join goes through the queue and the welcome comes back', async () => {
    const made = backend.create();
    const f = await sandboxFixture(made.target, T0);
    cleanups.push(made.cleanup, () => f.runtime.close());
    const batches: number[] = [];
    const enqueue = f.runtime.queue.enqueue.bind(f.runtime.queue);
    f.runtime.queue.enqueue = async (batch) => {
      batches.push(batch.events.length);
      return enqueue(batch);
    };
    const group = await f.sandbox.addGroup('Tea Lovers');
    const out = await f.sandbox.join(group.id, 'ann');
    expect(batches).toEqual([1]);
    expect(out).toEqual([expect.objectContaining({ type: 'send_message', status: 'done', rule: expect.any(String) })]);
    expect(String(out[0]!.text)).toContain('ann');
  });

  // Named at the start of the run when REDIS_URL is unset, like the other queue suites.
  if (REDIS_URL)
    it('scale mode: a web process enqueues to Redis, a worker ingests and dispatches, the web process shows the welcome', { timeout: 30_000 }, async () => {
      const made = backend.create();
      const prefix = `hearth-sandbox-test-${randomUUID()}`;
      const clock = new ManualClock(T0);
      const web = await HearthRuntime.open(made.target, { clock: clock.now, queue: new BullmqEventQueue({ redisUrl: REDIS_URL!, prefix }) });
      const worker = new HearthRuntime(await openStore(made.target, { migrate: false }), {
        clock: clock.now,
        queue: new BullmqEventQueue({ redisUrl: REDIS_URL!, prefix }),
        work: { consume: true, dispatch: true },
      });
      cleanups.push(
        made.cleanup,
        () => web.close(),
        () => worker.close(),
        async () => {
          const redis = new Redis(REDIS_URL!);
          const keys = await redis.keys(`${prefix}:*`);
          if (keys.length > 0) await redis.del(...keys);
          await redis.quit();
        },
      );
      const workspace = await setUpWorkspace(web.store.db, 'acme', 'Acme', T0);
      const sandbox = new SandboxService(web, workspace.id, clock);
      const group = await sandbox.addGroup('Night Owls');
      const out = await sandbox.join(group.id, 'bo');
      expect(out).toEqual([expect.objectContaining({ type: 'send_message', rule: expect.any(String) })]);
      expect(['done', 'pending']).toContain(out[0]!.status);
      const log = await sandbox.log(group.id);
      expect(log.map((e) => e.kind)).toContain('join');
    });
});
