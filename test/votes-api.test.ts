import { afterEach, describe, expect, it } from 'vitest';
import { sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

describe.each(backends)('votes through the API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('starts a vote, shows the members’ ballots and tally, closes it, vetoes it once; bad input stores nothing; other workspaces see nothing', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const bad = await owner.post('/api/votes', { groupId: w.tea.id, question: 'Which tea?', options: ['Oolong', 'oolong'] });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('option 2 (oolong) is listed twice');
    expect((await owner.post('/api/votes', { groupId: w.tea.id, question: 'Which tea?', options: ['Oolong'] })).status).toBe(400);
    expect((await owner.post('/api/votes', { groupId: w.tea.id, question: 'Which tea?', options: ['Oolong', 'Green'], until: '2020-01-01T00:00:00Z' })).status).toBe(400);
    expect(await w.db.selectFrom('vote').selectAll().execute()).toEqual([]);

    const started = await owner.post('/api/votes', { groupId: w.tea.id, question: 'Which tea next week?', options: ['Oolong', 'Green', 'Pu-erh'], until: new Date(T0 + 3600_000).toISOString() });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: number };
    w.runtime.voteRule.invalidate();
    await w.sandbox.say(w.tea.id, 'ann', '2', T0 + 60_000);
    await w.sandbox.say(w.tea.id, 'bo', 'pu-erh', T0 + 120_000);
    await w.sandbox.say(w.tea.id, 'cy', '投2', T0 + 180_000);

    const shown = await owner.json(`/api/votes/${id}`);
    expect(shown).toMatchObject({ id, question: 'Which tea next week?', closed: false, voters: 3, vetoed: null });
    expect(shown.options.map((o: { text: string; count: number; percent: number }) => [o.text, o.count, o.percent])).toEqual([
      ['Oolong', 0, 0],
      ['Green', 2, 67],
      ['Pu-erh', 1, 33],
    ]);
    expect(shown.ballots.map((b: { member: { name: string }; option: number }) => [b.member.name, b.option])).toEqual([
      ['ann', 2],
      ['bo', 3],
      ['cy', 2],
    ]);
    expect((await owner.json(`/api/votes?group=${w.tea.id}`)).votes.map((v: { id: number; voters: number }) => [v.id, v.voters])).toEqual([[id, 3]]);

    expect((await w.zetaClient.get(`/api/votes/${id}`)).status).toBe(404);
    expect((await w.zetaClient.post(`/api/votes/${id}/veto`, { reason: 'no' })).status).toBe(404);
    expect((await w.zetaClient.json('/api/votes')).votes).toEqual([]);

    const closed = (await (await owner.post(`/api/votes/${id}/close`)).json()) as { closed: boolean; closeReason: string };
    expect(closed).toMatchObject({ closed: true, closeReason: 'operator' });
    expect((await owner.post(`/api/votes/${id}/veto`, { reason: '' })).status).toBe(400);
    const vetoed = await owner.post(`/api/votes/${id}/veto`, { reason: 'Tasting cancelled' });
    expect(vetoed.status).toBe(200);
    expect(await vetoed.json()).toMatchObject({ vetoed: { reason: 'Tasting cancelled' } });
    expect((await owner.post(`/api/votes/${id}/veto`, { reason: 'again' })).status).toBe(409);
    const posts = await w.db
      .selectFrom('outbox')
      .select('action')
      .where('idempotency_key', 'in', [`vote:${id}:results`, `vote:${id}:vetoed`])
      .execute();
    expect(posts.map((p) => JSON.parse(p.action).text as string)).toEqual([expect.stringContaining('Result: Green'), expect.stringContaining('(vetoed)')]);
    const audit = await w.db.selectFrom('audit_log').select('action').where('action', 'like', 'vote.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['vote.started', 'vote.closed', 'vote.vetoed']);
  });
});
