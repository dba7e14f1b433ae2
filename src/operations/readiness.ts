import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** One dependency's state: answering, not answering in time, or answering with an error. */
export type ProbeState = 'ok' | 'timeout' | 'error';

/** What `/readyz` answers. */
export interface Readiness {
  ok: boolean;
  database: ProbeState;
  redis: ProbeState | 'not used';
}

export interface ReadinessOptions {
  db: Kysely<Database>;
  /** Set in scale mode: Redis must answer PING too. */
  redisUrl?: string | undefined;
  /** How long each dependency may take to answer. Default 2,000 ms. */
  timeoutMs?: number;
}

/**
 * Whether this process can do its work now: the database answers `select 1` and, in
 * scale mode, Redis answers PING, each within a short timeout. Both are probed at
 * once, so a dead Redis and a dead database cost one timeout, not two.
 *
 * Redis is probed on a connection of its own, opened and closed for each probe, so the
 * answer says whether a new connection can be made now (what a restarted worker would
 * need), and nothing is left open between probes. Errors are reduced to `timeout` or
 * `error`: the answer is public and must not carry hosts or credentials.
 */
export async function checkReadiness(options: ReadinessOptions): Promise<Readiness> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const [database, redis] = await Promise.all([
    probe(timeoutMs, () => sql`select 1`.execute(options.db)),
    options.redisUrl ? probe(timeoutMs, (signal) => pingRedis(options.redisUrl!, timeoutMs, signal)) : Promise.resolve('not used' as const),
  ]);
  return { ok: database === 'ok' && (redis === 'ok' || redis === 'not used'), database, redis };
}

async function probe(timeoutMs: number, work: (signal: AbortSignal) => Promise<unknown>): Promise<ProbeState> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProbeState>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      work(abort.signal).then(
        () => 'ok' as const,
        () => 'error' as const,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function pingRedis(url: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  // Loaded here so an embedded install never loads ioredis.
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectionName: 'hearth:readyz' });
  redis.on('error', () => {});
  const close = () => redis.disconnect();
  signal.addEventListener('abort', close, { once: true });
  try {
    await redis.connect();
    const answer = await redis.ping();
    if (answer !== 'PONG') throw new Error(`Redis answered PING with ${answer}`);
  } finally {
    signal.removeEventListener('abort', close);
    close();
  }
}
