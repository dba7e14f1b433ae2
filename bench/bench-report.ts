import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import SQLite from 'better-sqlite3';
import type { P1MemoryResult } from './p1-memory.js';
import type { P1Result } from './p1-pipeline-throughput.js';
import type { P2Result } from './p2-decision-latency.js';
import type { P3Result } from './p3-telegram-broadcast.js';
import type { R1ModeResult, R1Result } from './r1-crash-recovery.js';
import type { R6Result } from './r6-fault-broadcast.js';
import type { R7Result } from './r7-restart.js';

/** The speed goals, each a ratio (or bound) against a baseline measured in the same run. */
export const GOALS = {
  /** P1: pipeline events/s ÷ raw better-sqlite3 batched insert rows/s. */
  p1RatioAtLeast: 0.4,
  /** P2: p99 of event → decision, milliseconds. */
  p2P99BelowMs: 2,
  /** P3: broadcast time ÷ the (N − 1) / 30 s minimum Telegram's limits allow, with no limit exceeded. */
  p3RatioAtMost: 1.05,
  /** P1: peak RSS (MB) while ingesting for 1,000 groups / 100k members. */
  p1PeakRssBelowMb: 300,
  /** P5: events/s with 2 queue workers ÷ with 1, PostgreSQL + Redis. */
  p5RatioAtLeast: 1.6,
  /** R6: time ÷ the fault-free minimum plus the imposed waits. */
  r6RatioAtMost: 1.1,
} as const;

/** A part of the report that did not run: why (no PostgreSQL/Redis, left out by an option, not built). */
export interface Skipped {
  skipped: string;
}

/** A part of the report that threw: the run goes on, the report says so and `hearth bench` exits non-zero. */
export interface Failed {
  failed: string;
}

export function ran<T extends object>(section: T | Skipped | Failed | null | undefined): section is T {
  return typeof section === 'object' && section !== null && !('skipped' in section) && !('failed' in section);
}

/** One P3 broadcast, as kept in the report: the violations are capped (the count is not). */
export interface P3Run extends Omit<P3Result, 'limits'> {
  limits: Omit<P3Result['limits'], 'exceeded'> & { violationCount: number };
}

export interface P3Report {
  /** The N-group broadcast's time ÷ minimum (the `broadcast` run's ratio): the figure the goal is about. */
  ratio: number;
  /** Telegram limit windows exceeded, over both runs (0 is the goal). */
  violations: number;
  /** N groups (1,000 full, 100 quick) against the fake Bot API on loopback. */
  broadcast: P3Run;
  /** The same with the fake answering after a simulated round trip (50 ms, 100 groups); null when not run. */
  withLatency: P3Run | null;
}

/** At most this many limit violations are kept per P3 run in the JSON report. */
export const P3_VIOLATIONS_KEPT = 20;

export function p3Run(result: P3Result): P3Run {
  const { limits, ...rest } = result;
  return { ...rest, limits: { sends: limits.sends, tightest: limits.tightest, violationCount: limits.violations.length, violations: limits.violations.slice(0, P3_VIOLATIONS_KEPT) } };
}

/** The P3 goal for one run: within 5% of the minimum, no published limit exceeded, everything sent. */
export function p3Met(run: P3Run): boolean {
  return run.ratio <= GOALS.p3RatioAtMost && !run.limitsExceeded && run.sent === run.groups;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  sqlite: string;
  betterSqlite3: string;
  os: string;
  tmpdir: string;
}

/**
 * P5's shape as far as the report needs it (bench/p5-queue-scaling.ts owns the rest):
 * 2 workers' events/s ÷ 1 worker's, and what was lost or doubled on the way.
 */
export interface P5Report {
  ratio: number;
  lost: number;
  duplicated: number;
  [detail: string]: unknown;
}

/** The 1-, 5- and 15-minute load averages at a moment: other work on the machine skews the figures. */
export type LoadAverage = [number, number, number];

