import { afterEach, describe, expect, it } from 'vitest';
import { runSilenceWatchdog } from '../src/activation/silence-watchdog.js';
import { addOperator, sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const HOUR = 3_600_000;

describe.each(backends)('GET /api/alerts on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it("lists the watchdog's silence alerts of the caller's workspace and groups only, filtered by group and kind", async () => {
    const w = await twoWorkspaces(backend, cleanups);
    // Tea Lovers last heard from two days ago, Quiet Corner never; Book Club an hour ago.
    const raised = await runSilenceWatchdog(w.db, w.acme.id, T0);
    expect(raised.map((r) => r.groupId).sort()).toEqual([w.tea.id, w.quiet.id].sort());
    expect(await runSilenceWatchdog(w.db, w.acme.id, T0 + HOUR)).toEqual([]);
    const later = T0 + 10 * HOUR;
    expect((await runSilenceWatchdog(w.db, w.acme.id, later)).map((r) => [r.groupId, r.silentMinutes])).toEqual([[w.books.id, 660]]);
    await runSilenceWatchdog(w.db, w.zeta.id, later);

    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const all = (await owner.json('/api/alerts')) as { alerts: { kind: string; groupId: number; groupName: string; at: string; detail: { silentMinutes: number } }[] };
    expect(all.alerts.map((a) => [a.kind, a.groupName])).toEqual([
      ['silence', 'Book Club'],
      ['silence', 'Quiet Corner'],
      ['silence', 'Tea Lovers'],
    ]);
    expect(all.alerts[0]).toMatchObject({ at: new Date(later).toISOString(), detail: { silentSince: new Date(T0 - HOUR).toISOString(), silentMinutes: 660, thresholdMinutes: 720 } });
    expect(JSON.stringify(all)).not.toContain('zeta');
    const tea = (await owner.json(`/api/alerts?group=${w.tea.id}&kind=silence`)) as { alerts: { groupId: number }[] };
    expect(tea.alerts.map((a) => a.groupId)).toEqual([w.tea.id]);
    expect(((await owner.json('/api/alerts?kind=health-spike')) as { alerts: unknown[] }).alerts).toEqual([]);

    const booksOnly = await addOperator(w.db, { email: 'books@acme.test', workspaceId: w.acme.id, role: 'operator', groups: [w.books.id] }, T0);
    const scoped = await sessionFor(w.app, w.db, booksOnly.id, T0);
    expect(((await scoped.json('/api/alerts')) as { alerts: { groupId: number }[] }).alerts.map((a) => a.groupId)).toEqual([w.books.id]);
    expect((await owner.get('/api/alerts?group=abc')).status).toBe(400);
    expect((await owner.get('/api/alerts?kind=DROP%20TABLE')).status).toBe(400);
  });
});
