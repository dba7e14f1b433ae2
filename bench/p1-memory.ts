import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { EventInput } from '../src/core/event.js';
import { normalizeSandboxPayload } from '../src/platforms/sandbox/normalizer.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import type { SandboxPayload } from '../src/platforms/sandbox/sandbox-payload.js';
import { BENCH_START, setUpBenchWorkspace, streamWorkload } from './bench-workload.js';
import { planGroups } from '../src/simulator/group-plans.js';

/**
 * P1's memory figure: the process's RSS while the embedded pipeline ingests the
 * traffic of a large community (default 1,000 groups until 100,000 distinct members
 * have appeared), with the 20 benchmark rules on. The simulator runs in a child
 * process and streams the payloads as JSON lines (its rosters for 1,000 groups take
 * ~150 MB of their own); they are read a batch at a time and dropped after it, so
 * what grows is what Hearth holds: the directory cache, the rules, SQLite's page
 * cache. Goal: < 300 MB.
 *
 *   node --max-old-space-size=160 --import tsx bench/p1-memory.ts [--groups 1000] [--members 100000] [--batch 1000] [--json]
 *
 * `measureP1Memory()` runs it in a child process, so the figure is not mixed with
 * whatever the calling process holds (the P1/P2 workload, for one).
 */

export interface P1MemoryOptions {
  groups: number;
  members: number;
  batchSize: number;
  /** Directory for the SQLite file (default: a fresh one under the OS temp dir, removed afterwards). */
  dir?: string;
  onProgress?: (message: string) => void;
}

export interface P1MemoryResult {
  groups: number;
  /** Members stored at the end (≥ the target). */
  members: number;
  events: number;
  batchSize: number;
  /** Highest RSS sampled after each batch, MB. */
  peakRssMb: number;
  /** RSS once the workspace was set up, before the first batch, MB. */
  rssBeforeMb: number;
  /** The process's lifetime peak (getrusage maxrss), MB. */
  processMaxRssMb: number;
  /** Pipeline rate (normalize + ingest; generation excluded). */
  eventsPerSec: number;
  elapsedMs: number;
  load: { before: number; after: number };
}

const MB = 1024 * 1024;

