import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { HearthMetrics } from '../src/operations/hearth-metrics.js';
import { BullmqEventQueue } from '../src/queue/bullmq-queue.js';
import type { PlatformAdapter } from '../src/platforms/platform-adapter.js';
import { createApp } from '../src/server/app.js';
import type { OperationsDeps } from '../src/server/routes/ops-routes.js';
import { backends } from './helpers/backends.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';

const NOW = Date.parse('2026-07-10T12:00:00Z');

/** The value of one sample in a Prometheus text exposition, or undefined when absent. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe.each(backends)('/metrics and /readyz on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  /** A runtime whose ingest and dispatcher feed the metrics, as `hearth serve` wires them, and its app. */
  async function server(operations: Omit<OperationsDeps, 'metrics'> = {}) {
    const made = backend.create();
    const metrics = new HearthMetrics();
    const f = await sandboxFixture(made.target, NOW, { onIngested: metrics.recordIngest, dispatcher: { onDone: metrics.recordDispatch } });
    cleanups.push(made.cleanup, () => f.runtime.close());
    const app = createApp({ runtime: f.runtime, clock: () => f.clock.t, sandbox: async () => f.sandbox, logError: () => {}, operations: { metrics, ...operations } });
    const scrape = async () => {
      const res = await app.request('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      return res.text();
    };
    return { ...f, app, scrape };
  }

  it('counts events ingested, outbox rows by status, and the process figures', async () => {
    const { sandbox, scrape } = await server();
    const before = await scrape();
    expect(sample(before, 'hearth_events_ingested_total', 'outcome="stored"')).toBe(0);
    expect(sample(before, 'hearth_outbox_rows', 'status="parked"')).toBe(0);

    const tea = await sandbox.addGroup('Tea Lovers');
    await sandbox.join(tea.id, 'ann', { at: NOW });
    await sandbox.say(tea.id, 'ann', 'hello', NOW + 1000);
    await sandbox.say(tea.id, 'bo', 'hi', NOW + 2000);

    const text = await scrape();
    expect(sample(text, 'hearth_events_ingested_total', 'outcome="stored"')).toBe(3);
    // The welcome to ann went out.
    expect(sample(text, 'hearth_outbox_rows', 'status="done"')).toBe(1);
    expect(sample(text, 'hearth_outbox_rows', 'status="pending"')).toBe(0);
    expect(sample(text, 'hearth_outbox_lag_seconds')).toBe(0);
    expect(sample(text, 'hearth_queue_depth', 'state="waiting"')).toBe(0);
    expect(sample(text, 'hearth_dispatch_errors_total', 'platform="sandbox"')).toBeUndefined();
    expect(sample(text, 'hearth_metrics_source_up', 'source="database"')).toBe(1);
    expect(sample(text, 'hearth_metrics_source_up', 'source="queue"')).toBe(1);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    // Aggregates only: no group or member name ever becomes a label.
    expect(text).not.toMatch(/Tea Lovers|ann/);
  });

  it('counts dispatch errors by platform and shows the outbox lag of an action that waits', async () => {
    const { runtime, sandbox, clock, scrape } = await server();
    const tea = await sandbox.addGroup('Tea Lovers');
    const refusing: PlatformAdapter = Object.assign(Object.create(runtime.sandbox) as PlatformAdapter, {
      send: async () => {
        throw new Error('the sandbox is down');
      },
    });
    runtime.adapters.set('sandbox', refusing);
    await sandbox.join(tea.id, 'ann', { at: NOW });

    const text = await scrape();
    expect(sample(text, 'hearth_dispatch_errors_total', 'platform="sandbox"')).toBe(1);
    expect(sample(text, 'hearth_outbox_rows', 'status="pending"')).toBe(1);

    // A minute after its retry fell due, nobody has sent it: the lag says so.
    const row = await runtime.store.db.selectFrom('outbox').select('next_attempt_at').executeTakeFirstOrThrow();
    clock.t = Number(row.next_attempt_at) + 60_000;
    expect(sample(await scrape(), 'hearth_outbox_lag_seconds')).toBe(60);
  });

  it('answers /metrics only with the bearer token when one is set', async () => {
    const { app } = await server({ metricsToken: 'a-long-enough-metrics-token' });
    const bare = await app.request('/metrics');
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toContain('Bearer');
    expect((await app.request('/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const res = await app.request('/metrics', { headers: { authorization: 'Bearer a-long-enough-metrics-token' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('hearth_outbox_rows');
  });

  it('keeps /healthz a liveness answer and /readyz on the database', async () => {
    const { app, runtime, scrape } = await server();
    expect(await (await app.request('/healthz')).json()).toEqual({ ok: true });
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, database: 'ok', redis: 'not used' });

    await runtime.store.close();
    const down = await app.request('/readyz');
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ ok: false, database: 'error', redis: 'not used' });
    expect((await app.request('/healthz')).status).toBe(200);
    // /metrics still answers, with the process figures, and says the database could not be read.
    expect(sample(await scrape(), 'hearth_metrics_source_up', 'source="database"')).toBe(0);
  });

  it('says when Redis does not answer', async () => {
    const { app } = await server({ redisUrl: 'redis://127.0.0.1:1', readinessTimeoutMs: 1000 });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, database: 'ok', redis: 'error' });
  });

  it.runIf(process.env.REDIS_URL)('gives the depth of the BullMQ queue: batches waiting for a worker', async () => {
    const queue = new BullmqEventQueue({ redisUrl: process.env.REDIS_URL!, prefix: `hearth-test-${randomBytes(4).toString('hex')}` });
    const made = backend.create();
    const metrics = new HearthMetrics();
    const f = await sandboxFixture(made.target, NOW, { queue, onIngested: metrics.recordIngest });
    // The runtime closes its queue: empty Redis of the test's keys before.
    cleanups.push(
      made.cleanup,
      () => f.runtime.close(),
      () => queue.obliterate(),
    );
    const app = createApp({ runtime: f.runtime, clock: () => NOW, sandbox: async () => f.sandbox, logError: () => {}, operations: { metrics } });
    for (const n of [1, 2]) await f.runtime.receive({ workspaceId: f.workspace.id, events: [{ dedupKey: `x-${n}` }] });
    const text = await (await app.request('/metrics')).text();
    expect(sample(text, 'hearth_queue_depth', 'state="waiting"')).toBe(2);
    expect(sample(text, 'hearth_queue_depth', 'state="active"')).toBe(0);
    expect(sample(text, 'hearth_events_ingested_total', 'outcome="stored"')).toBe(0);
  });

  it.runIf(process.env.REDIS_URL)('is ready when Redis answers PING', async () => {
    const { app } = await server({ redisUrl: process.env.REDIS_URL });
    const res = await app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, database: 'ok', redis: 'ok' });
  });
});
