import { afterEach, describe, expect, it } from 'vitest';
import { sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

describe.each(backends)('configuring the welcome message through the API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it("an operator sets a group's own welcome, turns it off, and every change is audited", async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const join = async (member: string) => ((await (await owner.post(`/api/sandbox/groups/${w.tea.id}/join`, { member })).json()) as { actions: { text: string }[] }).actions;

    const listed = (await owner.json('/api/automations')) as { automations: { id: number; kind: string; groupId: number | null }[] };
    expect(listed.automations).toEqual([expect.objectContaining({ kind: 'welcome', groupId: null, enabled: true })]);

    const added = await owner.post('/api/automations', { groupId: w.tea.id, kind: 'welcome', config: { template: '欢迎 {name} 加入{group}！先看群公告。' } });
    expect(added.status).toBe(201);
    const { automation } = (await added.json()) as { automation: { id: number } };
    expect((await join('Dee')).map((a) => a.text)).toEqual(['欢迎 Dee 加入Tea Lovers！先看群公告。']);
    // Other groups keep the workspace's welcome.
    const other = ((await (await owner.post(`/api/sandbox/groups/${w.books.id}/join`, { member: 'Eve' })).json()) as { actions: { text: string }[] }).actions;
    expect(other[0]!.text).toMatch(/^Welcome Eve to Book Club/);

    const bad = await owner.request('PATCH', `/api/automations/${automation.id}`, { config: { template: '', delaySeconds: -5 } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/invalid welcome config: template: .*; delaySeconds: /);

    expect((await owner.request('PATCH', `/api/automations/${automation.id}`, { enabled: false })).status).toBe(200);
    // Switched off for this group: no welcome there at all.
    expect(await join('Fay')).toEqual([]);
    // Removed: the workspace's welcome applies to the group again.
    expect((await owner.request('DELETE', `/api/automations/${automation.id}`)).status).toBe(200);
    expect((await join('Gus')).map((a) => a.text)).toEqual([expect.stringMatching(/^Welcome Gus to Tea Lovers/)]);

    const audit = await w.db.selectFrom('audit_log').select('action').where('action', 'like', 'automation.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['automation.added', 'automation.changed', 'automation.removed']);
  });
});
