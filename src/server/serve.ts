import { fileURLToPath } from 'node:url';
import { serve as serveHttp } from '@hono/node-server';
import type { Config } from '../config/env.js';
import { createLogger } from '../config/logger.js';
import { DispatchLoop } from '../outbox/dispatch-loop.js';
import { DemoWorkspace } from '../runtime/demo-workspace.js';
import { HearthRuntime } from '../runtime/hearth-runtime.js';
import { SandboxService, realTimeClock } from '../runtime/sandbox-service.js';
import { resolveWorkspace } from '../runtime/workspace-setup.js';
import { createApp } from './app.js';

export const ROLES = ['web', 'worker', 'scheduler', 'bots'] as const;
export type Role = (typeof ROLES)[number];

export interface ServeOptions {
  port: number;
  roles: Role[];
  /** Where progress and the address are printed (stdout in the CLI). */
  print?: (line: string) => void;
  /** Host to listen on; defaults to all interfaces. */
  hostname?: string;
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
 * `hearth serve`: the HTTP server with the dashboard (web), the dispatch loop
 * (worker), the live demo community (scheduler). On an empty database it first
 * creates the demo workspace, unless HEARTH_DEMO=0.
 */
export async function startServer(config: Config, options: ServeOptions): Promise<RunningServer> {
  const print = options.print ?? (() => {});
  const log = createLogger(config.logLevel);
  const roles = new Set(options.roles);
  let loop: DispatchLoop | undefined;
  const runtime = await HearthRuntime.open(config.database, { logger: log, onActionsPlanned: () => loop?.wake() });

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

  const timers: NodeJS.Timeout[] = [];
  if (roles.has('worker')) {
    loop = new DispatchLoop(runtime.dispatcher, undefined, (error) => log.error({ err: error }, 'dispatch pass failed'));
    loop.wake();
  }
  if (roles.has('scheduler') && demo) {
    const live = demo;
    let busy = false;
    timers.push(
      setInterval(() => {
        if (busy) return;
        busy = true;
        live
          .advance(Date.now())
          .catch((error) => log.error({ err: error }, 'live demo activity failed'))
          .finally(() => (busy = false));
      }, LIVE_INTERVAL_MS),
    );
  }

  let sandbox: SandboxService | undefined;
  const app = createApp({
    runtime,
    clock: Date.now,
    sandbox: async () => (sandbox ??= new SandboxService(runtime, demo?.workspaceId ?? (await resolveWorkspace(runtime.store.db)).id, realTimeClock)),
    dashboardRoot: DASHBOARD_ROOT,
    logError: (error) => log.error({ err: error }, 'request failed'),
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
  }

  return {
    url,
    runtime,
    async close() {
      timers.forEach(clearInterval);
      await loop?.stop();
      await new Promise<void>((resolve) => (httpServer ? httpServer.close(() => resolve()) : resolve()));
      await runtime.close();
    },
  };
}
