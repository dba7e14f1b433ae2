import { afterEach, describe, expect, it } from 'vitest';
import { sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

describe.each(backends)('chain sign-ups through the API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('starts a chain in a group, shows members signing up in order, closes it and exports CSV; other workspaces see nothing', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    expect((await owner.post(`/api/groups/${w.tea.id}/chains`, { title: 'Oolong group buy', quota: 0 })).status).toBe(400);
    expect((await owner.post(`/api/groups/${w.tea.id}/chains`, { title: 'Oolong', until: '2020-01-01T00:00:00Z' })).status).toBe(400);
    expect(await w.db.selectFrom('chain').selectAll().execute()).toEqual([]);

    const started = await owner.post(`/api/groups/${w.tea.id}/chains`, { title: 'Oolong group buy', quota: 10 });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: number };
    await w.sandbox.say(w.tea.id, 'ann', '+1 ×2 roasted', T0 + 60_000);
    await w.sandbox.say(w.tea.id, 'bo', '+1', T0 + 120_000);

    const shown = await owner.json(`/api/chains/${id}`);
    expect(shown).toMatchObject({ id, title: 'Oolong group buy', quota: 10, taken: 3, closed: false });
    expect(shown.entries.map((e: { member: { name: string }; quantity: number; note: string | null }) => [e.member.name, e.quantity, e.note])).toEqual([
      ['ann', 2, 'roasted'],
      ['bo', 1, null],
    ]);
    const listed = await owner.json(`/api/groups/${w.tea.id}/chains`);
    expect(listed.chains.map((c: { id: number; entries: number; taken: number }) => [c.id, c.entries, c.taken])).toEqual([[id, 2, 3]]);
    expect((await owner.json('/api/chains')).chains).toHaveLength(1);

    const csv = await owner.get(`/api/chains/${id}/export.csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toContain('1,');

    expect((await w.zetaClient.get(`/api/chains/${id}`)).status).toBe(404);
    expect((await w.zetaClient.post(`/api/chains/${id}/close`)).status).toBe(404);
    expect((await w.zetaClient.json('/api/chains')).chains).toEqual([]);

    const closed = await owner.post(`/api/chains/${id}/close`);
    expect(((await closed.json()) as { closed: boolean }).closed).toBe(true);
    const audit = await w.db.selectFrom('audit_log').select('action').where('action', 'like', 'chain.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['chain.started', 'chain.closed']);
  });
});
