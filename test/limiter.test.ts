import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { LimitWindow, Limiter } from '../src/limits/limiter.js';
import { isConnectionWide, limitWindows } from '../src/limits/limit-windows.js';
import { MemoryLimiter } from '../src/limits/memory-limiter.js';
import { RedisLimiter } from '../src/limits/redis-limiter.js';

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) console.warn('[hearth tests] REDIS_URL is not set: the Redis run of the limiter suite is skipped (in-memory runs).');

/** Each implementation, and how to make a second limiter that shares the first one's windows (another worker). */
const implementations: { name: string; open(): Promise<{ a: Limiter; b: Limiter }> }[] = [
  {
    name: 'memory',
    async open() {
      const shared = new MemoryLimiter();
      return { a: shared, b: shared };
    },
  },
  ...(REDIS_URL
    ? [
        {
          name: 'redis',
          async open() {
            const prefix = `hearth-test:${randomBytes(4).toString('hex')}:`;
            return { a: await RedisLimiter.connect({ redisUrl: REDIS_URL, prefix }), b: await RedisLimiter.connect({ redisUrl: REDIS_URL, prefix }) };
          },
        },
      ]
    : []),
];

const T = 1_800_000_000_000;
const LEASE = 30_000;
const perSecond = (n: number, key = 'c1:*:30/1000'): LimitWindow => ({ key, limit: n, windowMs: 1_000 });

describe.each(implementations)('limiter: $name', (impl) => {
  const opened: Limiter[] = [];
  afterAll(async () => {
    for (const l of new Set(opened)) await l.close();
  });
  async function open() {
    const pair = await impl.open();
    opened.push(pair.a, pair.b);
    return pair;
  }

  it('grants `limit` slots in a window, then says when the oldest answer leaves it', async () => {
    const { a } = await open();
    const w = [perSecond(3)];
    for (let i = 0; i < 3; i++) {
      const r = await a.reserve(w, T + i * 100, LEASE);
      expect(r.granted).toBe(true);
      if (r.granted) await a.settle(w, r.id, T + i * 100 + 10);
    }
    expect(await a.reserve(w, T + 500, LEASE)).toEqual({ granted: false, retryAt: T + 1_010, blockedKey: w[0]!.key });
    expect((await a.reserve(w, T + 1_010, LEASE)).granted).toBe(true);
  });

  it('counts a window from the answer, so latency can never squeeze two sends into one window', async () => {
    const { a } = await open();
    const w = [perSecond(1)];
    const r = await a.reserve(w, T, LEASE);
    // In flight: the earliest it could be answered is now, so one window from now at the soonest.
    expect(await a.reserve(w, T + 300, LEASE)).toMatchObject({ granted: false, retryAt: T + 1_300 });
    if (r.granted) await a.settle(w, r.id, T + 700);
    expect(await a.reserve(w, T + 1_200, LEASE)).toMatchObject({ granted: false, retryAt: T + 1_700 });
    expect((await a.reserve(w, T + 1_700, LEASE)).granted).toBe(true);
  });

  it('gives a cancelled slot back', async () => {
    const { a } = await open();
    const w = [perSecond(1)];
    const r = await a.reserve(w, T, LEASE);
    expect((await a.reserve(w, T, LEASE)).granted).toBe(false);
    if (r.granted) await a.cancel(w, r.id);
    expect((await a.reserve(w, T, LEASE)).granted).toBe(true);
  });

  it("lets a dead worker's reservation count as answered when its lease ends", async () => {
    const { a, b } = await open();
    const w = [perSecond(1)];
    expect((await a.reserve(w, T, 5_000)).granted).toBe(true); // a dies with it in flight
    expect(await b.reserve(w, T + 4_000, LEASE)).toMatchObject({ granted: false });
    expect(await b.reserve(w, T + 5_500, LEASE)).toMatchObject({ granted: false, retryAt: T + 6_000 });
    expect((await b.reserve(w, T + 6_000, LEASE)).granted).toBe(true);
  });

  it('reserves in every window or in none', async () => {
    const { a } = await open();
    const chat = { key: 'c1:g:-1:1/1000', limit: 1, windowMs: 1_000 };
    const bot = perSecond(2);
    const first = await a.reserve([chat, bot], T, LEASE);
    expect(first.granted).toBe(true);
    // The chat is busy: the refusal must not take one of the bot's two slots.
    expect(await a.reserve([chat, bot], T, LEASE)).toMatchObject({ granted: false, blockedKey: chat.key });
    expect((await a.reserve([{ ...chat, key: 'c1:g:-2:1/1000' }, bot], T, LEASE)).granted).toBe(true);
    expect(await a.reserve([{ ...chat, key: 'c1:g:-3:1/1000' }, bot], T, LEASE)).toMatchObject({ granted: false, blockedKey: bot.key });
  });

  it("blocks a key for every worker until a platform's retry_after is over", async () => {
    const { a, b } = await open();
    const route = { key: 'c7:g:123:5/5000', limit: 5, windowMs: 5_000 };
    await a.block([route.key], T + 2_500, T);
    expect(await b.reserve([route], T + 1_000, LEASE)).toEqual({ granted: false, retryAt: T + 2_500, blockedKey: route.key });
    expect((await b.reserve([{ ...route, key: 'c7:g:456:5/5000' }], T + 1_000, LEASE)).granted).toBe(true);
    expect((await b.reserve([route], T + 2_500, LEASE)).granted).toBe(true);
  });

  it('never grants more than the limit to two workers racing for the same window', async () => {
    const { a, b } = await open();
    const w = [perSecond(30)];
    const tries = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).reserve(w, T, LEASE)));
    expect(tries.filter((r) => r.granted)).toHaveLength(30);
  });

  it('keys windows by connection and group, so each bot and each chat has its own', () => {
    const limits = [
      { scope: 'group' as const, limit: 1, windowMs: 1_000 },
      { scope: 'global' as const, limit: 30, windowMs: 1_000 },
    ];
    const [chat, bot] = limitWindows('c12', limits, '-100123');
    expect(chat!.key).not.toBe(limitWindows('c12', limits, '-100999')[0]!.key);
    expect(bot!.key).toBe(limitWindows('c12', limits, '-100999')[1]!.key);
    expect(bot!.key).not.toBe(limitWindows('c13', limits, '-100123')[1]!.key);
    expect([isConnectionWide(chat!.key), isConnectionWide(bot!.key)]).toEqual([false, true]);
  });
});
