import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GOALS,
  formatReport,
  loadAverage,
  machineInfo,
  p3Met,
  p3Run,
  r1Met,
  ran,
  type BenchReport,
  type Failed,
  type LoadAverage,
  type P1Report,
  type P3Report,
  type P5Report,
  type Skipped,
} from './bench-report.js';
import { buildWorkload } from './bench-workload.js';
import { measureP1Memory } from './p1-memory.js';
import { runP1 } from './p1-pipeline-throughput.js';
import { runP2 } from './p2-decision-latency.js';
import type { P3Options, P3Result } from './p3-telegram-broadcast.js';
import { runR1, type R1Result } from './r1-crash-recovery.js';
import type { R6Result } from './r6-fault-broadcast.js';
import type { R7Result } from './r7-restart.js';

/** How big a run is. */
export interface BenchSettings {
  /** Simulator events through P1 per timed run. */
  events: number;
  /** Events per `runtime.ingest()` call (and per baseline transaction). */
  batchSize: number;
  /** Timed P1 runs (median reported). */
  runs: number;
  /** Untimed P1 warm-up events. */
  p1Warmup: number;
  /** Timed P2 events. */
  p2Events: number;
  /** Untimed P2 warm-up events. */
  p2Warmup: number;
  /** Simulated groups and their message intensity. */
  groups: number;
  intensity: number;
  /** P3: Telegram groups the message is broadcast to (fake Bot API on loopback). */
  p3Groups: number;
  /** P3's second run: groups, and the latency the fake Bot API adds to each answer. 0 groups: not run. */
  p3LatencyGroups: number;
  p3LatencyMs: number;
  /** P1's memory run: groups, and distinct members to ingest (the RSS goal is about 1,000 groups / 100k members). 0 groups: not run. */
  p1MemoryGroups: number;
  p1MemoryMembers: number;
  /** P5: events through the queue with 1 and then 2 workers, per batch. */
  p5Events: number;
  p5BatchSize: number;
  /** R1: events streamed and kills, embedded; the same in queue mode (run when PostgreSQL and Redis are given). */
  r1Events: number;
  r1Kills: number;
  r1QueueEvents: number;
  r1QueueKills: number;
  /** R6: groups broadcast to by 2 workers through the fault-injecting fake Bot API. */
  r6Groups: number;
  /** R7: events streamed and groups broadcast to while PostgreSQL and Redis are restarted. */
  r7Events: number;
  r7BroadcastGroups: number;
}

export const PRESETS = {
  /**
   * The reported figures: ~150k events × 3 runs, P1's memory run to 1,000 groups / 100k
   * members, P5 with 20k events, P3 to 1,000 groups (≥ 33 s by Telegram's
   * limits), R1 with 5 kills (and 3 in queue mode, each waiting out BullMQ's 30 s stalled-job
   * check), R6 to 1,000 groups; 10 minutes or more on 2 cores.
   */
  full: {
    events: 150_000,
    batchSize: 1_000,
    runs: 3,
    p1Warmup: 20_000,
    p2Events: 60_000,
    p2Warmup: 10_000,
    groups: 12,
    intensity: 2,
    p3Groups: 1_000,
    p3LatencyGroups: 100,
    p3LatencyMs: 50,
    p1MemoryGroups: 1_000,
    p1MemoryMembers: 100_000,
    p5Events: 20_000,
    p5BatchSize: 500,
    r1Events: 20_000,
    r1Kills: 5,
    r1QueueEvents: 6_000,
    r1QueueKills: 3,
    r6Groups: 1_000,
    r7Events: 12_000,
    r7BroadcastGroups: 900,
  },
  /** A quick look: P1–P3 in about 15 s (the P1 memory run to 5k members, 20–40 s), P5 with 5k events, R1 in about 30 s embedded (plus 1–2 minutes in queue mode), R6 to 100 groups. */
  quick: {
    events: 20_000,
    batchSize: 1_000,
    runs: 1,
    p1Warmup: 5_000,
    p2Events: 10_000,
    p2Warmup: 2_000,
    groups: 12,
    intensity: 2,
    p3Groups: 100,
    p3LatencyGroups: 100,
    p3LatencyMs: 50,
    p1MemoryGroups: 1_000,
    p1MemoryMembers: 5_000,
    p5Events: 5_000,
    p5BatchSize: 500,
    r1Events: 3_000,
    r1Kills: 2,
    r1QueueEvents: 2_000,
    r1QueueKills: 2,
    r6Groups: 100,
    r7Events: 4_000,
    r7BroadcastGroups: 300,
  },
} satisfies Record<string, BenchSettings>;

