import { describe, expect, it } from 'vitest';
import { ran } from '../bench/bench-report.js';
import { runR1, type R1ModeResult } from '../bench/r1-crash-recovery.js';

// R1 in short: Hearth killed with SIGKILL at seeded random points while simulated
// traffic streams in, restarted, then everything counted against an uncrashed run.
// Queue mode (a BullMQ worker on PostgreSQL) runs when DATABASE_URL and REDIS_URL are
// set; each of its kills waits out BullMQ's stalled-job check (30–60 s).
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const queueMode = Boolean(databaseUrl && redisUrl);
if (!queueMode) console.warn('[hearth tests] DATABASE_URL and REDIS_URL are not both set: R1 runs embedded only.');

function expectNothingLostOrDoubled(m: R1ModeResult): void {
  expect(m.kills).toBeGreaterThanOrEqual(2);
  expect(m.crashes).toBe(0);
  expect(m.delivered).toBe(m.events);
  // Every delivered event stored once, counted once.
  expect({ lost: m.lost, duplicated: m.duplicated, rollupsMismatched: m.rollupsMismatched }).toEqual({ lost: 0, duplicated: 0, rollupsMismatched: 0 });
  // The rules' actions planned once per trigger, and sent once through the sandbox.
  expect(m.actions.expected).toBeGreaterThan(0);
  expect(m.actions).toMatchObject({ lost: 0, duplicated: 0, planned: m.actions.expected });
  expect(m.sends).toMatchObject({ missing: 0, doubled: 0, delivered: m.sends.expected });
  // What a restart sent again is at most what was in flight at the kills.
  expect(m.deliveredUnmarkedAtKill).toBeLessThanOrEqual(m.inFlightAtKill);
}

describe('R1: kill -9 while events stream in, restart, count', () => {
  it(
    `loses and doubles nothing, events or actions${queueMode ? ', embedded and in queue mode' : ' (embedded)'}`,
    async () => {
      const r1 = await runR1({
        seed: 7,
        events: 3_000,
        kills: 3,
        batchSize: 200,
        queue: { databaseUrl, redisUrl, events: 1_600, kills: 2 },
        onProgress: (m) => process.stderr.write(`${m}\n`),
      });
      expectNothingLostOrDoubled(r1.embedded);
      expect(r1.embedded.kills).toBe(3);
      if (queueMode) {
        if (!ran(r1.queueMode)) throw new Error(`queue mode did not run: ${JSON.stringify(r1.queueMode)}`);
        expectNothingLostOrDoubled(r1.queueMode);
      } else expect(r1.queueMode).toEqual({ skipped: expect.stringMatching(/PostgreSQL and Redis/) });
      expect({ lost: r1.lost, duplicated: r1.duplicated, actionsLost: r1.actionsLost, actionsDuplicated: r1.actionsDuplicated }).toEqual({
        lost: 0,
        duplicated: 0,
        actionsLost: 0,
        actionsDuplicated: 0,
      });
    },
    queueMode ? 600_000 : 300_000,
  );
});
