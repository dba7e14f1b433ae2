import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addAutomation } from '../src/automations/automation-store.js';
import type { EventInput } from '../src/core/event.js';
import { BullmqEventQueue } from '../src/queue/bullmq-queue.js';
import { createEventQueue } from '../src/queue/create-event-queue.js';
import { QueueClosedError, type EventBatch, type EventBatchHandler, type EventQueue } from '../src/queue/event-queue.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { openStore, type DatabaseTarget } from '../src/store/database.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { backends } from './helpers/backends.js';

/** One queue implementation as the suite sees it. */
interface QueueBackend {
  name: 'in-process' | 'bullmq';
  /** Another instance on the same scope sees the same jobs, as another process would. */
  durable: boolean;
  open(scope: string, options?: { attempts?: number; concurrency?: number; onFailed?: (error: Error, batch: EventBatch) => void }): Promise<EventQueue>;
  /** Removes whatever the scope left behind. */
  destroy(scope: string): Promise<void>;
}

const REDIS_URL = process.env.REDIS_URL;

const inProcess: QueueBackend = {
  name: 'in-process',
  durable: false,
  open: (_scope, options = {}) => createEventQueue({ backoffMs: 10, ...options }),
  destroy: async () => {},
};

function bullmq(redisUrl: string): QueueBackend {
  return {
    name: 'bullmq',
    durable: true,
    open: (scope, options = {}) => createEventQueue({ redisUrl, prefix: scope, backoffMs: 10, ...options }),
    async destroy(scope) {
      const queue = new BullmqEventQueue({ redisUrl, prefix: scope });
      await queue.obliterate();
      await queue.close();
      const redis = new Redis(redisUrl);
      try {
        const left = await redis.keys(`${scope}:*`);
        if (left.length > 0) await redis.del(...left);
        expect(left, 'keys left after obliterate').toEqual([]);
      } finally {
        await redis.quit();
      }
    },
  };
}

const queueBackends: QueueBackend[] = REDIS_URL ? [inProcess, bullmq(REDIS_URL)] : [inProcess];
if (!REDIS_URL) console.warn('[hearth tests] REDIS_URL is not set: the BullMQ runs of the event queue suite are skipped (in-process runs).');

const postgres = backends.find((b) => b.name === 'postgres');
const sqlite = backends.find((b) => b.name === 'sqlite')!;

const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const group = { id: 'room-1', title: 'Bakers' };

function join(member: string, minutes: number): EventInput {
  return { platform: 'sandbox', kind: 'member.joined', dedupKey: `join-${member}`, occurredAt: at(minutes), group, member: { id: member, name: member.toUpperCase() }, method: 'link' } as EventInput;
}
function say(member: string, id: string, minutes: number, replyTo?: string): EventInput {
  return {
    platform: 'sandbox',
    kind: 'message',
    dedupKey: `msg-${id}`,
    occurredAt: at(minutes),
    group,
    actor: { id: member, name: member.toUpperCase() },
    messageId: id,
    text: 'hello',
    ...(replyTo ? { replyTo } : {}),
  };
}

async function eventKeys(runtime: HearthRuntime): Promise<string[]> {
  const rows = await runtime.store.db.selectFrom('event').select('dedup_key').orderBy('id').execute();
  return rows.map((r) => r.dedup_key);
}
async function groupDays(runtime: HearthRuntime) {
  const rows = await runtime.store.db.selectFrom('group_day').select(['day', 'messages', 'replies', 'joins', 'leaves']).orderBy('day').execute();
  return rows.map((r) => ({ day: r.day, messages: Number(r.messages), replies: Number(r.replies), joins: Number(r.joins), leaves: Number(r.leaves) }));
}
async function outboxTexts(runtime: HearthRuntime): Promise<string[]> {
  const rows = await runtime.store.db.selectFrom('outbox').select('action').orderBy('id').execute();
  return rows.map((r) => (JSON.parse(r.action) as { text?: string }).text ?? '');
}

/** The consumer a worker process runs: the batch straight into ingest. */
function ingestInto(runtime: HearthRuntime, seen: EventBatch[] = []): EventBatchHandler {
  return async (batch) => {
    seen.push(batch);
    await runtime.ingest(batch.events, batch);
  };
}

