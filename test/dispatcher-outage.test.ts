import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LimitWindow, Reservation } from '../src/limits/limiter.js';
import { MemoryLimiter } from '../src/limits/memory-limiter.js';
import { Dispatcher } from '../src/outbox/dispatcher.js';
import type { OutboundAction, PlatformAdapter } from '../src/platforms/platform-adapter.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';

const T0 = Date.parse('2026-05-04T08:00:00Z');

/** A shared limiter (Redis in queue mode) that is unreachable for the calls named. */
class OutageLimiter extends MemoryLimiter {
  down = { reserve: false, settle: false };
  override async reserve(windows: readonly LimitWindow[], now: number, leaseMs: number): Promise<Reservation> {
    if (this.down.reserve) throw new Error('Connection is closed.');
    return super.reserve(windows, now, leaseMs);
  }
  override async settle(windows: readonly LimitWindow[], id: string, at: number): Promise<void> {
    if (this.down.settle) throw new Error('Connection is closed.');
    return super.settle(windows, id, at);
  }
}

describe('the dispatcher while Redis (its shared limiter) restarts', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function fixture() {
    const file = join(tmpdir(), `hearth-dispatcher-outage-${process.pid}-${Date.now()}.db`);
    const f = await sandboxFixture({ kind: 'sqlite', file }, T0);
    cleanups.push(() => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    });
    cleanups.push(() => f.runtime.close());
    const limiter = new OutageLimiter();
    const sent: string[] = [];
    const dispatcher = new Dispatcher(
      f.runtime.store,
      ({ platform }) => {
        const sandbox = f.runtime.adapters.get(platform as 'sandbox') as PlatformAdapter;
        // Every call the platform gets, counted (as Telegram, which dedups nothing, would show them).
        return Object.assign(Object.create(sandbox) as PlatformAdapter, {
          send: (action: OutboundAction) => {
            sent.push(action.idempotencyKey);
            return sandbox.send(action);
          },
        });
      },
      f.clock.now,
      { limiter },
    );
    const group = await f.sandbox.addGroup('Restart Club');
    await f.runtime.deliverSandbox(f.workspace.id, [{ type: 'join', updateId: 'o-1', room: group.external_id, at: T0, member: { id: 'mia', name: 'Mia' } }], { dispatch: false });
    return { ...f, limiter, sent, dispatcher };
  }

  it('does not send again a message the platform accepted when the limiter cannot be settled', async () => {
    const { limiter, sent, dispatcher, runtime, clock } = await fixture();
    limiter.down.settle = true;
    const first = await dispatcher.runDue();
    expect(first.dispatched.map((d) => d.status)).toEqual(['done']);
    limiter.down.settle = false;
    clock.t = T0 + 10 * 60_000;
    expect((await dispatcher.runDue()).dispatched).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(await runtime.store.db.selectFrom('outbox').select(['status', 'attempts']).execute()).toEqual([{ status: 'done', attempts: 1 }]);
  });

  it('gives a row back at once when the limiter cannot reserve, and sends it once Redis is back', async () => {
    const { limiter, sent, dispatcher, runtime } = await fixture();
    limiter.down.reserve = true;
    const first = await dispatcher.runDue();
    expect(first.dispatched.map((d) => d.status)).toEqual(['retry']);
    expect(sent).toEqual([]);
    // Not held as `sending` until its 60 s lease ends: the next pass may take it.
    expect(await runtime.store.db.selectFrom('outbox').select(['status', 'lease_until']).execute()).toEqual([{ status: 'pending', lease_until: null }]);
    limiter.down.reserve = false;
    expect((await dispatcher.runDue()).dispatched.map((d) => d.status)).toEqual(['done']);
    expect(sent).toHaveLength(1);
  });
});
