import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GOALS, formatReport, machineInfo, type BenchReport } from './bench-report.js';
import { buildWorkload } from './bench-workload.js';
import { runP1 } from './p1-pipeline-throughput.js';
import { runP2 } from './p2-decision-latency.js';

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
}

export const PRESETS = {
  /** The reported figures: ~150k events × 3 runs; about a minute and a half on 2 cores. */
  full: { events: 150_000, batchSize: 1_000, runs: 3, p1Warmup: 20_000, p2Events: 60_000, p2Warmup: 10_000, groups: 12, intensity: 2 },
  /** A quick look: a few seconds. */
  quick: { events: 20_000, batchSize: 1_000, runs: 1, p1Warmup: 5_000, p2Events: 10_000, p2Warmup: 2_000, groups: 12, intensity: 2 },
} satisfies Record<string, BenchSettings>;

export interface RunOptions extends Partial<BenchSettings> {
  quick?: boolean;
  /** Directory for the SQLite files (default: a temp dir, removed afterwards). */
  dir?: string;
  onProgress?: (message: string) => void;
}

/** The default place the latest report is written (gitignored). */
export const RESULTS_FILE = resolve(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');

/** Runs P1 and P2 and returns the report. */
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

  return {
    date: new Date().toISOString(),
    mode: sameAs(settings, PRESETS[mode]) ? mode : `${mode} (custom)`,
    machine: machineInfo(),
    workload: { events: settings.events, groups: settings.groups, intensity: settings.intensity, seed: workload.seed, mix: mixOf(p1Workload.payloads), generateMs: Math.round(workload.generateMs), rssBeforeP1Mb: Math.round(rssBeforeP1Mb) },
    p1,
    p2,
    goals: GOALS,
    met: { p1: p1.ratio >= GOALS.p1RatioAtLeast, p2: p2.decision.p99 / 1000 < GOALS.p2P99BelowMs },
    load: { before: loadBefore, after: loadavg()[0] ?? 0 },
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

// `npx tsx bench/run.ts [--quick]` runs it without the CLI.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = await runBenchmarks({ quick: process.argv.includes('--quick'), onProgress: (m) => process.stderr.write(`${m}\n`) });
  console.log(formatReport(report));
  console.log(`\nwrote ${writeReport(report)}`);
}
