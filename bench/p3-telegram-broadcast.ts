import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConnectionStore } from '../src/connections/connection-store.js';
import { SecretBox } from '../src/connections/secret-box.js';
import { DispatchLoop } from '../src/outbox/dispatch-loop.js';
import type { DispatchReport } from '../src/outbox/dispatcher.js';
import { TelegramAdapter } from '../src/platforms/telegram/telegram-adapter.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { FakeBotApi, type LimitReport } from '../test/helpers/fake-bot-api.js';
import { planBroadcast } from './broadcast-setup.js';

/**
 * P3 — one message broadcast to N Telegram groups, through the real pipeline's send
 * side: outbox rows → Dispatcher (driven by the server's DispatchLoop, real clock) →
 * TelegramAdapter → grammY → a local fake Bot API that records when each call arrives.
 *
 * With one message per group only Telegram's global limit binds: 30 messages/s, so
 * the theoretical minimum is (N − 1) / 30 s (≈ 33.3 s for 1,000). The figure is the
 * time from the first pass to the last send answered, ÷ that minimum, and whether the
 * arrival times at the fake ever exceed a published limit (per chat 1/s and 20/min,
 * 30/s globally). A limiter that sends in bursts of 30 each second can finish a
 * little under the minimum: bursts put the last message at ⌊(N − 1) / 30⌋ s.
 */

export interface P3Options {
  /** Groups the message goes to. Default 1,000; a quick run uses 100. */
  groups?: number;
  /** Delay the fake adds to each answer, like the round trip to Telegram. Default 0 (loopback). */
  latencyMs?: number;
  onProgress?: (message: string) => void;
}

export interface P3Result {
  groups: number;
  sent: number;
  /** Parked: refused for good or out of retries. */
  failed: number;
  retries: number;
  latencyMs: number;
  /** From the first dispatch pass to the last send answered. */
  elapsedMs: number;
  /** (N − 1) / 30 s in ms. */
  theoreticalMinMs: number;
  /** elapsedMs ÷ theoreticalMinMs (≤ 1.05 is the goal). */
  ratio: number;
  /** Arrival of the first and last sendMessage at the fake, ms after the first pass. */
  firstSendAtMs: number;
  lastSendAtMs: number;
  passes: number;
  limitsExceeded: boolean;
  limits: LimitReport;
}

const TOKEN = `100200300:bench-${randomBytes(12).toString('hex')}`;

export async function runP3Broadcast(options: P3Options = {}): Promise<P3Result> {
  const n = options.groups ?? 1_000;
  if (!Number.isInteger(n) || n < 2) throw new Error('P3: at least 2 groups');
  const latencyMs = options.latencyMs ?? 0;
  const log = options.onProgress ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'hearth-p3-'));
  const fake = await FakeBotApi.start({ token: TOKEN, latencyMs });
  const runtime = await HearthRuntime.open({ kind: 'sqlite', file: join(dir, 'p3.db') });
  let loop: DispatchLoop | undefined;
  try {
    const { db } = runtime.store;
    const ws = await ensureWorkspace(db, 'p3');
    const connections = new ConnectionStore(db, new SecretBox(randomBytes(32).toString('hex')));
    const connection = await connections.add({ workspaceId: ws.id, platform: 'telegram', name: 'p3-bot', settings: { token: TOKEN, mode: 'polling', apiRoot: fake.apiRoot } });
    const adapter = new TelegramAdapter({ settings: (await connections.get(connection.id)).settings, connection: { id: connection.id, workspaceId: ws.id } });
    runtime.connections.set(connection.id, adapter);
    // Opening a connection asks Telegram who the bot is; it also opens the HTTP connection the sends reuse.
    await adapter.identity();

    const now = Date.now();
    await planBroadcast(db, {
      workspaceId: ws.id,
      connectionId: connection.id,
      groups: n,
      label: 'P3',
      firstChatId: -1001000000000,
      now,
      text: 'Tonight 20:00: the monthly community call. Reply here with your questions!',
    });
    log(`P3: broadcasting to ${n} groups (fake Bot API latency ${latencyMs} ms); theoretical minimum ${((n - 1) / 30).toFixed(1)} s`);

    let sent = 0;
    let failed = 0;
    let retries = 0;
    let passes = 0;
    let lastDoneAt = 0;
    let shown = 0;
    const t0 = Date.now();
    await new Promise<void>((resolve, reject) => {
      const onReport = (report: DispatchReport) => {
        passes++;
        for (const d of report.dispatched) {
          if (d.status === 'done') sent++;
          else if (d.status === 'parked') failed++;
          else retries++;
        }
        if (report.dispatched.some((d) => d.status === 'done')) lastDoneAt = Date.now();
        if (sent - shown >= Math.max(100, n / 10)) {
          shown = sent;
          log(`P3: ${sent}/${n} sent after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        }
        if (sent + failed >= n) resolve();
      };
      loop = new DispatchLoop(runtime.dispatcher, onReport, reject);
      loop.wake();
    });
    await loop!.stop();

    const sends = fake.callsTo('sendMessage').filter((c) => c.status === 200);
    const elapsedMs = lastDoneAt - t0;
    const theoreticalMinMs = ((n - 1) / 30) * 1000;
    const limits = fake.checkLimits();
    return {
      groups: n,
      sent,
      failed,
      retries,
      latencyMs,
      elapsedMs,
      theoreticalMinMs,
      ratio: elapsedMs / theoreticalMinMs,
      firstSendAtMs: (sends[0]?.at ?? t0) - t0,
      lastSendAtMs: (sends.at(-1)?.at ?? t0) - t0,
      passes,
      limitsExceeded: limits.exceeded,
      limits,
    };
  } finally {
    await loop?.stop();
    await runtime.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npx tsx bench/p3-telegram-broadcast.ts [--groups N] [--latency MS] [--quick]` */
async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const groups = Number(arg('--groups') ?? (argv.includes('--quick') ? 100 : 1_000));
  const latencyMs = Number(arg('--latency') ?? 0);
  const r = await runP3Broadcast({ groups, latencyMs, onProgress: (m) => console.error(m) });
  const { limits, ...summary } = r;
  console.log(JSON.stringify({ ...summary, tightest: limits.tightest, violations: limits.violations.slice(0, 5) }, null, 2));
  console.log(
    `P3: ${r.sent}/${r.groups} in ${(r.elapsedMs / 1000).toFixed(2)} s = ${r.ratio.toFixed(3)} × the (N−1)/30 s minimum; limits ${r.limitsExceeded ? `EXCEEDED (${limits.violations.length} windows)` : 'kept'}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
