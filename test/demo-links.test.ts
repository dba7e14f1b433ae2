import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoLinks } from '../src/conversion/links/demo-links.js';
import { conversionReport } from '../src/conversion/links/link-store.js';
import { backends } from './helpers/backends.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';

const NOW = Date.parse('2026-07-10T12:00:00Z');
const DAY = 86_400_000;

describe("the demo's tracked links", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('show three campaigns with clicks and CNY purchases, some first touched by one campaign and closed by another', async () => {
    const made = backends[0]!.create();
    const f = await sandboxFixture(made.target, NOW - 30 * DAY);
    cleanups.push(made.cleanup, () => f.runtime.close());
    for (const name of ['Bakers', 'Tea']) {
      const g = await f.sandbox.addGroup(name);
      for (let i = 0; i < 10; i++) await f.sandbox.join(g.id, `${name}-${i}`, { at: NOW - 25 * DAY });
    }
    await seedDemoLinks(f.runtime, f.workspace.id, NOW);
    const report = await conversionReport(f.runtime.store.db, f.workspace.id, 'campaign');
    expect(report.rows.filter((r) => r.key !== null)).toHaveLength(3);
    expect(report.rows.every((r) => r.clicks > 20)).toBe(true);
    expect(report.totals.conversions).toBeGreaterThan(3);
    expect(report.totals.revenue.map((m) => m.currency)).toEqual(['CNY']);
    const firsts = report.rows.map((r) => r.firstTouch.conversions);
    const lasts = report.rows.map((r) => r.lastTouch.conversions);
    expect(firsts).not.toEqual(lasts);
  });
});
