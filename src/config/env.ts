import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_IMPORT_MAX_MB } from '../importers/import-jobs.js';
import { PRIVATE_TARGET_POLICIES, type PrivateTargets } from '../webhooks/webhook-target.js';
import { z } from 'zod';
import type { DatabaseTarget } from '../store/database.js';

const flag = z.enum(['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off']).transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HEARTH_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave it unset for the embedded SQLite database)')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  HEARTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  HEARTH_DEMO: flag.default(true),
  HEARTH_DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  HEARTH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HEARTH_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  HEARTH_OPS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  HEARTH_WEBHOOK_PRIVATE_TARGETS: z.enum(PRIVATE_TARGET_POLICIES).default('loopback'),
  HEARTH_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be the http(s) address the platforms reach Hearth at, e.g. https://hearth.example.com' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  HEARTH_IMPORT_MAX_MB: z.coerce.number().int().min(1).max(1_048_576).default(DEFAULT_IMPORT_MAX_MB),
});

/** Hearth's configuration: read once, from the environment, at start. */
export interface Config {
  port: number;
  dataDir: string;
  database: DatabaseTarget;
  redisUrl: string | undefined;
  secret: string;
  demo: boolean;
  demoPassword: string | undefined;
  logLevel: z.infer<typeof envSchema>['HEARTH_LOG_LEVEL'];
  /** Set: `/metrics` answers only `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** Set: a process without the web role serves `/healthz`, `/readyz` and `/metrics` on this port. */
  opsPort: number | undefined;
  /** Which non-public addresses an outgoing webhook may point at (src/webhooks/webhook-target.ts); default loopback. */
  webhookPrivateTargets: PrivateTargets;
  /** Set: where platforms reach Hearth (Telegram webhooks are registered under it); unset: bots poll. */
  publicUrl: string | undefined;
  /** The largest export the dashboard's Import page takes, in MB (default 1024); counted as it streams in. */
  importMaxMb: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Hearth cannot start; fix the environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Validates the environment and returns the configuration, or throws a ConfigError
 * listing every problem in plain words. The only place Hearth reads process.env.
 * When HEARTH_SECRET is unset, a secret is generated once into the data directory.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  const dataDir = resolve(e.HEARTH_DATA_DIR);
  return {
    port: e.PORT,
    dataDir,
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'sqlite', file: join(dataDir, 'hearth.db') },
    redisUrl: e.REDIS_URL,
    secret: e.HEARTH_SECRET ?? instanceSecret(dataDir),
    demo: e.HEARTH_DEMO,
    demoPassword: e.HEARTH_DEMO_PASSWORD,
    logLevel: e.HEARTH_LOG_LEVEL,
    metricsToken: e.HEARTH_METRICS_TOKEN,
    opsPort: e.HEARTH_OPS_PORT,
    webhookPrivateTargets: e.HEARTH_WEBHOOK_PRIVATE_TARGETS,
    publicUrl: e.HEARTH_PUBLIC_URL,
    importMaxMb: e.HEARTH_IMPORT_MAX_MB,
  };
}

function instanceSecret(dataDir: string): string {
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
