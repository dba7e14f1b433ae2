import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { LimitWindow, Limiter, Reservation } from './limiter.js';

// Per window three keys: in-flight reservations (score: lease end), answered sends
// (score: answer time), and a block (a plain value: until when). Every script sees
// all its keys, runs atomically, and takes the time from its caller.

const EXPIRE = `
local function expire(f, d, now, window)
  local ended = redis.call('ZRANGEBYSCORE', f, '-inf', now, 'WITHSCORES')
  for j = 1, #ended, 2 do redis.call('ZADD', d, ended[j + 1], ended[j]) end
  if #ended > 0 then redis.call('ZREMRANGEBYSCORE', f, '-inf', now) end
  redis.call('ZREMRANGEBYSCORE', d, '-inf', now - window)
end
`;

/** KEYS: f, d, b per window. ARGV: now, leaseMs, id, then limit, windowMs per window. → {1} or {0, retryAt, window index}. */
const RESERVE = `${EXPIRE}
local now = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
local id = ARGV[3]
local n = #KEYS / 3
local retryAt = now
local blocked = 0
for i = 1, n do
  local f, d, b = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  local limit = tonumber(ARGV[2 + 2 * i])
  local window = tonumber(ARGV[3 + 2 * i])
  expire(f, d, now, window)
  local at = now
  local blockEnd = tonumber(redis.call('GET', b) or '0')
  if blockEnd > at then at = blockEnd end
  local nd = redis.call('ZCARD', d)
  local count = nd + redis.call('ZCARD', f)
  if count >= limit then
    local k = count - limit + 1
    local t = now + window
    if k <= nd then t = tonumber(redis.call('ZRANGE', d, k - 1, k - 1, 'WITHSCORES')[2]) + window end
    if t > at then at = t end
  end
  if at > retryAt then retryAt = at; blocked = i end
end
if retryAt > now then return {0, retryAt, blocked} end
for i = 1, n do
  local window = tonumber(ARGV[3 + 2 * i])
  redis.call('ZADD', KEYS[3 * i - 2], now + lease, id)
  redis.call('PEXPIRE', KEYS[3 * i - 2], lease + window + 1000)
  redis.call('PEXPIRE', KEYS[3 * i - 1], lease + window + 1000)
end
return {1}
`;

/** KEYS: f, d, b per window. ARGV: id, at, then windowMs per window. */
const SETTLE = `
local id = ARGV[1]
local at = tonumber(ARGV[2])
for i = 1, #KEYS / 3 do
  local f, d = KEYS[3 * i - 2], KEYS[3 * i - 1]
  redis.call('ZREM', f, id)
  local s = redis.call('ZSCORE', d, id)
  if (not s) or tonumber(s) < at then redis.call('ZADD', d, at, id) end
  local ttl = redis.call('PTTL', d)
  local keep = tonumber(ARGV[2 + i]) + 1000
  if ttl < keep then redis.call('PEXPIRE', d, keep) end
end
return 1
`;

/** KEYS: f, d, b per window. ARGV: id. */
const CANCEL = `
for i = 1, #KEYS / 3 do
  redis.call('ZREM', KEYS[3 * i - 2], ARGV[1])
  redis.call('ZREM', KEYS[3 * i - 1], ARGV[1])
end
return 1
`;

/** KEYS: block keys. ARGV: until, now. */
const BLOCK = `
local untilAt = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
for i = 1, #KEYS do
  local cur = tonumber(redis.call('GET', KEYS[i]) or '0')
  if untilAt > cur then redis.call('SET', KEYS[i], ARGV[1], 'PX', math.max(1000, untilAt - now + 1000)) end
end
return 1
`;

type Scripts = {
  hearthLimitReserve(numKeys: number, ...args: (string | number)[]): Promise<[number, number?, number?]>;
  hearthLimitSettle(numKeys: number, ...args: (string | number)[]): Promise<number>;
  hearthLimitCancel(numKeys: number, ...args: (string | number)[]): Promise<number>;
  hearthLimitBlock(numKeys: number, ...args: (string | number)[]): Promise<number>;
};

export interface RedisLimiterOptions {
  redisUrl: string;
  /** Prepended to every key; tests give each run its own. */
  prefix?: string;
}

/**
 * The limiter of queue mode: the windows live in Redis, so every worker process that
 * sends for a connection shares them, and the limits hold for the bot as a whole
 * whatever the number of workers. Each operation is one Lua script (atomic: two
 * workers can never both take the last slot). Same semantics as `MemoryLimiter`;
 * see `Limiter`. Keys expire on their own once their windows and leases are over.
 *
 * The times are the callers' clocks: workers on several machines need them in step
 * (NTP); a skew of s ms shifts a window by s ms.
 */
export class RedisLimiter implements Limiter {
  readonly kind = 'redis' as const;
  readonly #redis: Redis & Scripts;
  readonly #prefix: string;

  private constructor(redis: Redis, prefix: string) {
    redis.defineCommand('hearthLimitReserve', { lua: RESERVE });
    redis.defineCommand('hearthLimitSettle', { lua: SETTLE });
    redis.defineCommand('hearthLimitCancel', { lua: CANCEL });
    redis.defineCommand('hearthLimitBlock', { lua: BLOCK });
    this.#redis = redis as Redis & Scripts;
    this.#prefix = prefix;
  }

  static async connect(options: RedisLimiterOptions): Promise<RedisLimiter> {
    const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    redis.on('error', () => {}); // a failing call rejects; the dispatcher's pass reports it
    await redis.connect();
    return new RedisLimiter(redis, options.prefix ?? 'hearth:limit:');
  }

  async reserve(windows: readonly LimitWindow[], now: number, leaseMs: number): Promise<Reservation> {
    const id = randomUUID();
    const [granted, retryAt, index] = await this.#redis.hearthLimitReserve(windows.length * 3, ...this.#keys(windows), now, leaseMs, id, ...windows.flatMap((w) => [w.limit, w.windowMs]));
    if (granted === 1) return { granted: true, id };
    return { granted: false, retryAt: Number(retryAt), blockedKey: windows[Number(index) - 1]?.key ?? '' };
  }

  async settle(windows: readonly LimitWindow[], id: string, at: number): Promise<void> {
    await this.#redis.hearthLimitSettle(windows.length * 3, ...this.#keys(windows), id, at, ...windows.map((w) => w.windowMs));
  }

  async cancel(windows: readonly LimitWindow[], id: string): Promise<void> {
    await this.#redis.hearthLimitCancel(windows.length * 3, ...this.#keys(windows), id);
  }

  async block(keys: readonly string[], until: number, now: number): Promise<void> {
    if (keys.length === 0) return;
    await this.#redis.hearthLimitBlock(keys.length, ...keys.map((k) => `${this.#prefix}${k}:b`), until, now);
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  #keys(windows: readonly LimitWindow[]): string[] {
    return windows.flatMap((w) => [`${this.#prefix}${w.key}:f`, `${this.#prefix}${w.key}:d`, `${this.#prefix}${w.key}:b`]);
  }
}
