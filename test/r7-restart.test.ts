import { describe, expect, it } from 'vitest';
import { runR7 } from '../bench/r7-restart.js';
import { privateServersMissing } from '../bench/r7-servers.js';

// R7 starts a PostgreSQL and a Redis of its own (it stops and starts them): it needs the
// server programs, not the shared servers of DATABASE_URL / REDIS_URL.
const missing = await privateServersMissing();
if (missing) console.warn(`test/r7-restart.test.ts skipped: ${missing}`);

describe.skipIf(missing !== undefined)('R7: PostgreSQL and Redis restarted mid-run in queue mode (short)', () => {
  it('the worker processes reconnect by themselves: every event stored once, every action planned and sent once, the broadcast delivered once', async () => {
    const r = await runR7({ events: 1_500, batchSize: 100, intervalMs: 300, broadcastGroups: 60, downMs: 800, timeoutMs: 180_000 });
    if ('skipped' in r) throw new Error(`R7 did not run: ${r.skipped}`);
    expect(r.restartLog.map((x) => x.server)).toEqual(['postgres', 'redis', 'both']);
    // The restarts bit: Redis refused batches while it was down, or the workers logged failed queries.
    expect(r.enqueueRefusals + r.workerErrorsLogged).toBeGreaterThan(0);
    expect(r.workerExits).toBe(0);
    expect({ lost: r.lost, duplicated: r.duplicated, rollupsMismatched: r.rollupsMismatched }).toEqual({ lost: 0, duplicated: 0, rollupsMismatched: 0 });
    expect(r.actions.expected).toBeGreaterThan(0);
    expect({ planned: r.actions.planned, lost: r.actions.lost, duplicated: r.actions.duplicated }).toEqual({ planned: r.actions.expected, lost: 0, duplicated: 0 });
    expect({ delivered: r.sends.delivered, missing: r.sends.missing, doubled: r.sends.doubled }).toEqual({ delivered: r.sends.expected, missing: 0, doubled: 0 });
    expect(r.broadcast).toEqual({ groups: 60, delivered: 60, duplicated: 0, missing: 0, violations: 0 });
    expect(r.ok).toBe(true);
  }, 400_000);
});
