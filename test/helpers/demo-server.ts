import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../src/config/env.js';
import { type RunningServer, startServer } from '../../src/server/serve.js';

const DEMO_EMAIL = 'demo@hearth.local';
const PASSWORD_LINE = `Sign in as ${DEMO_EMAIL} with password `;

/** `hearth serve` on a fresh data directory with the demo workspace, as the browser suites use it. */
export interface DemoServer {
  server: RunningServer;
  url: string;
  /** The demo operator's password, as the first start prints it. */
  password: string;
  /** Every line the server printed. */
  printed: string[];
  close(): Promise<void>;
}

export async function startDemoServer(name: string, env: Record<string, string> = {}): Promise<DemoServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `hearth-${name}-`));
  const printed: string[] = [];
  const config = loadConfig({ HEARTH_DATA_DIR: dataDir, HEARTH_LOG_LEVEL: 'error', ...env });
  const server = await startServer(config, { port: 0, roles: ['web', 'worker'], hostname: '127.0.0.1', print: (line) => printed.push(line) });
  const line = printed.find((l) => l.startsWith(PASSWORD_LINE));
  if (!line) throw new Error(`the demo server printed no sign-in line: ${printed.join(' | ')}`);
  return {
    server,
    url: server.url,
    password: line.slice(PASSWORD_LINE.length),
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
