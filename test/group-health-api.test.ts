import { afterEach, describe, expect, it } from 'vitest';
import { addOperator, signIn } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

describe.each(backends)('group health over the API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('serves a group’s stage, score and figures to whoever may read the group, and to no one else', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    await addOperator(w.db, { email: 'two@acme.test', workspaceId: w.acme.id, role: 'operator', groups: [w.tea.id, w.books.id] }, T0);
    const op = await signIn(w.app, 'two@acme.test');

    const books = await op.json(`/api/groups/${w.books.id}/health`);
    // one message an hour before now, from a group whose first message is today: launching, active 1 day of 7
    expect(books).toMatchObject({ group: { id: w.books.id }, asOf: '2026-07-10', weeklyActiveDays: 1, messagesOnActiveDays: 1, lifecycle: { stage: 'launch' } });
    expect(books.health.score).toBeGreaterThan(0);
    expect(books.health.parts.map((p: { name: string }) => p.name)).toEqual(['activeDays', 'silence', 'speakers', 'newSpeakers', 'spread', 'responses', 'trend']);
    expect(books.days).toHaveLength(56);
    expect(books.days.at(-1)).toMatchObject({ day: '2026-07-10', messages: 1, speakers: 1, newSpeakers: 1 });

    const asOf = await op.json(`/api/groups/${w.tea.id}/health?to=2026-09-30`);
    expect(asOf).toMatchObject({ asOf: '2026-09-30', weeklyActiveDays: 0, lifecycle: { stage: 'dormant' } });
    const members = await op.json(`/api/groups/${w.tea.id}/members/figures`);
    expect(members.members).toEqual([expect.objectContaining({ messages: 1, activeDays: 1, repliesGiven: 0, repliesReceived: 0, reactions: 0 })]);

    expect((await op.get(`/api/groups/${w.quiet.id}/health`)).status).toBe(404);
    expect((await op.get(`/api/groups/${w.zetaLounge.id}/health`)).status).toBe(404);
    expect((await op.get(`/api/groups/${w.zetaLounge.id}/members/figures`)).status).toBe(404);
    const bad = await op.get(`/api/groups/${w.tea.id}/health?to=yesterday`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('to takes a date like 2026-03-01');
    expect((await w.app.request(`/api/groups/${w.tea.id}/health`)).status).toBe(401);
  });
});
