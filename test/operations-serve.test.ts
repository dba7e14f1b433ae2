import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { type RunningServer, startServer } from '../src/server/serve.js';

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('hearth serve without the web role', { timeout: 60_000 }, () => {
  let server: RunningServer | undefined;
  let dataDir = '';
  afterEach(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /healthz, /readyz and /metrics on HEARTH_OPS_PORT, and nothing else', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hearth-ops-'));
    const port = await freePort();
    const config = loadConfig({ HEARTH_DATA_DIR: dataDir, HEARTH_LOG_LEVEL: 'warn', HEARTH_DEMO: '0', HEARTH_OPS_PORT: String(port) });
    const printed: string[] = [];
    server = await startServer(config, { port: 0, roles: ['worker'], hostname: '127.0.0.1', print: (line) => printed.push(line) });
    expect(printed).toContain(`Health and metrics on port ${port}`);
    const base = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true });
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ ok: true, database: 'ok', redis: 'not used' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('hearth_events_ingested_total{outcome="stored"} 0');
    expect(metrics).toContain('hearth_outbox_rows{status="pending"} 0');
    expect((await fetch(`${base}/api/workspaces`)).status).toBe(404);
  });
});
