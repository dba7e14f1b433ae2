import { afterEach, describe, expect, it } from 'vitest';
import { signIn } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const HOUR = 3_600_000;

describe.each(backends)('campaigns API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('creates a campaign, issues a personal code, and shows the invite tree two levels deep with who counts and why; bad input is named and stores nothing', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const api = await signIn(w.app, 'owner@acme.test');

    const bad = await api.post('/api/campaigns', {
      name: 'Spring',
      form: 'invite',
      targets: { groups: [w.tea.id] },
      goal: 3,
      tiers: [
        { threshold: 5, label: 'a', reward: { kind: 'manual', note: 'x' } },
        { threshold: 2, label: 'b', reward: { kind: 'manual', note: 'y' } },
      ],
    });
    expect([bad.status, (await bad.json()).error]).toEqual([400, "tier 2's threshold (2) must be above tier 1's (5)"]);
    expect((await api.json('/api/campaigns')).campaigns).toEqual([]);

    const created = await api.post('/api/campaigns', {
      name: 'Spring fission',
      form: 'invite',
      targets: { groups: [w.tea.id] },
      goal: 2,
      fraudHours: 24,
      tiers: [{ threshold: 2, label: 'Initiator', reward: { kind: 'role', groupId: w.tea.id, role: 'initiator' } }],
    });
    expect(created.status).toBe(201);
    const campaign = await created.json();
    const ann = await w.db.selectFrom('member').select('id').where('display_name', '=', 'ann').executeTakeFirstOrThrow();
    const code = await (await api.post(`/api/campaigns/${campaign.id}/codes`, { memberId: ann.id })).json();
    expect(code).toMatchObject({ groupId: w.tea.id, created: true, link: `/j/${code.code}` });

    await w.sandbox.join(w.tea.id, 'bo', { code: code.code, at: T0 + HOUR });
    const bo = await w.db.selectFrom('member').select('id').where('display_name', '=', 'bo').executeTakeFirstOrThrow();
    const boCode = await (await api.post(`/api/campaigns/${campaign.id}/codes`, { memberId: bo.id })).json();
    await w.sandbox.join(w.tea.id, 'cy', { code: code.code, at: T0 + 2 * HOUR });
    await w.sandbox.join(w.tea.id, 'dee', { code: boCode.code, at: T0 + 2 * HOUR });
    await w.sandbox.leave(w.tea.id, 'dee', T0 + 3 * HOUR);

    const tree = await api.json(`/api/campaigns/${campaign.id}/tree`);
    expect(tree).toMatchObject({ depth: 2, members: 4 });
    const root = tree.roots[0];
    expect([root.name, root.depth, root.counted, root.invitedBy]).toEqual(['ann', 0, 2, null]);
    expect(root.children.map((c: { name: string; status: string; depth: number }) => [c.name, c.depth, c.status])).toEqual([
      ['bo', 1, 'counted'],
      ['cy', 1, 'counted'],
    ]);
    expect(root.children[0].children.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([['dee', 'left_early']]);

    const shown = await api.json(`/api/campaigns/${campaign.id}`);
    expect(shown.progress.map((p: { name: string; counted: number; completed: boolean }) => [p.name, p.counted, p.completed])).toEqual([
      ['ann', 2, true],
      ['bo', 0, false],
    ]);
    expect(shown.rewards.map((r: { memberName: string; label: string; clawedBackAt: number | null }) => [r.memberName, r.label, r.clawedBackAt])).toEqual([['ann', 'Initiator', null]]);
    const csv = await (await api.get(`/api/campaigns/${campaign.id}/completed?format=csv`)).text();
    expect(csv).toBe(`member_id,name,friends_counted,group_ids\n${ann.id},ann,2,${w.tea.id}\n`);
    const saved = await api.post(`/api/campaigns/${campaign.id}/completed/set`, { set: 'Spring Finishers' });
    expect(await saved.json()).toEqual({ set: 'spring-finishers', groups: [w.tea.id], members: 1 });
    expect((await api.json('/api/group-sets')).sets).toContainEqual({ tag: 'spring-finishers', groups: 1 });
  });
});
