import { readFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import SQLite from 'better-sqlite3';
import type { P1Result } from './p1-pipeline-throughput.js';
import type { P2Result } from './p2-decision-latency.js';

/** The speed goals, each a ratio (or bound) against a baseline measured in the same run. */
export const GOALS = {
  /** P1: pipeline events/s ÷ raw better-sqlite3 batched insert rows/s. */
  p1RatioAtLeast: 0.4,
  /** P2: p99 of event → decision, milliseconds. */
  p2P99BelowMs: 2,
} as const;

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

export interface BenchReport {
  date: string;
  mode: string;
  machine: MachineInfo;
  workload: { events: number; groups: number; intensity: number; seed: number; mix: Record<string, number>; generateMs: number; /** Process RSS with the workload generated, before P1 starts. */ rssBeforeP1Mb: number };
  p1: P1Result;
  p2: P2Result;
  goals: typeof GOALS;
  met: { p1: boolean; p2: boolean };
  /** 1-minute load average before and after the run: other work on the machine skews the figures. */
  load: { before: number; after: number };
  durationMs: number;
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
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
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

/** The report as a plain-text table, for the terminal. */
export function formatReport(report: BenchReport): string {
  const { p1, p2, machine: m, workload: w } = report;
  const rows: [string, string, string][] = [
    ['P1 pipeline (normalize + ingest + rollups + 20 rules + outbox)', `${int(p1.pipelineEventsPerSec)} events/s`, `median of ${p1.runs.length}`],
    ['P1 baseline (raw better-sqlite3 batched insert, same rows)', `${int(p1.baselineRowsPerSec)} rows/s`, `median of ${p1.runs.length}`],
    ['P1 ratio pipeline / baseline', p1.ratio.toFixed(3), `goal ≥ ${GOALS.p1RatioAtLeast}: ${report.met.p1 ? 'met' : 'NOT met'}`],
    ['P1 ratio by CPU time (less sensitive to other load)', p1.cpuRatio.toFixed(3), 'baseline CPU ms / pipeline CPU ms'],
    ['P1 peak RSS sampled during pipeline runs', `${p1.peakRssMb.toFixed(0)} MB`, `${w.rssBeforeP1Mb} MB before P1 (workload in memory); maxrss ${p1.processMaxRssMb.toFixed(0)} MB`],
    ['P1 outbox actions per run', int(p1.runs[0]?.outboxActions ?? 0), `of ${int(p1.events)} events`],
    ['P2 decision p50 / p99 / p99.9 / max', `${us(p2.decision.p50)} / ${us(p2.decision.p99)} / ${us(p2.decision.p999)} / ${us(p2.decision.max)}`, `goal p99 < ${GOALS.p2P99BelowMs} ms: ${report.met.p2 ? 'met' : 'NOT met'}`],
    ['P2 rules only (pipelineFor + context + 20 rules) p50 / p99', `${us(p2.rulesOnly.p50)} / ${us(p2.rulesOnly.p99)}`, ''],
    ['P2 baseline (parseEvent + context + empty pipeline) p50 / p99', `${us(p2.baseline.p50)} / ${us(p2.baseline.p99)}`, ''],
    ['P2 ratio decision / baseline at p50 / p99', `${p2.ratioP50.toFixed(2)} / ${p2.ratioP99.toFixed(2)}`, `${int(p2.events)} events, ${int(p2.eventsWithActions)} with actions`],
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [
    `Hearth benchmarks (${report.mode}) — ${report.date}`,
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, SQLite ${m.sqlite} (better-sqlite3 ${m.betterSqlite3})`,
    `workload: ${int(w.events)} simulator events, ${w.groups} groups, batch ${p1.batchSize}, ${p1.rules} rules; mix ${Object.entries(w.mix).map(([k, v]) => `${k} ${int(v)}`).join(', ')}`,
    '',
    line(['measure', 'value', 'note']),
    line(widths.map((n) => '-'.repeat(n))),
    ...rows.map(line),
    '',
    `took ${(report.durationMs / 1000).toFixed(1)} s; 1-min load average ${report.load.before.toFixed(2)} before, ${report.load.after.toFixed(2)} after (${m.cores} cores)`,
  ].join('\n');
}
