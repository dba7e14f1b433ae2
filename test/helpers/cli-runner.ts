import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * `hearth` as an operator runs it, on a data directory of its own (SQLite, no demo, no
 * Redis): `hearth` gives stdout, `hearthFails` the stderr of a command that must fail.
 */
export function cliOnFreshData(name: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `hearth-${name}-`));
  const env = { ...process.env, HEARTH_DATA_DIR: dataDir, HEARTH_DEMO: '0', DATABASE_URL: '', REDIS_URL: '', HEARTH_LOG_LEVEL: 'warn' };
  const spawn = (args: string[]) => run('node', ['bin/hearth.js', ...args], { env, cwd: process.cwd() });
  return {
    dataDir,
    async hearth(...args: string[]): Promise<string> {
      return (await spawn(args)).stdout;
    },
    async hearthFails(...args: string[]): Promise<string> {
      try {
        await spawn(args);
      } catch (error) {
        return (error as { stderr: string }).stderr;
      }
      throw new Error(`hearth ${args.join(' ')} succeeded`);
    },
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
