import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { formatReport, ran } from '../bench/bench-report.js';
import { BENCH_RULE_COUNT, buildWorkload } from '../bench/bench-workload.js';
import { runP1 } from '../bench/p1-pipeline-throughput.js';
import { runP2 } from '../bench/p2-decision-latency.js';
import { runP3Broadcast } from '../bench/p3-telegram-broadcast.js';
import { runBenchmarks } from '../bench/run.js';

// The benchmarks in a tiny size: they must measure real work (every event stored,
// actions in the outbox, latencies taken), never how fast that work was.
describe('benchmarks (tiny run, no timing assertions)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const workload = buildWorkload({ events: 3_000 });

  it('generates the requested simulator workload, joins and messages included', () => {
    expect(workload.payloads).toHaveLength(3_000);
    expect(workload.mix.message).toBeGreaterThan(0);
    expect(workload.mix.join).toBeGreaterThan(0);
    expect(workload.payloads.every((p, i) => i === 0 || p.at >= workload.payloads[i - 1]!.at)).toBe(true);
  });

  it('P1 stores every event through the pipeline and the baseline, and the rules fill the outbox', async () => {
    const p1 = await runP1(workload, { batchSize: 500, runs: 1, warmupEvents: 0, dir });
    const [run] = p1.runs;
    expect(run).toBeDefined();
    expect(run!.storedEvents).toBe(3_000);
    expect(run!.baselineRows).toBe(3_000);
    expect(run!.outboxActions).toBeGreaterThan(0);
    expect(run!.outboxByRule.welcome).toBeGreaterThan(0);
    expect(run!.outboxByRule['keyword-reply']).toBeGreaterThan(0);
    for (const n of [p1.pipelineEventsPerSec, p1.baselineRowsPerSec, p1.ratio, p1.peakRssMb, p1.processMaxRssMb]) {
      expect(Number.isFinite(n) && n > 0).toBe(true);
    }
    expect(readdirSync(dir)).toEqual([]); // the run's SQLite files are removed
  });

  it('P2 times every event through the 20-rule pipeline and an empty one', async () => {
    const p2 = await runP2(workload, { events: 2_500, warmupEvents: 500 });
    expect(p2.events).toBe(2_500);
    expect(p2.rules).toBe(BENCH_RULE_COUNT);
    expect(BENCH_RULE_COUNT).toBe(20);
    expect(p2.eventsWithActions).toBeGreaterThan(0);
    expect(Object.keys(p2.actionsByRule).sort()).toEqual(['keyword-reply', 'welcome']);
    for (const s of [p2.decision, p2.rulesOnly, p2.baseline]) {
      expect(s.samples).toBe(2_500);
      expect(s.p50).toBeGreaterThan(0);
      expect(s.p99).toBeGreaterThanOrEqual(s.p50);
      expect(s.max).toBeGreaterThanOrEqual(s.p99);
    }
    expect(p2.ratioP50).toBeGreaterThan(0);
  });

  it('P3 broadcasts to every group through the dispatcher and the Telegram adapter, within the limits', async () => {
    const p3 = await runP3Broadcast({ groups: 10 });
    expect(p3.groups).toBe(10);
    expect(p3.sent).toBe(10);
    expect(p3.failed).toBe(0);
    expect(p3.limits.sends).toBe(10);
    expect(p3.limitsExceeded).toBe(false);
    expect(p3.limits.violations).toEqual([]);
    expect(Number.isFinite(p3.ratio) && p3.ratio > 0).toBe(true);
  });

  it('runs them from the bench entry point and formats a report', async () => {
    const report = await runBenchmarks({
      quick: true,
      events: 2_000,
      runs: 1,
      p2Events: 1_000,
      p3Groups: 10,
      p3LatencyGroups: 10,
      p3LatencyMs: 5,
      p1MemoryGroups: 0,
      skipR1: true,
      skipR6: true,
      skipR7: true,
      dir,
    });
    expect(report.p1.events).toBe(2_000);
    expect(report.p2.events).toBe(1_000);
    if (!ran(report.p3)) throw new Error(`P3 did not run: ${JSON.stringify(report.p3)}`);
    expect(report.p3.broadcast.sent).toBe(10);
    expect(report.p3.broadcast.limitsExceeded).toBe(false);
    expect(report.p3.ratio).toBe(report.p3.broadcast.ratio);
    expect(report.p3.violations).toBe(0);
    expect(report.p3.withLatency?.sent).toBe(10);
    expect(report.p3.withLatency?.latencyMs).toBe(5);
    expect(report.p3.withLatency?.limitsExceeded).toBe(false);
    expect(typeof report.met.p3).toBe('boolean');
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.load.atStart.p1).toHaveLength(3);
    const text = formatReport(report);
    expect(text).toMatch(/P1 ratio pipeline \/ baseline/);
    expect(text).toMatch(/P3 broadcast to 10 Telegram groups/);
    expect(text).toMatch(/P3 10 groups, 5 ms Bot API latency/);
    expect(text).toMatch(/R1 crash recovery\s+skipped\s+--skip-r1/);
  });

  it('says why a part did not run: left out, or no PostgreSQL and Redis', async () => {
    const report = await runBenchmarks({ quick: true, events: 500, runs: 1, p1Warmup: 0, p2Events: 200, p2Warmup: 0, p1MemoryGroups: 0, skipP3: true, skipR1: true, skipR7: true, dir });
    expect(report.p3).toEqual({ skipped: '--skip-p3' });
    expect(report.met.p3).toBeNull();
    expect(report.r1).toEqual({ skipped: '--skip-r1' });
    expect(report.r7).toEqual({ skipped: '--skip-r7' });
    expect(report.met.r7).toBeNull();
    expect(report.r6).toEqual({ skipped: expect.stringMatching(/DATABASE_URL.*REDIS_URL/) });
    expect(report.p5).toHaveProperty('skipped');
    expect(formatReport(report)).toMatch(/P3 Telegram broadcast\s+skipped/);
  });

  it('`hearth bench --json` prints one JSON document on stdout with every part, progress on stderr', async () => {
    const out = join(dir, 'report.json');
    const bin = fileURLToPath(new URL('../bin/hearth.js', import.meta.url));
    const env = { ...process.env, HEARTH_DATA_DIR: join(dir, 'data'), DATABASE_URL: '', REDIS_URL: '' };
    const args = ['bench', '--quick', '--events', '500', '--runs', '1', '--p2-events', '200', '--skip-p3', '--skip-p1-memory', '--skip-r1', '--skip-r7', '--json', '--out', out];
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { env, cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    const report = JSON.parse(stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['machine', 'load', 'p1', 'p2', 'p3', 'p5', 'r1', 'r6', 'r7']));
    expect(report.r7).toEqual({ skipped: '--skip-r7' });
    expect(report.p1!.ratio).toEqual(expect.any(Number));
    expect(report.p1!.peakRssMb).toEqual(expect.any(Number));
    expect(report.r6!.skipped).toMatch(/PostgreSQL and Redis/);
    expect(stderr).toMatch(/\[bench\] /);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(report);
    rmSync(out);
    rmSync(join(dir, 'data'), { recursive: true, force: true });
  });
});
