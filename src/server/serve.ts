import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve as serveHttp } from '@hono/node-server';
import type { Config } from '../config/env.js';
import { createLogger } from '../config/logger.js';
import { ConnectionStore } from '../connections/connection-store.js';
import { ConnectionSupervisor, type ConnectionSupervisorOptions } from '../connections/connection-supervisor.js';
import { SecretBox } from '../connections/secret-box.js';
import { RedisLeaderLease, soleLeader } from '../scheduler/leader-lease.js';
import { SchedulerLoop } from '../scheduler/scheduler-loop.js';
import { DEMO_EMAIL, ensureDemoOperator } from '../auth/demo-operator.js';
import { issueSetupToken, SETUP_TOKEN_TTL_MS } from '../auth/first-run-setup.js';
import { DemoWorkspace } from '../runtime/demo-workspace.js';
import { HearthRuntime } from '../runtime/hearth-runtime.js';
import { SandboxService, realTimeClock } from '../runtime/sandbox-service.js';
import { createApp } from './app.js';
import { HearthMetrics, sourcesOf } from '../operations/hearth-metrics.js';
import { opsApp } from './routes/ops-routes.js';
import { WebhookLoop } from '../webhooks/webhook-loop.js';
import { WebhookSender } from '../webhooks/webhook-sender.js';
import { WebhookStore } from '../webhooks/webhook-store.js';

export const ROLES = ['web', 'worker', 'scheduler', 'bots'] as const;
export type Role = (typeof ROLES)[number];

export interface ServeOptions {
  port: number;
  roles: Role[];
  /** Where progress and the address are printed (stdout in the CLI). */
  print?: (line: string) => void;
  /** Host to listen on; defaults to all interfaces. */
  hostname?: string;
  /** How connections that cannot start are retried (tests shorten it). */
  connections?: Pick<ConnectionSupervisorOptions, 'retry' | 'startTimeoutMs'>;
}

export interface RunningServer {
  url: string;
  runtime: HearthRuntime;
  close(): Promise<void>;
}

const LIVE_INTERVAL_MS = 5_000;

/** The built dashboard, next to the sources (dist/web). */
export const DASHBOARD_ROOT = fileURLToPath(new URL('../../dist/web', import.meta.url));

/**
 * `hearth serve`: the HTTP server with the dashboard (web), ingest and the dispatch
 * loop (worker), the live demo community (scheduler), the platform connections'
 * receivers (bots). The runtime is the composition root for every role; this adds
 * HTTP, the connections and the timers. On an empty database it first creates the
 * demo workspace, unless HEARTH_DEMO=0. A connection whose platform cannot be
 * reached never holds start-up: it shows as failing and is retried.
 */