export interface RunOptions extends Partial<BenchSettings> {
  quick?: boolean;
  /** Directory for the P1 SQLite files (default: a temp dir, removed afterwards). */
  dir?: string;
  /** Leave P3 out (the report's p3 says skipped). */
  skipP3?: boolean;
  /** Leave out the parts that kill processes or inject faults (R1, R6). */
  skipR1?: boolean;
  skipR6?: boolean;
  skipR7?: boolean;
  /** PostgreSQL and Redis for the queue-mode parts (P5, R1's queue mode, R6); without both they are reported as skipped. */
  databaseUrl?: string | undefined;
  redisUrl?: string | undefined;
  /** Seeds R1's traffic and kill points. */
  seed?: number;
  onProgress?: (message: string) => void;
}

/** The default place the latest report is written (gitignored). */
export const RESULTS_FILE = resolve(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');

/**
 * Runs every benchmark and returns one report: P1, P2, P3, P5, R1, R6 and R7. A part that
 * cannot run here (no PostgreSQL/Redis) or was left out says `skipped` with the reason;
 * a part that throws says `failed` and the others still run.
 */
export async function runBenchmarks(options: RunOptions = {}): Promise<BenchReport> {
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  const atStart: Record<string, LoadAverage> = {};
  const mode = options.quick ? 'quick' : 'full';
  const settings: BenchSettings = { ...PRESETS[mode] };
  for (const key of Object.keys(settings) as (keyof BenchSettings)[]) {
    const value = options[key];
    if (value !== undefined) settings[key] = value;
  }
  const log = options.onProgress ?? (() => {});
  const queueMissing = [!options.databaseUrl && 'DATABASE_URL (PostgreSQL)', !options.redisUrl && 'REDIS_URL (Redis)'].filter(Boolean).join(' and ');
  const part = async <T extends object>(name: string, skipped: string | false, run: () => Promise<T | Skipped>): Promise<T | Skipped | Failed> => {
    if (skipped) {
      log(`${name}: skipped (${skipped})`);
      return { skipped };
    }
    atStart[name] = loadAverage();
    try {
      return await run();
    } catch (error) {
      log(`${name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { failed: error instanceof Error ? error.message : String(error) };
    }
  };

  const events = Math.max(settings.events, settings.p2Events + settings.p2Warmup);
  log(`generating ${events.toLocaleString('en-US')} simulator payloads (${settings.groups} groups, intensity ${settings.intensity})`);
  const workload = buildWorkload({ events, groups: settings.groups, intensity: settings.intensity });
  const rssBeforeP1Mb = process.memoryUsage.rss() / (1024 * 1024);
  const p1Workload = events === settings.events ? workload : { ...workload, payloads: workload.payloads.slice(0, settings.events) };

  atStart.p1 = loadAverage();
  const p1Throughput = await runP1(p1Workload, {
    batchSize: settings.batchSize,
    runs: settings.runs,
    warmupEvents: Math.min(settings.p1Warmup, settings.events),
    ...(options.dir !== undefined ? { dir: options.dir } : {}),
    onProgress: log,
  });
  // The memory goal is about a large community, in a process of its own (this one holds the P1/P2 workload).
  atStart.p1Memory = loadAverage();
  const memory = settings.p1MemoryGroups > 0 ? await measureP1Memory({ groups: settings.p1MemoryGroups, members: settings.p1MemoryMembers, batchSize: settings.batchSize, onProgress: log }) : null;
  const p1: P1Report = { ...p1Throughput, peakRssMb: memory?.peakRssMb ?? p1Throughput.peakRssMb, throughputPeakRssMb: p1Throughput.peakRssMb, memory };
  atStart.p2 = loadAverage();
  const p2 = await runP2(workload, { events: settings.p2Events, warmupEvents: settings.p2Warmup, onProgress: log });

  let loadBeforeP3: number | undefined;
  const p3 = await part<P3Report>('p3', options.skipP3 ? '--skip-p3' : false, async () => {
    loadBeforeP3 = loadavg()[0] ?? 0;
    // Loaded only when run: it brings grammY and the fake Bot API along.
    const { runP3Broadcast } = await import('./p3-telegram-broadcast.js');
    const run = async (p3Options: P3Options): Promise<P3Result> => {
      const result = await runP3Broadcast({ ...p3Options, onProgress: log });
      log(`P3: ${result.sent}/${result.groups} in ${(result.elapsedMs / 1000).toFixed(2)} s = ${result.ratio.toFixed(3)} × minimum; limits ${result.limitsExceeded ? 'EXCEEDED' : 'kept'}`);
      return result;
    };
    const broadcast = p3Run(await run({ groups: settings.p3Groups }));
    const withLatency = settings.p3LatencyGroups > 0 ? p3Run(await run({ groups: settings.p3LatencyGroups, latencyMs: settings.p3LatencyMs })) : null;
    return { ratio: broadcast.ratio, violations: broadcast.limits.violationCount + (withLatency?.limits.violationCount ?? 0), broadcast, withLatency };
  });

  const p5 = await part<P5Report>('p5', queueMissing && `P5 needs PostgreSQL and Redis: set ${queueMissing}`, async () => {
    // Loaded only when run: it brings BullMQ and worker processes along.
    const { runP5 } = await import('./p5-queue-scaling.js');
    return runP5({ events: settings.p5Events, batchSize: settings.p5BatchSize, groups: settings.groups, databaseUrl: options.databaseUrl!, redisUrl: options.redisUrl!, onProgress: log });
  });

  const r1 = await part<R1Result>('r1', options.skipR1 ? '--skip-r1' : false, () =>
    runR1({
      events: settings.r1Events,
      kills: settings.r1Kills,
      queue: { databaseUrl: options.databaseUrl, redisUrl: options.redisUrl, events: settings.r1QueueEvents, kills: settings.r1QueueKills },
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.dir !== undefined ? { dir: options.dir } : {}),
      onProgress: log,
    }),
  );

  const r6 = await part<R6Result>('r6', options.skipR6 ? '--skip-r6' : queueMissing ? `R6 needs PostgreSQL and Redis: set ${queueMissing}` : false, async () => {
    // Loaded only when run: it brings grammY, the fake Bot API and worker processes along.
    const { runR6 } = await import('./r6-fault-broadcast.js');
    return runR6({ groups: settings.r6Groups, workers: 2, databaseUrl: options.databaseUrl!, redisUrl: options.redisUrl!, onProgress: log });
  });

  // R7 starts PostgreSQL and Redis of its own (it restarts them): it needs neither URL, only the server programs.
  const r7 = await part<R7Result>('r7', options.skipR7 ? '--skip-r7' : false, async () => {
    const { runR7 } = await import('./r7-restart.js');
    return runR7({ events: settings.r7Events, broadcastGroups: settings.r7BroadcastGroups, ...(options.seed !== undefined ? { seed: options.seed } : {}), onProgress: log });
  });

  const custom = [!sameAs(settings, PRESETS[mode]) && 'custom', options.skipP3 && 'P3 skipped', options.skipR1 && 'R1 skipped', options.skipR6 && 'R6 skipped', options.skipR7 && 'R7 skipped'].filter(
    Boolean,
  );
  return {
    date: new Date().toISOString(),
    mode: custom.length > 0 ? `${mode} (${custom.join(', ')})` : mode,
    machine: machineInfo(),
    workload: {
      events: settings.events,
      groups: settings.groups,
      intensity: settings.intensity,
      seed: workload.seed,
      mix: mixOf(p1Workload.payloads),
      generateMs: Math.round(workload.generateMs),
      rssBeforeP1Mb: Math.round(rssBeforeP1Mb),
    },
    p1,
    p2,
    p3,
    p5,
    r1,
    r6,
    r7,
    goals: GOALS,
    met: {
      p1: p1.ratio >= GOALS.p1RatioAtLeast,
      p2: p2.decision.p99 / 1000 < GOALS.p2P99BelowMs,
      p3: ran(p3) ? p3Met(p3.broadcast) : null,
      p3Latency: ran(p3) && p3.withLatency ? p3Met(p3.withLatency) : null,
      p5: ran(p5) ? p5.ratio >= GOALS.p5RatioAtLeast && p5.lost === 0 && p5.duplicated === 0 : null,
      r1: ran(r1) ? r1Met(r1) : null,
      r6: ran(r6) ? r6.delivered === r6.expected && r6.duplicated === 0 && r6.violations === 0 && r6.ratio <= GOALS.r6RatioAtMost : null,
      r7: ran(r7) ? r7.ok : null,
    },
    load: { before: loadBefore, ...(loadBeforeP3 !== undefined ? { beforeP3: loadBeforeP3 } : {}), after: loadavg()[0] ?? 0, atStart },
    durationMs: Math.round(performance.now() - started),
  };
}

/** Parts of the report that threw (`hearth bench` exits non-zero when there are any). */
export function failedParts(report: BenchReport): string[] {
  return (['p3', 'p5', 'r1', 'r6', 'r7'] as const).filter((k) => 'failed' in report[k]);
}

/** Writes the report as JSON (default: bench/results/latest.json). */
export function writeReport(report: BenchReport, file = RESULTS_FILE): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

function sameAs(a: BenchSettings, b: BenchSettings): boolean {
  return (Object.keys(b) as (keyof BenchSettings)[]).every((k) => a[k] === b[k]);
}

function mixOf(payloads: readonly { type: string }[]): Record<string, number> {
  const mix: Record<string, number> = {};
  for (const p of payloads) mix[p.type] = (mix[p.type] ?? 0) + 1;
  return mix;
}

// `npx tsx bench/run.ts [--quick] [--skip-p3]` runs it without the CLI (and without the queue-mode parts).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = await runBenchmarks({ quick: process.argv.includes('--quick'), skipP3: process.argv.includes('--skip-p3'), onProgress: (m) => process.stderr.write(`${m}\n`) });
  console.log(formatReport(report));
  console.log(`\nwrote ${writeReport(report)}`);
}
