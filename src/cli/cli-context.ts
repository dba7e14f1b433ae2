import { loadConfig, type Config } from '../config/env.js';
import { createLogger } from '../config/logger.js';
import { HearthRuntime, type RuntimeOptions } from '../runtime/hearth-runtime.js';

/** Opens the runtime a command works on, from the environment, and closes it when the command ends. */
export async function withRuntime<T>(work: (runtime: HearthRuntime, config: Config) => Promise<T>, options: RuntimeOptions = {}): Promise<T> {
  const config = loadConfig();
  const runtime = await HearthRuntime.open(config.database, { logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel), ...options });
  try {
    return await work(runtime, config);
  } finally {
    await runtime.close();
  }
}

/** Prints one JSON value on its own line (JSON lines output). */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** An error the user caused (bad argument, unknown group): printed without a stack, exit code 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses an ISO 8601 time given on the command line. */
export function parseTime(value: string, option: string): number {
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t)) throw new UsageError(`${option} takes an ISO 8601 time like 2026-03-01T09:30:00Z, not ${JSON.stringify(value)}`);
  return t;
}
