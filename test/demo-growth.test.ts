import { afterEach, describe, expect, it } from 'vitest';
import { listCodes } from '../src/growth/code-store.js';
import { seedDemoGrowth } from '../src/growth/demo-growth.js';
import { backends } from './helpers/backends.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';

const NOW = Date.parse('2026-07-10T12:00:00Z');

describe("the demo's codes", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('show a live code that rolled over to its second group and asks for a third, and a VIP invitation code partly used', async () => {
    const made = backends[0]!.create();
    const f = await sandboxFixture(made.target, NOW);
    cleanups.push(made.cleanup, () => f.runtime.close());
    await seedDemoGrowth(f.runtime, f.workspace.id, NOW);
    const codes = await listCodes(f.runtime.store.db, f.workspace.id, NOW);
    const live = codes.find((c) => c.kind === 'live')!;
    const invite = codes.find((c) => c.kind === 'invite')!;
    expect(live.groups.map((g) => [g.members, g.capacity, g.joins])).toEqual([
      [60, 60, 60],
      [51, 60, 51],
    ]);
    expect(live.current.id).toBe(live.groups[1]!.id);
    expect(live.warnings.map((w) => w.kind)).toEqual(['create_next_group']);
    expect([live.scans, live.joins]).toEqual([374, 111]);
    expect([invite.joins, invite.remaining, invite.quantity, invite.closed]).toEqual([22, 8, 30, null]);
  });
});