/** Runs the memory scenario in this process. */
export async function runP1Memory(options: P1MemoryOptions): Promise<P1MemoryResult> {
  const log = options.onProgress ?? (() => {});
  const loadBefore = loadavg()[0] ?? 0;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hearth-p1-memory-'));
  let now = BENCH_START;
  const runtime = await HearthRuntime.open({ kind: 'sqlite', file: join(dir, 'memory.db') }, { clock: () => now });
  try {
    // The groups only: the simulator itself (rosters, traffic) runs in the generator process.
    const groups = planGroups(20_260_105, BENCH_START, options.groups).map((plan) => plan.group);
    const workspaceId = await setUpBenchWorkspace(runtime.store.db, groups);
    runtime.automations.invalidate();
    globalThis.gc?.();
    const rssBefore = process.memoryUsage.rss();
    let peak = rssBefore;
    let events = 0;
    let pipelineMs = 0;
    const started = performance.now();
    for await (const payloads of generatedBatches(options)) {
      now = payloads[payloads.length - 1]!.at;
      const t0 = performance.now();
      const batch: EventInput[] = [];
      for (const p of payloads) for (const e of normalizeSandboxPayload(p)) batch.push(e);
      const results = await runtime.ingest(batch, { workspaceId });
      pipelineMs += performance.now() - t0;
      for (const r of results) if (r.status === 'rejected') throw new Error(`P1 memory: an event was rejected: ${r.reason}`);
      events += payloads.length;
      const rss = process.memoryUsage.rss();
      if (rss > peak) peak = rss;
      if (events % (options.batchSize * 50) === 0) {
        const m = process.memoryUsage();
        log(
          `P1 memory: ${events.toLocaleString('en-US')} events, RSS ${(rss / MB).toFixed(0)} MB (heap ${(m.heapUsed / MB).toFixed(0)} of ${(m.heapTotal / MB).toFixed(0)} MB, external ${(m.external / MB).toFixed(0)} MB)`,
        );
      }
    }
    const { db } = runtime.store;
    const members = Number(
      (
        await db
          .selectFrom('member')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    return {
      groups: options.groups,
      members,
      events,
      batchSize: options.batchSize,
      peakRssMb: peak / MB,
      rssBeforeMb: rssBefore / MB,
      processMaxRssMb: (process.resourceUsage().maxRSS * 1024) / MB,
      eventsPerSec: events / (pipelineMs / 1000),
      elapsedMs: performance.now() - started,
      load: { before: loadBefore, after: loadavg()[0] ?? 0 },
    };
  } finally {
    await runtime.close();
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

const SELF = fileURLToPath(import.meta.url);

/** The V8 old-space limit the memory run is measured with, MB. */
export const DEFAULT_HEAP_LIMIT_MB = 160;

/** The simulated traffic, generated by a child process (`--generate`), in batches. */
async function* generatedBatches(options: P1MemoryOptions): AsyncGenerator<SandboxPayload[]> {
  const args = ['--import', 'tsx', SELF, '--generate', '--groups', String(options.groups), '--members', String(options.members), '--batch', String(options.batchSize)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((done) => child.once('close', done));
  let batch: SandboxPayload[] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line === '') {
      yield batch;
      batch = [];
    } else batch.push(JSON.parse(line) as SandboxPayload);
  }
  if (batch.length > 0) yield batch;
  const code = await exited;
  if (code !== 0) throw new Error(`P1 memory: the generator exited with ${code}`);
}

/** Generator mode: JSON lines on stdout, an empty line after each batch. */
async function generate(options: { groups: number; members: number; batchSize: number }): Promise<void> {
  for (const { payloads } of streamWorkload(options)) {
    const text = `${payloads.map((p) => JSON.stringify(p)).join('\n')}\n\n`;
    if (!process.stdout.write(text)) await new Promise((done) => process.stdout.once('drain', done));
  }
}

/** Runs the memory scenario in a fresh child process (through tsx) and returns its result. */
export async function measureP1Memory(
  options: Omit<P1MemoryOptions, 'onProgress' | 'dir'> & { heapLimitMb?: number | null; onProgress?: (message: string) => void },
): Promise<P1MemoryResult & { heapLimitMb: number | null }> {
  // V8 grows its heap lazily, well past what is live, unless told a limit: the figure
  // is taken with the limit an operator would set for a worker (null: none).
  const heapLimitMb = options.heapLimitMb === undefined ? DEFAULT_HEAP_LIMIT_MB : options.heapLimitMb;
  const heap = heapLimitMb === null ? [] : [`--max-old-space-size=${heapLimitMb}`];
  const args = [...heap, '--import', 'tsx', SELF, '--json', '--groups', String(options.groups), '--members', String(options.members), '--batch', String(options.batchSize)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) if (line.trim()) options.onProgress?.(line);
  });
  const code = await new Promise<number | null>((done, fail) => child.once('error', fail).once('close', done));
  if (code !== 0) throw new Error(`P1 memory run exited with ${code}`);
  return { ...(JSON.parse(out) as P1MemoryResult), heapLimitMb };
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  const { values } = parseArgs({
    options: {
      generate: { type: 'boolean', default: false },
      groups: { type: 'string', default: '1000' },
      members: { type: 'string', default: '100000' },
      batch: { type: 'string', default: '1000' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.generate) {
    await generate({ groups: Number(values.groups), members: Number(values.members), batchSize: Number(values.batch) });
    process.exit(0);
  }
  const result = await runP1Memory({ groups: Number(values.groups), members: Number(values.members), batchSize: Number(values.batch), onProgress: (m) => process.stderr.write(`${m}\n`) });
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    console.log(
      `P1 memory: ${result.groups} groups, ${result.members.toLocaleString('en-US')} members, ${result.events.toLocaleString('en-US')} events at ${Math.round(result.eventsPerSec).toLocaleString('en-US')} events/s; peak RSS ${result.peakRssMb.toFixed(0)} MB (${result.rssBeforeMb.toFixed(0)} MB before the first batch; maxrss ${result.processMaxRssMb.toFixed(0)} MB); load ${result.load.before.toFixed(2)} → ${result.load.after.toFixed(2)}`,
    );
}
