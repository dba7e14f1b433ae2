import { afterEach, describe, expect, it } from 'vitest';
import { addOperator, sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const HOUR = 60 * 60 * 1000;

interface Staffing {
  members: { memberId: number; name: string; present: boolean; roles: string[] }[];
  figures: { members: number; activeMembers: number; roles: Record<string, number> };
  findings: { check: string; have: number; want: number; fix: string }[];
}

describe.each(backends)('in-group roles and staffing through the API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('assigns roles per member, shows the staff with the staffing findings, and refuses what it should', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    await w.sandbox.join(w.tea.id, 'dee', { at: T0 - HOUR });
    await w.sandbox.join(w.tea.id, 'eli', { at: T0 - HOUR });
    await w.sandbox.say(w.tea.id, 'eli', 'first time here', T0 - HOUR / 2);
    const idOf = async (name: string) => (await w.db.selectFrom('member').select('id').where('workspace_id', '=', w.acme.id).where('display_name', '=', name).executeTakeFirstOrThrow()).id;
    const [ann, eli] = [await idOf('ann'), await idOf('eli')];
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const staffing = async () => (await owner.json(`/api/groups/${w.tea.id}/roles`)) as Staffing;

    // Three members, two wrote this week, nobody holds a role: the young group needs extras.
    const empty = await staffing();
    expect(empty.members).toEqual([]);
    expect(empty.figures).toEqual({ members: 3, activeMembers: 2, roles: {} });
    expect(empty.findings.map((f) => f.check)).toEqual(['extras_needed']);

    const set = (memberId: number, roles: unknown) => owner.request('PUT', `/api/groups/${w.tea.id}/roles/${memberId}`, { roles });
    const named = await set(ann, ['administrator', 'owner', 'owner']);
    expect(named.status).toBe(200);
    expect(await named.json()).toEqual({ memberId: ann, roles: ['owner', 'administrator'] });
    await set(eli, ['extra']);

    const staffed = await staffing();
    expect(staffed.members).toEqual([
      { memberId: ann, name: 'ann', present: true, roles: ['owner', 'administrator'] },
      { memberId: eli, name: 'eli', present: true, roles: ['extra'] },
    ]);
    expect(staffed.figures.roles).toEqual({ owner: 1, administrator: 1, extra: 1 });
    expect(staffed.findings).toEqual([]);

    // An extra who left keeps the role on record but no longer staffs the group.
    await w.sandbox.leave(w.tea.id, 'eli', T0 - HOUR / 4);
    const after = await staffing();
    expect(after.members.find((m) => m.memberId === eli)).toMatchObject({ present: false, roles: ['extra'] });
    expect(after.figures).toMatchObject({ members: 2, roles: { owner: 1, administrator: 1 } });
    expect(after.findings.map((f) => f.check)).toEqual(['extras_needed']);

    expect(await (await set(ann, ['owner'])).json()).toEqual({ memberId: ann, roles: ['owner'] });
    const audit = (await owner.json('/api/audit?action=group.roles_changed')) as { entries: { detail: { memberId: number; before: string[]; after: string[] } }[] };
    expect(audit.entries.map((e) => e.detail)).toEqual([
      { memberId: ann, before: ['owner', 'administrator'], after: ['owner'] },
      { memberId: eli, before: [], after: ['extra'] },
      { memberId: ann, before: [], after: ['owner', 'administrator'] },
    ]);

    // An unknown role is refused naming the field; a member never in the group, or of another workspace, is not found.
    const bad = await set(ann, ['king']);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/roles/);
    const cy = await idOf('cy');
    expect((await set(cy, ['extra'])).status).toBe(404);
    const zetaMember = (await w.db.selectFrom('member').select('id').where('workspace_id', '=', w.zeta.id).executeTakeFirstOrThrow()).id;
    expect((await set(zetaMember, ['extra'])).status).toBe(404);

    // An analyst reads the staff but may not change it.
    const analyst = await addOperator(w.db, { email: 'analyst@acme.test', workspaceId: w.acme.id, role: 'analyst' }, T0);
    const reader = await sessionFor(w.app, w.db, analyst.id, T0);
    expect(((await reader.json(`/api/groups/${w.tea.id}/roles`)) as Staffing).members.map((m) => m.name)).toEqual(['ann', 'eli']);
    expect((await reader.request('PUT', `/api/groups/${w.tea.id}/roles/${ann}`, { roles: [] })).status).toBe(403);

    expect(await (await set(ann, [])).json()).toEqual({ memberId: ann, roles: [] });
    expect((await staffing()).members.map((m) => m.name)).toEqual(['eli']);
  });
});
