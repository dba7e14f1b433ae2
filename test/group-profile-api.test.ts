import { afterEach, describe, expect, it } from 'vitest';
import { followsNamingRule } from '../src/groups/group-profile.js';
import { addOperator, sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

describe.each(backends)('group profiles and sets through the API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('changes a profile field by field, audited with before and after; bad values are refused naming the field and change nothing', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const res = await owner.request('PATCH', `/api/groups/${w.tea.id}/profile`, {
      purpose: 'sell',
      type: 'product',
      theme: '  Oolong and pu-erh  ',
      promise: 'A tasting note every week',
      namingRule: '{topic} Lovers',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { profile: unknown }).profile).toMatchObject({ purpose: 'sell', type: 'product', theme: 'Oolong and pu-erh', audience: null, namingRule: '{topic} Lovers' });

    const bad = await owner.request('PATCH', `/api/groups/${w.tea.id}/profile`, { type: 'shop', theme: 'should not be stored' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/type/);
    const zone = await owner.request('PATCH', `/api/groups/${w.tea.id}/profile`, { timezone: 'Mars/Olympus' });
    expect(((await zone.json()) as { error: string }).error).toContain('unknown time zone "Mars/Olympus"');

    const shown = (await owner.json(`/api/groups/${w.tea.id}`)) as { group: { theme: string; promise: string; timezone: string } };
    expect(shown.group).toMatchObject({ theme: 'Oolong and pu-erh', promise: 'A tasting note every week', timezone: 'UTC' });

    const cleared = await owner.request('PATCH', `/api/groups/${w.tea.id}/profile`, { theme: '' });
    expect(((await cleared.json()) as { profile: { theme: string | null } }).profile.theme).toBeNull();

    const audit = (await owner.json('/api/audit?action=group.profile_changed')) as { entries: { detail: { before: { theme: string | null }; after: { theme: string | null } } }[] };
    expect(audit.entries.map((e) => [e.detail.before.theme, e.detail.after.theme])).toEqual([
      ['Oolong and pu-erh', null],
      [null, 'Oolong and pu-erh'],
    ]);
  });

  it('puts groups in sets, lists and filters groups by set and profile, and resolves "these groups" within the caller\'s scope', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const put = async (id: number, sets: string[]) => owner.request('PUT', `/api/groups/${id}/sets`, { sets });
    expect(await (await put(w.tea.id, ['Paid', 'Autumn Campaign', 'paid'])).json()).toEqual({ sets: ['autumn-campaign', 'paid'] });
    await put(w.books.id, ['paid']);
    await owner.request('PATCH', `/api/groups/${w.books.id}/profile`, { type: 'knowledge' });

    const names = async (query: string) => ((await owner.json(`/api/groups${query}`)) as { groups: { name: string; sets: string[] }[] }).groups.map((g) => g.name);
    expect(await names('?set=paid')).toEqual(['Tea Lovers', 'Book Club']);
    expect(await names('?set=autumn-campaign')).toEqual(['Tea Lovers']);
    expect(await names('?set=paid&type=knowledge')).toEqual(['Book Club']);
    expect(await names('?name=corner')).toEqual(['Quiet Corner']);
    expect((await owner.get('/api/groups?type=shop')).status).toBe(400);
    expect(await owner.json('/api/group-sets')).toEqual({
      sets: [
        { tag: 'autumn-campaign', groups: 1 },
        { tag: 'paid', groups: 2 },
      ],
    });

    const select = (selector: unknown) => owner.post('/api/groups/select', { selector });
    expect(await (await select({ sets: ['paid'], groups: [w.quiet.id] })).json()).toEqual({ groups: [w.tea.id, w.quiet.id, w.books.id] });
    // Another workspace's group is never taken, even by id.
    expect(await (await select({ groups: [w.zetaRoom.id] })).json()).toEqual({ groups: [] });

    const booksOnly = await addOperator(w.db, { email: 'books@acme.test', workspaceId: w.acme.id, role: 'operator', groups: [w.books.id] }, T0);
    const scoped = await sessionFor(w.app, w.db, booksOnly.id, T0);
    expect(await (await scoped.post('/api/groups/select', { selector: { sets: ['paid'] } })).json()).toEqual({ groups: [w.books.id] });
    expect(await scoped.json('/api/group-sets')).toEqual({ sets: [{ tag: 'paid', groups: 1 }] });
    // An operator (not an owner) sees their groups' sets but may not change a group's positioning.
    expect((await scoped.request('PUT', `/api/groups/${w.books.id}/sets`, { sets: ['mine'] })).status).toBe(403);

    const analyst = await addOperator(w.db, { email: 'analyst@acme.test', workspaceId: w.acme.id, role: 'analyst' }, T0);
    const reader = await sessionFor(w.app, w.db, analyst.id, T0);
    expect((await reader.request('PATCH', `/api/groups/${w.tea.id}/profile`, { theme: 'x' })).status).toBe(403);
    expect((await put(w.tea.id, ['a,b'])).status).toBe(400);
  });
});

describe('naming conventions', () => {
  it('checks a name against tag + topic placeholders, literal parts in order', () => {
    expect(followsNamingRule('【{city}】{topic}交流群', '【杭州】烘焙交流群')).toBe(true);
    expect(followsNamingRule('【{city}】{topic}交流群', '烘焙交流群')).toBe(false);
    expect(followsNamingRule('{topic} (official)', 'Tea (official)')).toBe(true);
    expect(followsNamingRule('{topic} (official)', 'Tea official')).toBe(false);
  });
});