describe.each(queueBackends)('event queue: $name', (backend) => {
  let scope: string;
  let runtime: HearthRuntime;
  /** What afterEach must undo, set as soon as each exists (a failed beforeEach leaves less). */
  let undo: { runtime?: HearthRuntime; cleanupDb?: () => Promise<void> } = {};
  let workspaceId: number;
  const opened: EventQueue[] = [];

  async function open(options?: Parameters<QueueBackend['open']>[1]): Promise<EventQueue> {
    const queue = await backend.open(scope, options);
    opened.push(queue);
    return queue;
  }

  beforeEach(async () => {
    scope = `hearth-test-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const db = sqlite.create();
    undo = { cleanupDb: db.cleanup };
    runtime = undo.runtime = await HearthRuntime.open(db.target, { clock: () => T0 });
    workspaceId = (await ensureWorkspace(runtime.store.db, 'acme')).id;
    await addAutomation(runtime.store.db, { workspaceId, kind: 'welcome', config: { template: 'Welcome {name}!' } });
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((q) => q.close()));
    await backend.destroy(scope);
    await undo.runtime?.close();
    await undo.cleanupDb?.();
    undo = {};
  });

  it('ingests a batch enqueued three times exactly once', async () => {
    const queue = await open();
    const seen: EventBatch[] = [];
    await queue.consume(ingestInto(runtime, seen));
    const batch: EventBatch = { workspaceId, events: [join('ann', 0), join('bob', 1), say('ann', 'm1', 2), say('bob', 'm2', 3, 'm1')] };

    await Promise.all([queue.enqueue(batch), queue.enqueue(batch), queue.enqueue(batch)]);
    await queue.drained();

    expect(await eventKeys(runtime)).toEqual(['join-ann', 'join-bob', 'msg-m1', 'msg-m2']);
    expect(await groupDays(runtime)).toEqual([{ day: '2026-03-02', messages: 2, replies: 1, joins: 2, leaves: 0 }]);
    expect(await outboxTexts(runtime)).toEqual(['Welcome ANN!', 'Welcome BOB!']);
    // BullMQ keeps one job per batch id; in process each delivery reaches ingest, which dedups.
    expect(seen).toHaveLength(backend.name === 'bullmq' ? 1 : 3);
  });

  it('keeps the order of events within a batch, and of batches for one consumer', async () => {
    const queue = await open();
    const seen: EventBatch[] = [];
    await queue.consume(ingestInto(runtime, seen));
    // Deliberately not chronological: the batch's order, not the clock's, is what must hold.
    const first = Array.from({ length: 30 }, (_, i) => say(i % 2 ? 'ann' : 'bob', `a${i}`, 60 - i));
    const second = Array.from({ length: 10 }, (_, i) => say('cid', `b${i}`, 100 - i));
    const third = [say('ann', 'c0', 5)];

    for (const events of [first, second, third]) await queue.enqueue({ workspaceId, events });
    await queue.drained();

    const expected = [...first, ...second, ...third].map((e) => e.dedupKey);
    expect(await eventKeys(runtime)).toEqual(expected);
    expect(seen.flatMap((b) => b.events.map((e) => (e as EventInput).dedupKey))).toEqual(expected);
  });

  it('retries a failing handler and the events still land once', async () => {
    const queue = await open({ attempts: 3 });
    const calls = new Map<string, number>();
    await queue.consume(async (batch) => {
      const key = (batch.events[0] as EventInput).dedupKey;
      const call = (calls.get(key) ?? 0) + 1;
      calls.set(key, call);
      // A transient database error before anything was written…
      if (key === 'join-ann' && call === 1) throw new Error('connection terminated unexpectedly');
      await runtime.ingest(batch.events, batch);
      // …and a worker that committed but lost the acknowledgement.
      if (key === 'join-bob' && call === 1) throw new Error('lost the ack after commit');
    });

    await queue.enqueue({ workspaceId, events: [join('ann', 0), say('ann', 'm1', 1)] });
    await queue.enqueue({ workspaceId, events: [join('bob', 2), say('bob', 'm2', 3, 'm1')] });
    await queue.drained();

    expect(Object.fromEntries(calls)).toEqual({ 'join-ann': 2, 'join-bob': 2 });
    // A batch waiting for its retry may be passed by the next one: compare as sets.
    expect((await eventKeys(runtime)).sort()).toEqual(['join-ann', 'join-bob', 'msg-m1', 'msg-m2']);
    expect(await groupDays(runtime)).toEqual([{ day: '2026-03-02', messages: 2, replies: 1, joins: 2, leaves: 0 }]);
    expect((await outboxTexts(runtime)).sort()).toEqual(['Welcome ANN!', 'Welcome BOB!']);
  });

  it('reports a batch given up after its last attempt, and ingests it when delivered again', async () => {
    const failed: { error: Error; batch: EventBatch }[] = [];
    const queue = await open({ attempts: 2, onFailed: (error, batch) => failed.push({ error, batch }) });
    let calls = 0;
    await queue.consume(async (batch) => {
      if (++calls <= 2) throw new Error('database is down');
      await runtime.ingest(batch.events, batch);
    });
    const batch: EventBatch = { workspaceId, connectionId: null, events: [join('ann', 0), say('ann', 'm1', 1)] };

    const first = queue.enqueue(batch);
    // In process the caller is the one left holding the batch; in Redis it stays as a failed job.
    if (backend.durable) await first;
    else await expect(first).rejects.toThrow('database is down');
    await queue.drained();
    await vi.waitFor(() => expect(failed).toHaveLength(1));
    expect(failed[0]!.error.message).toBe('database is down');
    expect(failed[0]!.batch).toMatchObject({ workspaceId, events: batch.events });
    expect(await eventKeys(runtime)).toEqual([]);

    await queue.enqueue(batch);
    await queue.drained();
    expect(calls).toBe(3);
    expect(await eventKeys(runtime)).toEqual(['join-ann', 'msg-m1']);
  });

  it('keeps batches enqueued while no worker runs, for the worker that starts later', async () => {
    const producer = await open();
    const events = [join('ann', 0), say('ann', 'm1', 1), say('ann', 'm2', 2)];
    const accepted = [producer.enqueue({ workspaceId, events: events.slice(0, 2) }), producer.enqueue({ workspaceId, events: events.slice(2) })];
    let consumer = producer;
    if (backend.durable) {
      // The receiving process is gone before any worker starts.
      await Promise.all(accepted);
      await producer.close();
      consumer = await open();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await eventKeys(runtime)).toEqual([]);

    await consumer.consume(ingestInto(runtime));
    await Promise.all(accepted);
    await consumer.drained();
    expect(await eventKeys(runtime)).toEqual(['join-ann', 'msg-m1', 'msg-m2']);
  });

  it('finishes the batch in hand on close, then refuses work and leaves nothing open', async () => {
    const handlesBefore = openHandles();
    const queue = await open();
    let started!: () => void;
    const handling = new Promise<void>((resolve) => (started = resolve));
    await queue.consume(async (batch) => {
      started();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await runtime.ingest(batch.events, batch);
    });
    const accepted = queue.enqueue({ workspaceId, events: [join('ann', 0)] });
    await handling;

    await queue.close();
    await accepted;
    expect(await eventKeys(runtime)).toEqual(['join-ann']);
    await expect(queue.enqueue({ workspaceId, events: [join('bob', 1)] })).rejects.toBeInstanceOf(QueueClosedError);
    await queue.close();
    expect(await settledHandles(handlesBefore)).toEqual(handlesBefore);
  });

  it.skipIf(!postgres)('lands each event once on PostgreSQL with competing workers and overlapping redeliveries', async () => {
    const db = postgres!.create();
    const runtimes: HearthRuntime[] = [];
    try {
      // Each worker is its own "process": its own runtime, pool and directory cache, one schema.
      runtimes.push(await HearthRuntime.open(db.target, { clock: () => T0 }));
      const pgWorkspace = (await ensureWorkspace(runtimes[0]!.store.db, 'acme')).id;
      if (backend.durable) runtimes.push(await secondRuntime(db.target));
      const failed: Error[] = [];
      const producer = await open({ onFailed: (error) => failed.push(error) });
      const consumers = backend.durable ? await Promise.all(runtimes.map(() => open({ concurrency: 3, attempts: 8, onFailed: (error) => failed.push(error) }))) : [producer];
      await Promise.all(consumers.map((queue, i) => queue.consume(ingestInto(runtimes[i]!))));

      // Batch i holds messages 5i … 5i+9 of 12 members: each overlaps the next by five.
      const members = Array.from({ length: 12 }, (_, i) => `m${i}`);
      const batches = Array.from({ length: 12 }, (_, i) => ({
        workspaceId: pgWorkspace,
        events: Array.from({ length: 10 }, (_, j) => say(members[(i * 5 + j) % members.length]!, `p${i * 5 + j}`, i * 5 + j)),
      }));
      await Promise.all([...batches, ...batches].map((batch) => producer.enqueue(batch)));
      await producer.drained();

      const { db: pg } = runtimes[0]!.store;
      const count = await pg
        .selectFrom('event')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(65);
      expect(await groupDays(runtimes[0]!)).toEqual([{ day: '2026-03-02', messages: 65, replies: 0, joins: 0, leaves: 0 }]);
      const perMember = await pg
        .selectFrom('member_group_day')
        .select((eb) => eb.fn.sum<string>('messages').as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(perMember.n)).toBe(65);
      const people = await pg
        .selectFrom('member')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(people.n)).toBe(12);
      expect(failed).toEqual([]);
    } finally {
      await Promise.all(opened.splice(0).map((q) => q.close()));
      await Promise.all(runtimes.map((r) => r.close()));
      await db.cleanup();
    }
  });
});

async function secondRuntime(target: DatabaseTarget): Promise<HearthRuntime> {
  return new HearthRuntime(await openStore(target, { migrate: false }), { clock: () => T0 });
}

/**
 * The open handles once they are back to `before` or fewer (sockets take a tick or two
 * to close after QUIT), or as they are after two seconds. Polls with a bare sleep
 * because vi.waitFor's own timers would be counted.
 */
async function settledHandles(before: Record<string, number>): Promise<Record<string, number>> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const now = openHandles();
    const settled = Object.keys({ ...now, ...before }).every((kind) => (now[kind] ?? 0) <= (before[kind] ?? 0));
    if (settled || Date.now() > deadline) return settled ? before : now;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sockets and timers this process holds, by kind (what would keep vitest from exiting). */
function openHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) if (kind === 'TCPSocketWrap' || kind === 'Timeout') counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