export function loadAverage(): LoadAverage {
  const [a = 0, b = 0, c = 0] = loadavg();
  return [round2(a), round2(b), round2(c)];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * P1 as reported: the throughput runs, with `peakRssMb` taken from the memory run (a
 * 1,000-group / 100k-member community ingested in a process of its own), which is what
 * the RSS goal is about. The throughput runs' own peak (their workload held in memory)
 * stays as `throughputPeakRssMb`. Without a memory run, `peakRssMb` is that one.
 */
export interface P1Report extends P1Result {
  throughputPeakRssMb: number;
  memory: P1MemoryResult | null;
}

export interface BenchReport {
  date: string;
  mode: string;
  machine: MachineInfo;
  workload: {
    events: number;
    groups: number;
    intensity: number;
    seed: number;
    mix: Record<string, number>;
    generateMs: number /** Process RSS with the workload generated, before P1 starts. */;
    rssBeforeP1Mb: number;
  };
  p1: P1Report;
  p2: P2Result;
  p3: P3Report | Skipped | Failed;
  /** Queue mode, 1 vs 2 workers (needs PostgreSQL and Redis). */
  p5: P5Report | Skipped | Failed;
  /** Crash recovery: kill -9 at random points, embedded and (with PostgreSQL and Redis) queue mode. */
  r1: R1Result | Skipped | Failed;
  /** A 1,000-group broadcast by 2 workers against a fault-injecting fake Bot API (needs PostgreSQL and Redis). */
  r6: R6Result | Skipped | Failed;
  /** PostgreSQL and Redis restarted mid-run in queue mode, on servers of its own (needs the PostgreSQL server programs and redis-server). */
  r7: R7Result | Skipped | Failed;
  goals: typeof GOALS;
  /** Whether each goal was met; null when its part did not run. p3Latency: the P3 goal applied to the run with Bot API latency. */
  met: { p1: boolean; p2: boolean; p3: boolean | null; p3Latency: boolean | null; p5: boolean | null; r1: boolean | null; r6: boolean | null; r7: boolean | null };
  /** 1-minute load average before the run, before P3 (when run) and after; and 1/5/15-minute averages as each part started. */
  load: { before: number; beforeP3?: number; after: number; atStart: Record<string, LoadAverage> };
  durationMs: number;
}

/** R1's goal: nothing lost or doubled, events or actions, in every mode run. */
export function r1Met(r1: R1Result): boolean {
  return r1.lost === 0 && r1.duplicated === 0 && r1.rollupsMismatched === 0 && r1.actionsLost === 0 && r1.actionsDuplicated === 0;
}

export function machineInfo(): MachineInfo {
  const db = new SQLite(':memory:');
  const { v } = db.prepare('select sqlite_version() as v').get() as { v: string };
  db.close();
  return {
    cpuModel: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    sqlite: v,
    betterSqlite3: packageVersion('better-sqlite3'),
    os: `${process.platform} ${release()} ${process.arch}`,
    tmpdir: tmpdir(),
  };
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

function packageVersion(name: string): string {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const us = (n: number) => `${n.toFixed(1)} µs`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const windowLabel = (ms: number) => (ms === 1_000 ? 's' : ms === 60_000 ? 'min' : `${int(ms)} ms`);

function p3Rows(label: string, run: P3Run, met: boolean | null): [string, string, string][] {
  const windows = run.limits.tightest
    .map((t) => `${t.limit}/${windowLabel(t.windowMs)} ${t.scope === 'chat' ? 'per chat' : 'global'}: ${t.spanMs === null ? 'n/a' : `${int(t.spanMs)} ms`}`)
    .join('; ');
  const outcome = `${run.sent}/${run.groups} sent${run.failed ? `, ${run.failed} failed` : ''}${run.retries ? `, ${run.retries} retries` : ''}`;
  return [
    [
      `${label}: time / minimum`,
      `${run.ratio.toFixed(3)} (${sec(run.elapsedMs)} / ${sec(run.theoreticalMinMs)})`,
      `goal ≤ ${GOALS.p3RatioAtMost}, limits kept: ${met ? 'met' : 'NOT met'}; ${outcome}, ${run.passes} dispatcher passes`,
    ],
    [`${label}: Telegram limits at the fake`, run.limitsExceeded ? `EXCEEDED (${int(run.limits.violationCount)} windows)` : 'kept (0 violations)', `closest windows: ${windows}`],
  ];
}

/** The report as a plain-text table, for the terminal. */
export function formatReport(report: BenchReport): string {
  const { p1, p2, p3, machine: m, workload: w } = report;
  const rows: [string, string, string][] = [
    ['P1 pipeline (normalize + ingest + rollups + 20 rules + outbox)', `${int(p1.pipelineEventsPerSec)} events/s`, `median of ${p1.runs.length}`],
    ['P1 baseline (raw better-sqlite3 batched insert, same rows)', `${int(p1.baselineRowsPerSec)} rows/s`, `median of ${p1.runs.length}`],
    ['P1 ratio pipeline / baseline', p1.ratio.toFixed(3), `goal ≥ ${GOALS.p1RatioAtLeast}: ${report.met.p1 ? 'met' : 'NOT met'}`],
    ['P1 ratio by CPU time (less sensitive to other load)', p1.cpuRatio.toFixed(3), 'baseline CPU ms / pipeline CPU ms'],
    ...(p1.memory
      ? [
          [
            `P1 peak RSS ingesting ${int(p1.memory.groups)} groups / ${int(p1.memory.members)} members`,
            `${p1.memory.peakRssMb.toFixed(0)} MB`,
            `goal < ${GOALS.p1PeakRssBelowMb} MB: ${p1.memory.peakRssMb < GOALS.p1PeakRssBelowMb ? 'met' : 'NOT met'}; ${int(p1.memory.events)} events at ${int(p1.memory.eventsPerSec)} events/s, ${p1.memory.rssBeforeMb.toFixed(0)} MB before the first batch`,
          ] as [string, string, string],
        ]
      : []),
    ['P1 peak RSS sampled during the throughput runs', `${p1.throughputPeakRssMb.toFixed(0)} MB`, `${w.rssBeforeP1Mb} MB before P1 (workload in memory); maxrss ${p1.processMaxRssMb.toFixed(0)} MB`],
    ['P1 outbox actions per run', int(p1.runs[0]?.outboxActions ?? 0), `of ${int(p1.events)} events`],
    [
      'P2 decision p50 / p99 / p99.9 / max',
      `${us(p2.decision.p50)} / ${us(p2.decision.p99)} / ${us(p2.decision.p999)} / ${us(p2.decision.max)}`,
      `goal p99 < ${GOALS.p2P99BelowMs} ms: ${report.met.p2 ? 'met' : 'NOT met'}`,
    ],
    ['P2 rules only (pipelineFor + context + 20 rules) p50 / p99', `${us(p2.rulesOnly.p50)} / ${us(p2.rulesOnly.p99)}`, ''],
    ['P2 baseline (parseEvent + context + empty pipeline) p50 / p99', `${us(p2.baseline.p50)} / ${us(p2.baseline.p99)}`, ''],
    ['P2 ratio decision / baseline at p50 / p99', `${p2.ratioP50.toFixed(2)} / ${p2.ratioP99.toFixed(2)}`, `${int(p2.events)} events, ${int(p2.eventsWithActions)} with actions`],
    ...(ran(p3)
      ? [
          ...p3Rows(`P3 broadcast to ${int(p3.broadcast.groups)} Telegram groups, loopback`, p3.broadcast, report.met.p3),
          ...(p3.withLatency ? p3Rows(`P3 ${int(p3.withLatency.groups)} groups, ${p3.withLatency.latencyMs} ms Bot API latency`, p3.withLatency, report.met.p3Latency) : []),
        ]
      : [notRun('P3 Telegram broadcast', p3)]),
    ...(ran(report.p5)
      ? [
          [
            'P5 queue mode: 2 workers / 1 worker',
            report.p5.ratio.toFixed(2),
            `goal ≥ ${GOALS.p5RatioAtLeast}: ${report.met.p5 ? 'met' : 'NOT met'}; ${report.p5.lost} lost, ${report.p5.duplicated} duplicated`,
          ] as [string, string, string],
        ]
      : [notRun('P5 queue mode scaling', report.p5)]),
    ...(ran(report.r1) ? r1Rows(report.r1, report.met.r1) : [notRun('R1 crash recovery', report.r1)]),
    ...(ran(report.r6)
      ? [
          [
            `R6 broadcast to ${int(report.r6.groups)} groups, ${report.r6.workers} workers, faults injected`,
            `${int(report.r6.delivered)}/${int(report.r6.expected)} delivered`,
            `${report.r6.duplicated} doubled, ${report.r6.violations} limit windows exceeded; time / floor ${report.r6.ratio.toFixed(3)} (goal ≤ ${GOALS.r6RatioAtMost}): ${report.met.r6 ? 'met' : 'NOT met'}`,
          ] as [string, string, string],
        ]
      : [notRun('R6 fault-injected broadcast', report.r6)]),
    ...(ran(report.r7)
      ? [
          [
            `R7 PostgreSQL and Redis restarted ${report.r7.restarts}×, ${report.r7.workers} workers`,
            `${report.r7.lost} lost, ${report.r7.duplicated} duplicated`,
            `of ${int(report.r7.events)} events; actions ${report.r7.actions.lost} lost, ${report.r7.actions.duplicated} doubled; broadcast ${int(report.r7.broadcast.delivered)}/${int(report.r7.broadcast.groups)}, ${report.r7.broadcast.duplicated} doubled; ${report.r7.workerExits} worker exits: ${report.met.r7 ? 'met' : 'NOT met'}`,
          ] as [string, string, string],
        ]
      : [notRun('R7 database and Redis restarts', report.r7)]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    `Hearth benchmarks (${report.mode}) — ${report.date}`,
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, SQLite ${m.sqlite} (better-sqlite3 ${m.betterSqlite3})`,
    `workload: ${int(w.events)} simulator events, ${w.groups} groups, batch ${p1.batchSize}, ${p1.rules} rules; mix ${Object.entries(w.mix)
      .map(([k, v]) => `${k} ${int(v)}`)
      .join(', ')}`,
    '',
    line(['measure', 'value', 'note']),
    line(widths.map((n) => '-'.repeat(n))),
    ...rows.map(line),
    '',
    ...(ran(p3) ? [`P3 minimum = (N − 1) / 30 s (Telegram: 30 messages/s per bot, 1/s and 20/min per chat); time = first dispatcher pass → last send answered`] : []),
    ...(ran(report.r1) ? [`R1 seed ${report.r1.seed}: rerun with the same seed for the same traffic and kill points (the moment within a batch is random)`] : []),
    `took ${(report.durationMs / 1000).toFixed(1)} s; 1-min load average ${report.load.before.toFixed(2)} before${report.load.beforeP3 !== undefined ? `, ${report.load.beforeP3.toFixed(2)} before P3` : ''}, ${report.load.after.toFixed(2)} after (${m.cores} cores)`,
  ].join('\n');
}

function notRun(label: string, section: Skipped | Failed): [string, string, string] {
  return 'skipped' in section ? [label, 'skipped', section.skipped] : [label, 'FAILED', section.failed];
}

function r1Mode(label: string, m: R1ModeResult): [string, string, string] {
  return [
    `R1 ${label}: ${int(m.events)} events, ${m.kills} × kill -9`,
    `${m.lost} lost, ${m.duplicated} duplicated`,
    `${m.rollupsMismatched} group-days miscounted; actions ${int(m.actions.planned)}/${int(m.actions.expected)} (${m.actions.lost} lost, ${m.actions.duplicated} doubled); sends ${int(m.sends.delivered)}/${int(m.sends.expected)} (${m.sends.missing} missing, ${m.sends.doubled} doubled, ${m.sends.resentAfterCrash} resent after a kill, ${m.deliveredUnmarkedAtKill} of them delivered before it: Telegram would show those twice)`,
  ];
}

function r1Rows(r1: R1Result, met: boolean | null): [string, string, string][] {
  return [
    ['R1 crash recovery, all modes', `${r1.lost} lost, ${r1.duplicated} duplicated`, `actions ${r1.actionsLost} lost, ${r1.actionsDuplicated} doubled; goal 0: ${met ? 'met' : 'NOT met'}`],
    r1Mode('embedded (SQLite)', r1.embedded),
    ...(ran(r1.queueMode) ? [r1Mode('queue mode (PostgreSQL + BullMQ worker)', r1.queueMode)] : [notRun('R1 queue mode', r1.queueMode)]),
  ];
}
