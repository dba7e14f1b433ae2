import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatReport } from '../../../bench/bench-report.js';
import { RESULTS_FILE, failedParts, runBenchmarks, writeReport } from '../../../bench/run.js';
import { loadConfig } from '../../config/env.js';
import { UsageError } from '../cli-context.js';

function count(option: string, min: number) {
  return (value: string): number => {
    const n = Number(value.replace(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < min) throw new UsageError(`${option} takes a whole number ≥ ${min}, not ${JSON.stringify(value)}`);
    return n;
  };
}

/**
 * `hearth bench`: P1 (events/s through the embedded pipeline vs a raw better-sqlite3
 * insert), P2 (event → action decision latency vs an empty pipeline), P3 (one message
 * broadcast to N Telegram groups vs the (N − 1)/30 s minimum Telegram's limits allow,
 * against a local fake Bot API), P5 (queue mode, 2 workers vs 1), R1 (kill -9 at random
 * points, then count what was lost or doubled), R6 (a broadcast by 2 workers through
 * a fault-injecting fake Bot API) and R7 (PostgreSQL and Redis of its own restarted
 * mid-run in queue mode). The queue-mode parts use DATABASE_URL and REDIS_URL
 * and say `skipped` without them. Printed as a table, or with `--json` as one JSON
 * document on stdout (progress goes to stderr), and written to bench/results/latest.json.
 * Exits non-zero when a part failed. See BENCHMARKS.md.
 */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description(
      'run the benchmarks (P1 pipeline throughput, P2 decision latency, P3 Telegram broadcast, P5 queue scaling, R1 crash recovery, R6 faults, R7 restarts) and write bench/results/latest.json',
    )
    .option('--quick', 'a small run (20k events, 1 run, P3 and R6 to 100 groups, R1 with 2 kills) for a quick look')
    .option('--events <n>', 'events through the pipeline per P1 run', count('--events', 100))
    .option('--batch <n>', 'events per ingest batch (and per baseline transaction)', count('--batch', 1))
    .option('--runs <n>', 'timed P1 runs (the median is reported)', count('--runs', 1))
    .option('--p2-events <n>', 'events timed in P2', count('--p2-events', 100))
    .option('--p3-groups <n>', 'Telegram groups P3 broadcasts to (default 1000; 100 with --quick)', count('--p3-groups', 2))
    .option('--skip-p3', 'leave out P3 (the Telegram broadcast, at least (N - 1)/30 s)')
    .option('--skip-p1-memory', "leave out P1's memory run (1,000 groups until 100k members; 5k with --quick)")
    .option('--skip-r1', 'leave out R1 (the crash harness)')
    .option('--skip-r6', 'leave out R6 (the fault-injected broadcast)')
    .option('--skip-r7', 'leave out R7 (PostgreSQL and Redis restarted mid-run)')
    .option('--seed <n>', "R1's seed (its traffic and kill points)", count('--seed', 0))
    .option('--dir <path>', 'directory for the benchmark SQLite files (default: a temp dir)')
    .option('--out <file>', 'where to write the JSON report', RESULTS_FILE)
    .option('--json', 'print the JSON report instead of the table')
    .action(
      async (opts: {
        quick?: boolean;
        events?: number;
        batch?: number;
        runs?: number;
        p2Events?: number;
        p3Groups?: number;
        skipP3?: boolean;
        skipP1Memory?: boolean;
        skipR1?: boolean;
        skipR6?: boolean;
        skipR7?: boolean;
        seed?: number;
        dir?: string;
        out: string;
        json?: boolean;
      }) => {
        if (opts.skipP3 && opts.p3Groups !== undefined) throw new UsageError('--p3-groups and --skip-p3 do not go together');
        const config = loadConfig();
        const report = await runBenchmarks({
          quick: opts.quick === true,
          ...(opts.events !== undefined ? { events: opts.events } : {}),
          ...(opts.batch !== undefined ? { batchSize: opts.batch } : {}),
          ...(opts.runs !== undefined ? { runs: opts.runs } : {}),
          ...(opts.p2Events !== undefined ? { p2Events: opts.p2Events } : {}),
          ...(opts.p3Groups !== undefined ? { p3Groups: opts.p3Groups } : {}),
          skipP3: opts.skipP3 === true,
          ...(opts.skipP1Memory ? { p1MemoryGroups: 0 } : {}),
          skipR1: opts.skipR1 === true,
          skipR6: opts.skipR6 === true,
          skipR7: opts.skipR7 === true,
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          databaseUrl: config.database.kind === 'postgres' ? config.database.url : undefined,
          redisUrl: config.redisUrl,
          ...(opts.dir !== undefined ? { dir: resolve(opts.dir) } : {}),
          onProgress: (message) => process.stderr.write(`[bench] ${message}\n`),
        });
        const file = writeReport(report, resolve(opts.out));
        if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else process.stdout.write(`${formatReport(report)}\nwrote ${file}\n`);
        const failed = failedParts(report);
        if (failed.length > 0) {
          process.stderr.write(`[bench] failed: ${failed.join(', ')} (see the report)\n`);
          process.exitCode = 1;
        }
      },
    );
}
