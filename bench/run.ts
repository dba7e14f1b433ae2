import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GOALS, formatReport, machineInfo, p3Met, p3Run, type BenchReport, type P3Report } from './bench-report.js';
import { buildWorkload } from './bench-workload.js';
import { runP1 } from './p1-pipeline-throughput.js';
import { runP2 } from './p2-decision-latency.js';
import type { P3Options, P3Result } from './p3-telegram-broadcast.js';

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
}

export const PRESETS = {
  /** The reported figures: ~150k events × 3 runs, then P3 to 1,000 groups (≥ 33 s by Telegram's limits); 2–3 minutes on 2 cores. */
  full: { events: 150_000, batchSize: 1_000, runs: 3, p1Warmup: 20_000, p2Events: 60_000, p2Warmup: 10_000, groups: 12, intensity: 2, p3Groups: 1_000, p3LatencyGroups: 100, p3LatencyMs: 50 },
  /** A quick look: about 15 s (P3's two 100-group broadcasts take ≥ 3.3 s each). */
  quick: { events: 20_000, batchSize: 1_000, runs: 1, p1Warmup: 5_000, p2Events: 10_000, p2Warmup: 2_000, groups: 12, intensity: 2, p3Groups: 100, p3LatencyGroups: 100, p3LatencyMs: 50 },
} satisfies Record<string, BenchSettings>;

export interface RunOptions extends Partial<BenchSettings> {
  quick?: boolean;
  /** Directory for the P1 SQLite files (default: a temp dir, removed afterwards). */
  dir?: string;
  /** Leave P3 out (the report's p3 is null). */
  skipP3?: boolean;
  onProgress?: (message: string) => void;
}

/** The default place the latest report is written (gitignored). */
export const RESULTS_FILE = resolve(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');

/** Runs P1, P2 and P3 (unless skipped) and returns the report. */
export async function runBenchmarks(options: RunOptions = {}): Promise<BenchReport> {
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  const mode = options.quick ? 'quick' : 'full';
  const settings: BenchSettings = { ...PRESETS[mode] };
  for (const key of Object.keys(settings) as (keyof BenchSettings)[]) {
    const value = options[key];
    if (value !== undefined) settings[key] = value;
  }
  const log = options.onProgress ?? (() => {});

  const events = Math.max(settings.events, settings.p2Events + settings.p2Warmup);
  log(`generating ${events.toLocaleString('en-US')} simulator payloads (${settings.groups} groups, intensity ${settings.intensity})`);
  const workload = buildWorkload({ events, groups: settings.groups, intensity: settings.intensity });
  const rssBeforeP1Mb = process.memoryUsage.rss() / (1024 * 1024);
  const p1Workload = events === settings.events ? workload : { ...workload, payloads: workload.payloads.slice(0, settings.events) };

  const p1 = await runP1(p1Workload, {
    batchSize: settings.batchSize,
    runs: settings.runs,
    warmupEvents: Math.min(settings.p1Warmup, settings.events),
    ...(options.dir !== undefined ? { dir: options.dir } : {}),
    onProgress: log,
  });
  const p2 = await runP2(workload, { events: settings.p2Events, warmupEvents: settings.p2Warmup, onProgress: log });

  let p3: P3Report | null = null;
  let loadBeforeP3: number | undefined;
  if (!options.skipP3) {
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
    p3 = { broadcast, withLatency };
  }

  return {
    date: new Date().toISOString(),
    mode: sameAs(settings, PRESETS[mode]) && !options.skipP3 ? mode : `${mode} (custom${options.skipP3 ? ', P3 skipped' : ''})`,
    machine: machineInfo(),
    workload: { events: settings.events, groups: settings.groups, intensity: settings.intensity, seed: workload.seed, mix: mixOf(p1Workload.payloads), generateMs: Math.round(workload.generateMs), rssBeforeP1Mb: Math.round(rssBeforeP1Mb) },
    p1,
    p2,
    p3,
    goals: GOALS,
    met: {
      p1: p1.ratio >= GOALS.p1RatioAtLeast,
      p2: p2.decision.p99 / 1000 < GOALS.p2P99BelowMs,
      p3: p3 ? p3Met(p3.broadcast) : null,
      p3Latency: p3?.withLatency ? p3Met(p3.withLatency) : null,
    },
    load: { before: loadBefore, ...(loadBeforeP3 !== undefined ? { beforeP3: loadBeforeP3 } : {}), after: loadavg()[0] ?? 0 },
    durationMs: Math.round(performance.now() - started),
  };
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

// `npx tsx bench/run.ts [--quick] [--skip-p3]` runs it without the CLI.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = await runBenchmarks({ quick: process.argv.includes('--quick'), skipP3: process.argv.includes('--skip-p3'), onProgress: (m) => process.stderr.write(`${m}\n`) });
  console.log(formatReport(report));
  console.log(`\nwrote ${writeReport(report)}`);
}
