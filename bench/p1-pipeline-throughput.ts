import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import type { EventInput } from '../src/core/event.js';
import { normalizeSandboxPayload } from '../src/platforms/sandbox/normalizer.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { openStore } from '../src/store/database.js';
import { median } from './bench-stats.js';
import { BENCH_RULE_COUNT, buildWorkload, setUpBenchWorkspace, type Workload } from './bench-workload.js';

/**
 * P1 — events per second through the whole embedded pipeline, against a raw
 * better-sqlite3 batched insert of the same event rows, measured in the same run.
 *
 * Pipeline (timed): for each batch of `batchSize` pre-generated simulator payloads,
 * the sandbox normalizer (zod-validates the payload) and `runtime.ingest()` (zod-
 * validates the Event, resolves groups/members, writes the event log, memberships,
 * rollups, runs the 20-rule pipeline, writes the outbox) — one transaction per batch,
 * on a fresh SQLite file.
 *
 * Baseline (timed): the event rows the pipeline stored (same columns, same JSON
 * payload), read back untimed, inserted with one prepared statement, one transaction
 * per batch of the same size, into a fresh file with the same schema, indexes and
 * pragmas (WAL, synchronous=NORMAL, foreign keys on; the parent workspace, group and
 * member rows are copied in untimed so the foreign keys are checked as in the
 * pipeline). The two are interleaved batch by batch, so both run under the same
 * machine conditions; the ratio is pipeline events/s ÷ baseline rows/s.
 */

export interface P1Options {
  batchSize: number;
  /** Timed repetitions (median reported). */
  runs: number;
  /** Payloads for an untimed warm-up round (pipeline and baseline) before the timed runs; 0 for none. */
  warmupEvents: number;
  /** Directory for the SQLite files (default: a fresh one under the OS temp dir, removed afterwards). */
  dir?: string;
  onProgress?: (message: string) => void;
}

export interface P1Run {
  events: number;
  pipelineMs: number;
  pipelineEventsPerSec: number;
  baselineMs: number;
  baselineRowsPerSec: number;
  /** pipeline rate / baseline rate. */
  ratio: number;
  /** CPU time (user + system, all threads of this process) spent in each timed part. */
  pipelineCpuMs: number;
  baselineCpuMs: number;
  /** The ratio by CPU time: baselineCpuMs / pipelineCpuMs. Less sensitive to other work on the machine. */
  cpuRatio: number;
  /** Rows in the event table after the pipeline run (must equal `events`). */
  storedEvents: number;
  /** Actions the automations planned into the outbox. */
  outboxActions: number;
  outboxByRule: Record<string, number>;
  /** Rows in the baseline's event table (must equal `events`). */
  baselineRows: number;
  /** Highest process RSS sampled after each pipeline batch, MB. */
  peakRssMb: number;
}

export interface P1Result {
  events: number;
  batchSize: number;
  rules: number;
  runs: P1Run[];
  pipelineEventsPerSec: number;
  baselineRowsPerSec: number;
  /** Median of the per-run ratios. */
  ratio: number;
  /** Median of the per-run CPU-time ratios. */
  cpuRatio: number;
  /** Highest RSS sampled during any pipeline run, MB. */
  peakRssMb: number;
  /** The process's lifetime peak RSS (getrusage maxrss) at the end of P1, MB (includes the workload in memory). */
  processMaxRssMb: number;
}

const MB = 1024 * 1024;

