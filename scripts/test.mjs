#!/usr/bin/env node
// `npm test`: type-check, build the dashboard (the browser suite loads it), run every suite.
// Suites that need a service this machine lacks are skipped, and said so here first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const skipped = [];
if (!process.env.DATABASE_URL) skipped.push('PostgreSQL runs of the store suites (DATABASE_URL is not set)');
if (!process.env.REDIS_URL) skipped.push('queue-mode and scheduler leader-election suites on Redis (REDIS_URL is not set)');
if (!existsSync(process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium')) skipped.push('browser suite (no /usr/bin/chromium: apt-get install chromium)');
if (!existsSync(new URL('../../shared/data', import.meta.url))) skipped.push('suites on real exports (../shared/data is absent)');

for (const line of skipped) console.log(`[hearth tests] skipping: ${line}`);

const run = (command, args) => spawnSync(command, args, { stdio: 'inherit', shell: false }).status ?? 1;
const must = (status) => status === 0 || process.exit(status);
must(run('npx', ['tsc', '--noEmit', '-p', '.']));
// Biome (biome.json): lint rules that catch defects, and the formatting (`npm run format` fixes it).
must(run('npx', ['biome', 'ci', '.']));
must(run('npx', ['vite', 'build', '--logLevel', 'warn']));

const out = mkdtempSync(join(tmpdir(), 'hearth-vitest-'));
const report = join(out, 'report.json');
const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
for (const line of skipped) console.log(`[hearth tests] skipped: ${line}`);
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + (r.numTodoTests ?? 0)} skipped`);
}
rmSync(out, { recursive: true, force: true });
process.exit(status);
