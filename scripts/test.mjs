#!/usr/bin/env node
// `npm test`: type-check, build the dashboard (the browser suite loads it), run every suite.
// Suites that need a service this machine lacks are skipped, and said so here first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const skipped = [];
if (!process.env.DATABASE_URL) skipped.push('PostgreSQL runs of the store suites (DATABASE_URL is not set)');
if (!process.env.REDIS_URL) skipped.push('queue-mode suite on Redis (REDIS_URL is not set)');
if (!existsSync(process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium')) skipped.push('browser suite (no /usr/bin/chromium: apt-get install chromium)');
if (!existsSync(new URL('../../shared/data', import.meta.url))) skipped.push('suites on real exports (../shared/data is absent)');

for (const line of skipped) console.log(`[hearth tests] skipping: ${line}`);

const run = (command, args) => {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: false });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run('npx', ['tsc', '--noEmit', '-p', '.']);
run('npx', ['vite', 'build', '--logLevel', 'warn']);
run('npx', ['vitest', 'run', ...process.argv.slice(2)]);
for (const line of skipped) console.log(`[hearth tests] skipped: ${line}`);