export async function runP1(workload: Workload, options: P1Options): Promise<P1Result> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  const log = options.onProgress ?? (() => {});
  if (!ownDir) mkdirSync(dir, { recursive: true });
  try {
    if (options.warmupEvents > 0) {
      log(`P1 warm-up: ${options.warmupEvents} events`);
      await runOnce(workload, workload.payloads.slice(0, options.warmupEvents), options.batchSize, dir, 'warmup');
    }
    const runs: P1Run[] = [];
    for (let r = 1; r <= options.runs; r++) {
      const run = await runOnce(workload, workload.payloads, options.batchSize, dir, `run${r}`);
      log(
        `P1 run ${r}/${options.runs}: pipeline ${fmt(run.pipelineEventsPerSec)} events/s, baseline ${fmt(run.baselineRowsPerSec)} rows/s, ratio ${run.ratio.toFixed(3)} (by CPU time ${run.cpuRatio.toFixed(3)}), outbox ${run.outboxActions}, peak RSS ${run.peakRssMb.toFixed(0)} MB`,
      );
      runs.push(run);
    }
    return {
      events: workload.payloads.length,
      batchSize: options.batchSize,
      rules: BENCH_RULE_COUNT,
      runs,
      pipelineEventsPerSec: median(runs.map((r) => r.pipelineEventsPerSec)),
      baselineRowsPerSec: median(runs.map((r) => r.baselineRowsPerSec)),
      ratio: median(runs.map((r) => r.ratio)),
      cpuRatio: median(runs.map((r) => r.cpuRatio)),
      peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
      processMaxRssMb: (process.resourceUsage().maxRSS * 1024) / MB,
    };
  } finally {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  }
}

const EVENT_COLUMNS = 'workspace_id, group_id, member_id, kind, dedup_key, occurred_at, payload';

/**
 * One timed run. Pipeline and baseline are interleaved batch by batch (pipeline batch
 * k, then the baseline inserts the rows that batch stored), so both see the same
 * machine: a load spike from other work lands on both, not on one of them.
 */
