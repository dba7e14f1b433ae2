import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { HearthMetrics, sourcesOf } from '../../operations/hearth-metrics.js';
import { checkReadiness } from '../../operations/readiness.js';
import type { HearthRuntime } from '../../runtime/hearth-runtime.js';

/** What the operations endpoints are given (`ServerDeps.operations`); every field is optional. */
export interface OperationsDeps {
  /** The metrics the runtime's hooks feed; unset: the app makes its own (gauges only, counters stay at 0). */
  metrics?: HearthMetrics;
  /** Scale mode: `/readyz` needs Redis to answer too. */
  redisUrl?: string | undefined;
  /** Set: `/metrics` answers only `Authorization: Bearer <token>`. */
  metricsToken?: string | undefined;
  /** How long `/readyz` waits for each dependency. Default 2,000 ms. */
  readinessTimeoutMs?: number;
}

/**
 * `/readyz` and `/metrics`, outside `/api`: load balancers and Prometheus call them
 * without a session. `/readyz` says only which dependency fails; `/metrics` holds only
 * aggregate figures (no names), and can be closed with a bearer token.
 */
export function opsRoutes(runtime: Pick<HearthRuntime, 'store' | 'queue'>, clock: () => number, options: OperationsDeps = {}): Hono {
  const app = new Hono();
  const metrics = options.metrics ?? new HearthMetrics();
  metrics.watch(sourcesOf(runtime, clock));
  const expected = options.metricsToken ? Buffer.from(`Bearer ${options.metricsToken}`) : undefined;

  app.get('/readyz', async (c) => {
    const readiness = await checkReadiness({ db: runtime.store.db, redisUrl: options.redisUrl, ...(options.readinessTimeoutMs ? { timeoutMs: options.readinessTimeoutMs } : {}) });
    return c.json(readiness, readiness.ok ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    if (expected) {
      const given = Buffer.from(c.req.header('authorization') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        c.header('WWW-Authenticate', 'Bearer realm="metrics"');
        return c.text('metrics need Authorization: Bearer <HEARTH_METRICS_TOKEN>\n', 401);
      }
    }
    const body = await metrics.render();
    return c.body(body, 200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' });
  });
  return app;
}

/**
 * The operations endpoints alone (`/healthz`, `/readyz`, `/metrics`), for a process
 * without the web role: a worker's counters are its own, so Prometheus scrapes it too.
 */
export function opsApp(runtime: Pick<HearthRuntime, 'store' | 'queue'>, clock: () => number, options: OperationsDeps = {}): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.route('/', opsRoutes(runtime, clock, options));
  return app;
}