export async function startServer(config: Config, options: ServeOptions): Promise<RunningServer> {
  const print = options.print ?? (() => {});
  const log = createLogger(config.logLevel);
  const roles = new Set(options.roles);
  const metrics = new HearthMetrics();
  const runtime = await HearthRuntime.open(config.database, {
    logger: log,
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
    queueEvents: {
      onFailed: (err, batch) => log.error({ err, workspace: batch.workspaceId, connection: batch.connectionId, events: batch.events.length }, 'event batch given up after retries'),
      onError: (err) => log.error({ err }, 'event queue error'),
    },
    work: { consume: roles.has('worker'), dispatch: roles.has('worker') },
    onIngested: metrics.recordIngest,
    dispatcher: { onDone: metrics.recordDispatch },
  });
  metrics.watch(sourcesOf(runtime, Date.now));
  const operations = { metrics, redisUrl: config.redisUrl, metricsToken: config.metricsToken };

  let demo = await DemoWorkspace.load(runtime);
  const empty = !(await runtime.store.db.selectFrom('workspace').select('id').limit(1).executeTakeFirst());
  if (!demo && empty && config.demo) {
    print('Creating the demo workspace (a simulated community with 45 days of history)…');
    let shown = -1;
    demo = await DemoWorkspace.create(runtime, {
      now: Date.now(),
      onProgress: (done, total) => {
        const pct = Math.floor((done / total) * 10) * 10;
        if (pct !== shown) print(`  history ${pct}% (${done}/${total} events)`);
        shown = pct;
      },
    });
  }

  // The demo's owner: created with the demo (or on the first start after an upgrade).
  // A generated password is printed this once and never logged.
  let signIn: string | undefined;
  if (demo) {
    const outcome = await ensureDemoOperator(runtime.store.db, demo.workspaceId, config.demoPassword, Date.now());
    signIn =
      outcome.kind === 'created' && outcome.generated
        ? `Sign in as ${DEMO_EMAIL} with password ${outcome.password}`
        : outcome.kind === 'created' || outcome.passwordFromEnv
          ? `Sign in as ${DEMO_EMAIL} with the password in HEARTH_DEMO_PASSWORD`
          : `Sign in as ${DEMO_EMAIL} with the password printed when the demo was created (or set HEARTH_DEMO_PASSWORD to choose one)`;
  }

  // Every process that sends or receives needs the connections; which ones receive
  // (poll, gateway, WeChat puppet; webhooks) follows the roles. Registered now, started
  // in the background: an unreachable platform holds nothing up.
  const connections = new ConnectionStore(runtime.store.db, new SecretBox(config.secret));
  const supervisor = new ConnectionSupervisor(runtime, connections, {
    receive: { poll: roles.has('bots'), webhook: roles.has('web') },
    logger: log,
    dataDir: config.dataDir,
    print,
    ...options.connections,
  });
  await supervisor.openAll();

  // Outgoing webhooks: registered from the web role, sent by workers (a lease per delivery).
  const webhooks = new WebhookStore(runtime.store.db, new SecretBox(config.secret), { privateTargets: config.webhookPrivateTargets });
  const webhookLoop = roles.has('worker') ? new WebhookLoop(new WebhookSender(webhooks, Date.now), (error) => log.error({ err: error }, 'webhook pass failed')).start() : undefined;

  const timers: NodeJS.Timeout[] = [];
  // Several scheduler processes in scale mode: the one holding the Redis lease works.
  const leadership =
    roles.has('scheduler') && config.redisUrl ? await RedisLeaderLease.start({ redisUrl: config.redisUrl, onChange: (leader) => log.info({ leader }, 'scheduler leadership') }) : soleLeader;
  if (roles.has('scheduler') && demo) {
    const live = demo;
    let busy = false;
    timers.push(
      setInterval(() => {
        if (busy || !leadership.isLeader) return;
        busy = true;
        live
          .advance(Date.now())
          .catch((error) => log.error({ err: error }, 'live demo activity failed'))
          .finally(() => (busy = false));
      }, LIVE_INTERVAL_MS),
    );
  }

  // The persisted scheduler's jobs (the silence watchdog…) on the wall clock, by the leader only.
  const schedulerLoop = roles.has('scheduler') ? new SchedulerLoop(runtime.scheduler, leadership, Date.now, (error) => log.error({ err: error }, 'scheduler pass failed')) : undefined;
  schedulerLoop?.start();

  const sandboxes = new Map<number, SandboxService>();
  const app = createApp({
    runtime,
    connections,
    webhooks,
    secretBox: new SecretBox(config.secret),
    connectionChanged: (id) => supervisor.reload(id),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    clock: Date.now,
    sandbox: (workspaceId) => {
      let sandbox = sandboxes.get(workspaceId);
      if (!sandbox) sandboxes.set(workspaceId, (sandbox = new SandboxService(runtime, workspaceId, realTimeClock)));
      return sandbox;
    },
    dashboardRoot: DASHBOARD_ROOT,
    logError: (error) => log.error({ err: error }, 'request failed'),
    operations,
    imports: { dir: join(config.dataDir, 'imports'), maxBytes: config.importMaxMb * 1024 * 1024 },
  });

  let httpServer: ReturnType<typeof serveHttp> | undefined;
  let url = '';
  if (roles.has('web')) {
    const hostname = options.hostname ?? '0.0.0.0';
    await new Promise<void>((resolve, reject) => {
      httpServer = serveHttp({ fetch: app.fetch, port: options.port, hostname }, (info) => {
        url = `http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${info.port}`;
        resolve();
      });
      httpServer.once('error', reject);
    });
    print(`Hearth is running at ${url}`);
  } else if (config.opsPort) {
    // No dashboard or API here, but health, readiness and this process's metrics.
    const ops = opsApp(runtime, Date.now, operations);
    await new Promise<void>((resolve, reject) => {
      httpServer = serveHttp({ fetch: ops.fetch, port: config.opsPort!, hostname: options.hostname ?? '0.0.0.0' }, () => resolve());
      httpServer.once('error', reject);
    });
    print(`Health and metrics on port ${config.opsPort}`);
  }
  if (signIn) print(signIn);
  // No demo and nobody to sign in as: the first run happens in the browser, behind a
  // one-time token only someone who reads this output has (never a password).
  const setupToken = !demo && roles.has('web') ? await issueSetupToken(runtime.store.db, Date.now()) : null;
  if (setupToken) {
    print('First run: nobody can sign in yet. Open this link to create the owner account and the workspace');
    print(`(it works once, for ${SETUP_TOKEN_TTL_MS / 3_600_000} hours; a restart prints a new one):`);
    print(`  ${url}/setup#token=${setupToken}`);
    print('or add an owner with `hearth user add --email E --password-stdin --workspace W --role owner`');
  }

  return {
    url,
    runtime,
    async close() {
      timers.forEach(clearInterval);
      await schedulerLoop?.stop();
      await webhookLoop?.stop();
      await new Promise<void>((resolve) => (httpServer ? httpServer.close(() => resolve()) : resolve()));
      await leadership.close();
      await supervisor.close();
      await runtime.close();
    },
  };
}