async function runOnce(workload: Workload, payloads: readonly unknown[], batchSize: number, dir: string, name: string): Promise<P1Run> {
  const pipelineFile = join(dir, `${name}-pipeline.db`);
  const baselineFile = join(dir, `${name}-baseline.db`);
  let runtime: HearthRuntime | undefined;
  let baseline: Baseline | undefined;
  try {
    runtime = await HearthRuntime.open({ kind: 'sqlite', file: pipelineFile }, { clock: () => workload.end });
    const workspaceId = await setUpBenchWorkspace(runtime.store.db, workload.groups);
    runtime.automations.invalidate();
    baseline = await Baseline.open(baselineFile, pipelineFile);
    globalThis.gc?.();

    let peakRss = process.memoryUsage.rss();
    let notStored = 0;
    let pipelineMs = 0;
    let baselineMs = 0;
    let pipelineCpu = 0;
    let baselineCpu = 0;
    for (let i = 0; i < payloads.length; i += batchSize) {
      const end = Math.min(i + batchSize, payloads.length);
      // Timed: the pipeline, payloads to outbox.
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const events: EventInput[] = [];
      for (let j = i; j < end; j++) for (const e of normalizeSandboxPayload(payloads[j])) events.push(e);
      const results = await runtime.ingest(events, { workspaceId });
      pipelineMs += performance.now() - t0;
      pipelineCpu += cpuMs(process.cpuUsage(c0));
      for (const r of results) if (r.status !== 'stored') notStored++;
      const rss = process.memoryUsage.rss();
      if (rss > peakRss) peakRss = rss;

      // Untimed: the rows this batch stored (and their new parent rows), read back.
      const rows = baseline.nextRows();
      // Timed: the baseline, the same rows in one transaction.
      const c1 = process.cpuUsage();
      const t1 = performance.now();
      baseline.insertBatch(rows);
      baselineMs += performance.now() - t1;
      baselineCpu += cpuMs(process.cpuUsage(c1));
    }
    if (notStored > 0) throw new Error(`P1: ${notStored} events were not stored (duplicate or rejected)`);

    const { db } = runtime.store;
    const stored = Number(
      (
        await db
          .selectFrom('event')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const outbox = await db.selectFrom('outbox').select('action').execute();
    const outboxByRule: Record<string, number> = {};
    for (const { action } of outbox) {
      const rule = (JSON.parse(action) as { rule?: string }).rule ?? '?';
      outboxByRule[rule] = (outboxByRule[rule] ?? 0) + 1;
    }
    const baselineRows = baseline.count();
    if (stored !== payloads.length) throw new Error(`P1: ${payloads.length} events in, ${stored} stored`);
    if (baselineRows !== payloads.length) throw new Error(`P1 baseline: ${payloads.length} rows in, ${baselineRows} stored`);

    const pipelineEventsPerSec = payloads.length / (pipelineMs / 1000);
    const baselineRowsPerSec = baselineRows / (baselineMs / 1000);
    return {
      events: payloads.length,
      pipelineMs,
      pipelineEventsPerSec,
      baselineMs,
      baselineRowsPerSec,
      ratio: pipelineEventsPerSec / baselineRowsPerSec,
      pipelineCpuMs: pipelineCpu,
      baselineCpuMs: baselineCpu,
      cpuRatio: baselineCpu / pipelineCpu,
      storedEvents: stored,
      outboxActions: outbox.length,
      outboxByRule,
      baselineRows,
      peakRssMb: peakRss / MB,
    };
  } finally {
    baseline?.close();
    await runtime?.close();
    for (const f of [pipelineFile, baselineFile]) for (const suffix of ['', '-wal', '-shm']) rmSync(f + suffix, { force: true });
  }
}

/**
 * The baseline database: Hearth's schema and indexes (created by openStore), written
 * through a raw better-sqlite3 handle with the same pragmas, one prepared statement.
 * The pipeline's file is attached to read the rows from (untimed); nothing writes to it.
 */
class Baseline {
  #lastEventId = 0;
  #lastGroupId = 0;
  #lastMemberId = 0;

  private constructor(
    private readonly db: SQLite.Database,
    private readonly transaction: (rows: unknown[][]) => void,
  ) {}

  static async open(file: string, pipelineFile: string): Promise<Baseline> {
    await (await openStore({ kind: 'sqlite', file })).close();
    const db = new SQLite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.prepare('attach database ? as src').run(pipelineFile);
    db.exec('insert into workspace select * from src.workspace');
    const insert = db.prepare(`insert into event (${EVENT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?)`);
    const transaction = db.transaction((rows: unknown[][]) => {
      for (const row of rows) insert.run(row);
    });
    return new Baseline(db, transaction);
  }

  /** Copies the parent rows created since the last call and returns the new event rows (untimed). */
  nextRows(): unknown[][] {
    // Parent rows the events point at, so foreign keys are checked as in the pipeline.
    this.#lastGroupId = this.#copy('chat_group', this.#lastGroupId);
    this.#lastMemberId = this.#copy('member', this.#lastMemberId);
    const rows = this.db.prepare(`select id, ${EVENT_COLUMNS} from src.event where id > ? order by id`).raw().all(this.#lastEventId) as unknown[][];
    if (rows.length > 0) this.#lastEventId = rows[rows.length - 1]![0] as number;
    return rows.map((r) => r.slice(1));
  }

  #copy(table: 'chat_group' | 'member', after: number): number {
    this.db.prepare(`insert into main.${table} select * from src.${table} where id > ?`).run(after);
    return (this.db.prepare(`select coalesce(max(id), 0) as id from main.${table}`).get() as { id: number }).id;
  }

  /** Timed part: one transaction, one prepared insert per row. */
  insertBatch(rows: unknown[][]): void {
    this.transaction(rows);
  }

  count(): number {
    return (this.db.prepare('select count(*) as n from main.event').get() as { n: number }).n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

// `npx tsx bench/p1-pipeline-throughput.ts [events] [runs]`: P1's throughput alone, as the full
// bench runs it (12 groups, intensity 2, batches of 1,000, 20,000 warm-up events), with the load average.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const events = Number(process.argv[2] ?? 150_000);
  const runs = Number(process.argv[3] ?? 3);
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(`load average ${load()}`);
  const result = await runP1(buildWorkload({ events, groups: 12, intensity: 2 }), { batchSize: 1_000, runs, warmupEvents: Math.min(20_000, events), onProgress: (m) => console.log(m) });
  console.log(`P1 ratio median ${result.ratio.toFixed(3)} (${result.runs.map((r) => r.ratio.toFixed(3)).join(', ')}), by CPU ${result.cpuRatio.toFixed(3)}; load average ${load()}`);
}
