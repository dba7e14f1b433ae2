import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { type RunningServer, startServer } from '../../src/server/serve.js';

const DEMO_EMAIL = 'demo@hearth.local';
const DEMO_PASSWORD = 'demo-suite-password';

/** `hearth serve` on a data directory of its own holding the demo workspace, as the browser suites use it. */
export interface DemoServer {
  server: RunningServer;
  url: string;
  /** The demo operator's password. */
  password: string;
  /** Every line the server printed. */
  printed: string[];
  close(): Promise<void>;
}

/**
 * Starts a server on a copy of this run's demo workspace. Creating the demo (45 days of
 * simulated history) is the slowest part of a browser suite's set-up, so the first suite
 * that asks builds it once, in the directory the global set-up provides, and every suite
 * starts on its own copy: the same data a first start would create, minutes old at most.
 */
export async function startDemoServer(name: string, env: Record<string, string> = {}): Promise<DemoServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `hearth-${name}-`));
  cpSync(await demoTemplate(), dataDir, { recursive: true });
  const printed: string[] = [];
  const config = loadConfig({ HEARTH_DATA_DIR: dataDir, HEARTH_LOG_LEVEL: 'error', HEARTH_DEMO_PASSWORD: DEMO_PASSWORD, ...env });
  const server = await startServer(config, { port: 0, roles: ['web', 'worker'], hostname: '127.0.0.1', print: (line) => printed.push(line) });
  return {
    server,
    url: server.url,
    password: DEMO_PASSWORD,
    printed,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in as the demo operator through the login form and waits for the overview's groups. */
export async function signInDemo(page: Page, demo: DemoServer): Promise<void> {
  await page.goto(demo.url);
  await page.getByTestId('login-email').fill(DEMO_EMAIL);
  await page.getByTestId('login-password').fill(demo.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('group-row').first().waitFor();
}

const BUILD_WAIT_MS = 10 * 60_000;

/** The run's demo data directory: built by whichever suite gets here first, awaited by the others. */
async function demoTemplate(): Promise<string> {
  const root = inject('demoTemplateDir');
  const data = join(root, 'data');
  const ready = join(root, 'ready');
  const failed = join(root, 'failed');
  let builder = false;
  try {
    mkdirSync(join(root, 'lock'));
    builder = true;
  } catch {
    // Another suite is building it.
  }
  if (builder) {
    try {
      const config = loadConfig({ HEARTH_DATA_DIR: data, HEARTH_LOG_LEVEL: 'error', HEARTH_DEMO_PASSWORD: DEMO_PASSWORD });
      // No roles: the demo is created and nothing else runs, so each copy starts as a first start would.
      const server = await startServer(config, { port: 0, roles: [], hostname: '127.0.0.1', print: () => {} });
      await server.close();
      writeFileSync(ready, '');
    } catch (error) {
      writeFileSync(failed, String(error instanceof Error ? error.stack : error));
      throw error;
    }
  }
  for (const started = Date.now(); !existsSync(ready); await sleep(200)) {
    if (existsSync(failed)) throw new Error(`building the demo template failed in another suite: ${readFileSync(failed, 'utf8')}`);
    if (Date.now() - started > BUILD_WAIT_MS) throw new Error(`the demo template in ${root} was not ready after ${BUILD_WAIT_MS / 60_000} minutes`);
  }
  return data;
}
