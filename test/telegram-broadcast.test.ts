import { describe, expect, it } from 'vitest';
import { runP3Broadcast } from '../bench/p3-telegram-broadcast.js';

describe('P3 broadcast, small: the dispatcher + Telegram adapter against the fake Bot API, real clock', () => {
  it('sends one message to each of 40 groups within Telegram’s limits, as fast as they allow', async () => {
    const r = await runP3Broadcast({ groups: 40 });
    expect([r.sent, r.failed, r.retries]).toEqual([40, 0, 0]);
    expect(r.limitsExceeded, JSON.stringify(r.limits.violations.slice(0, 3))).toBe(false);
    // 30 go at once, the other 10 one window later: never sooner, and not much later.
    expect(r.lastSendAtMs).toBeGreaterThanOrEqual(1_000);
    expect(r.ratio).toBeLessThanOrEqual(1.05);
  });
});
