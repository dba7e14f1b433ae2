import { describe, expect, it } from 'vitest';
import { runR6 } from '../bench/r6-fault-broadcast.js';

const ready = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
if (!ready) console.warn('[hearth tests] DATABASE_URL or REDIS_URL is not set: R6 reports itself skipped, and only that is checked.');

describe('R6, small: a broadcast by two workers sharing the PostgreSQL outbox and the Redis limiter, the Bot API misbehaving', () => {
  it('delivers every message exactly once, within Telegram’s limits, through 429s, 5xx, drops, timeouts and slow answers', async () => {
    const r = await runR6({ groups: 60, faultRate: 0.15, seed: 11 });
    if ('skipped' in r) {
      expect(ready).toBe(false);
      expect(r.skipped).toMatch(/needs PostgreSQL and Redis/);
      return;
    }
    expect(Object.values(r.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect([r.delivered, r.expected, r.duplicated, r.violations]).toEqual([60, 60, 0, 0]);
    expect(r.outbox).toEqual({ done: 60 });
    expect(r.workerReports.every((w) => w.done > 0)).toBe(true); // both workers really sent
  }, 120_000);

  it('two dispatchers in one process sharing the Redis limiter never exceed the bot’s 30/s', async () => {
    const r = await runR6({ groups: 70, faultRate: 0, processes: false });
    if ('skipped' in r) return expect(ready).toBe(false);
    expect([r.delivered, r.duplicated, r.violations]).toEqual([70, 0, 0]);
    expect(r.tightest.find((t) => t.scope === 'global')!.spanMs).toBeGreaterThanOrEqual(1_000);
  }, 120_000);

  it('doubles a message Telegram accepted but whose answer was lost: the one window a resend cannot be told from a first send', async () => {
    const r = await runR6({ groups: 40, faultRate: 0, acceptedDrops: 2, processes: false });
    if ('skipped' in r) return expect(ready).toBe(false);
    expect([r.delivered, r.duplicated, r.violations]).toEqual([40, 2, 0]);
  }, 120_000);
});
