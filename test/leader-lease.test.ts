import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisLeaderLease } from '../src/scheduler/leader-lease.js';

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) console.warn('[hearth tests] REDIS_URL is not set: the scheduler leader-election suite is skipped.');

describe.runIf(REDIS_URL)('scheduler leader election on Redis', () => {
  const open: RedisLeaderLease[] = [];
  afterEach(async () => {
    while (open.length) await open.pop()!.close();
  });

  it('lets exactly one scheduler lead, and hands over when it stops', async () => {
    const key = `hearth:test:leader:${randomUUID()}`;
    const a = await RedisLeaderLease.start({ redisUrl: REDIS_URL!, key, leaseMs: 600 });
    const b = await RedisLeaderLease.start({ redisUrl: REDIS_URL!, key, leaseMs: 600 });
    open.push(a, b);
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    await new Promise((r) => setTimeout(r, 900)); // past one lease: a kept renewing
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    await a.close();
    open.shift();
    await new Promise((r) => setTimeout(r, 700));
    expect(b.isLeader).toBe(true);
  });
});
