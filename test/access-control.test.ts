import { afterEach, describe, expect, it } from 'vitest';
import { addOperator, signIn } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { diffSnapshots, snapshot, T0, twoWorkspaces } from './helpers/world-fixture.js';

/**
 * Routes an analyst may call that are not workspace changes: signing in, and changing
 * only their own account (sign out, password); resolving a group selector (a read with a
 * body); and the unknown-route answer. Every
 * other state-changing route is refused.
 */
const EXEMPT = new Set([
  'POST /api/auth/login',
  // First-run setup: public while no operator exists, 410 for everyone after.
  'POST /api/setup',
  'POST /api/auth/logout',
  'POST /api/auth/logout-all',
  'POST /api/auth/password',
  // An invitation link: taken up with a new account, or by the signed-in account it names.
  'POST /api/invitations/:token/accept',
  'POST /api/invitations/:token/join',
  'ALL /api/*',
  // A read that takes its selector as a body: it changes nothing.
  'POST /api/groups/select',
]);

/** A valid body for each state-changing route, so a refusal is about the role and not the input. */
const BODIES: Record<string, unknown> = {
  'POST /api/sandbox/groups/:id/say': { member: 'analyst-test', text: 'should not be said' },
  'POST /api/sandbox/groups/:id/join': { member: 'analyst-test' },
  'POST /api/sandbox/groups/:id/leave': { member: 'ann' },
  'POST /api/tokens': { name: 'analyst token', scopes: ['read'] },
  'POST /api/tokens/:id/revoke': {},
  'POST /api/team/invitations': { email: 'friend@acme.test', role: 'analyst' },
  'POST /api/team/invitations/:id/revoke': {},
  'PATCH /api/team/members/:id': { role: 'owner' },
  'POST /api/team/members/:id/disable': {},
  'POST /api/team/members/:id/enable': {},
  'POST /api/connections': { platform: 'telegram', name: 'analyst-bot', settings: { token: '123456789:AAanalyst', mode: 'polling' } },
  'POST /api/connections/:id/pause': {},
  'POST /api/connections/:id/resume': {},
  'DELETE /api/connections/:id': undefined,
  'POST /api/automations': { kind: 'welcome', config: { template: 'analyst was here' } },
  'PATCH /api/automations/:id': { enabled: false },
  'DELETE /api/automations/:id': undefined,
  'POST /api/members/:id/erase': {},
  'POST /api/members/links': { keep: 1, merge: 2 },
  'POST /api/outbox/:id/requeue': {},
  'POST /api/outbox/:id/discard': {},
  'PATCH /api/groups/:id/profile': { theme: 'analyst was here' },
  'PUT /api/groups/:id/sets': { sets: ['analyst'] },
  'PUT /api/groups/:id/roles/:memberId': { roles: ['administrator'] },
  'POST /api/groups/:id/cleanup/actions': { action: 'dismiss', memberIds: [1] },
  'POST /api/growth/codes': { kind: 'live', name: 'analyst code', groupIds: [1] },
  'POST /api/growth/codes/:code/groups': { groupId: 1 },
  'PUT /api/growth/groups/:id/qr': { mime: 'image/png', image: 'iVBORw0KGgo=' },
  'PUT /api/moderation/settings': { enabled: true },
  'POST /api/moderation/:id/approve': {},
  'POST /api/moderation/:id/dismiss': {},
  'PUT /api/enforcement/ladder': {
    enabled: true,
    language: 'en',
    steps: [{ kind: 'warn' }],
    strikeDays: 30,
    detectors: { spam: false, flood: null, repeat: null, links: null, contact: true, keywords: [] },
    staff: [],
    allowList: [],
  },
  'POST /api/enforcement/:id/undo': {},
  'POST /api/groups/:id/chains': { title: 'analyst chain' },
  'POST /api/chains/:id/close': {},
  'POST /api/coupons': { title: 'analyst coupon', value: { kind: 'percent', basisPoints: 100 } },
  'POST /api/coupons/:id/claims': { memberId: 1 },
  'POST /api/coupons/:id/claims/:claimId/redeem': {},
  'POST /api/draws': { groupId: 1, total: 10, shares: 2 },
  'POST /api/draws/:id/cancel': {},
  'POST /api/votes': { groupId: 1, question: 'analyst vote', options: ['a', 'b'] },
  'POST /api/votes/:id/close': {},
  'POST /api/votes/:id/veto': { reason: 'analyst' },
  'PUT /api/points/groups/:id/settings': { enabled: true },
  'POST /api/points/members/:id/adjust': { points: 1, reason: 'analyst' },
  'POST /api/poster-templates': { name: 'analyst poster', design: {} },
  'POST /api/poster-templates/preview': { design: {} },
  'PUT /api/poster-templates/:id': { name: 'analyst poster', design: {} },
  'DELETE /api/poster-templates/:id': undefined,
  'POST /api/campaigns': { name: 'analyst campaign', form: 'invite', targets: {}, goal: 3 },
  'POST /api/campaigns/:id/codes': { memberId: 1 },
  'POST /api/campaigns/:id/completed/set': { set: 'analyst' },
  'POST /api/campaigns/:id/rewards/:rewardId/fulfil': {},
  'POST /api/links': { campaign: 'analyst link', targetUrl: 'https://example.com/' },
  'POST /api/links/:id/children': { memberId: 1 },
  'POST /api/conversions/import': { csv: 'id,amountMinor,currency\nanalyst-1,100,CNY\n' },
  'PUT /api/conversions/settings': { windowDays: 7 },
  'POST /api/conversions/secret': {},
  'POST /api/broadcasts': { text: 'analyst broadcast', selector: {} },
  'POST /api/broadcasts/:id/cancel': {},
  'POST /api/webhooks': { url: 'http://127.0.0.1:9/analyst', events: ['*'] },
  'POST /api/imports': { name: 'Analyst', type: 'private_group', id: 1, messages: [] },
  'PATCH /api/webhooks/:id': { enabled: false },
  'DELETE /api/webhooks/:id': undefined,
  'POST /api/webhooks/:id/deliveries/:delivery/redeliver': {},
  'POST /api/webhooks/:id/ping': {},
};

describe.each(backends)('roles and group assignment on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('an analyst can read everything in the workspace and change nothing: every state-changing route answers 403', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    await addOperator(w.db, { email: 'analyst@acme.test', workspaceId: w.acme.id, role: 'analyst' }, T0);
    const analyst = await signIn(w.app, 'analyst@acme.test');
    await w.tokenClient(w.acmeOwner.id, ['read']);
    const tokenId = (await w.db.selectFrom('api_token').select('id').where('workspace_id', '=', w.acme.id).executeTakeFirstOrThrow()).id;

    for (const path of [
      '/api/workspaces',
      '/api/groups',
      '/api/workspaces/acme/overview',
      '/api/workspaces/acme/groups',
      `/api/groups/${w.tea.id}`,
      `/api/groups/${w.tea.id}/activity`,
      `/api/sandbox/groups/${w.tea.id}/log`,
      '/api/sandbox/groups',
      '/api/audit',
    ]) {
      expect((await analyst.get(path)).status, path).toBe(200);
    }

    const changing = [...new Set(w.app.routes.filter((r) => r.path.startsWith('/api/') && r.method !== 'GET').map((r) => `${r.method} ${r.path}`))].filter((k) => !EXEMPT.has(k));
    expect(changing.length).toBeGreaterThanOrEqual(5);
    const before = await snapshot(w.db);
    for (const key of changing) {
      const [method, pattern] = key.split(' ') as [string, string];
      const path = pattern.replace(':id', String(pattern.startsWith('/api/tokens/') ? tokenId : w.tea.id)).replace(':ws', 'acme');
      expect(BODIES, `no request body is written down for ${key}: add one`).toHaveProperty([key]);
      const res = await analyst.request(method, path, BODIES[key]);
      expect(res.status, `${key} as an analyst`).toBe(403);
    }
    expect(diffSnapshots(before, await snapshot(w.db))).toEqual({});
  });

  it('an operator assigned to two groups sees only those two: group list, workspace table, overview totals, sandbox, audit', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await signIn(w.app, 'owner@acme.test');
    await addOperator(w.db, { email: 'two@acme.test', workspaceId: w.acme.id, role: 'operator', groups: [w.tea.id, w.books.id] }, T0);
    const op = await signIn(w.app, 'two@acme.test');

    const mine = [w.tea.id, w.books.id];
    const ids = (list: { id: number }[]) => list.map((g) => g.id);
    expect(ids((await op.json('/api/groups')).groups)).toEqual(mine);
    expect(ids((await op.json('/api/workspaces/acme/groups')).groups)).toEqual(mine);
    expect(ids((await op.json('/api/sandbox/groups')).groups)).toEqual(mine);
    const overview = await op.json('/api/workspaces/acme/overview');
    expect(ids(overview.groups)).toEqual(mine);
    expect(overview.totals).toMatchObject({ groups: 2, members: 2 });
    const full = await owner.json('/api/workspaces/acme/overview');
    expect(full.totals).toMatchObject({ groups: 3, members: 3 });
    const session = await op.json('/api/auth/session');
    expect(session.workspaces).toEqual([expect.objectContaining({ slug: 'acme', role: 'operator', groups: [...mine].sort((a, b) => a - b) })]);

    // The third group does not exist for them.
    for (const path of [`/api/groups/${w.quiet.id}`, `/api/groups/${w.quiet.id}/activity`, `/api/sandbox/groups/${w.quiet.id}/log`]) expect((await op.get(path)).status, path).toBe(404);
    expect((await op.post(`/api/sandbox/groups/${w.quiet.id}/say`, { member: 'op', text: 'hi' })).status).toBe(404);
    expect((await op.post(`/api/sandbox/groups/${w.tea.id}/say`, { member: 'op', text: 'hi from an assigned group' })).status).toBe(200);
    // An operator acts, but does not manage.
    expect((await op.post('/api/tokens', { name: 'x', scopes: ['read'] })).status).toBe(403);

    // Their audit log holds their groups' entries only; workspace-wide ones (sign-ins, tokens) are the owner's to see.
    await owner.post(`/api/sandbox/groups/${w.quiet.id}/say`, { member: 'owner', text: 'in the quiet corner' });
    const theirs = (await op.json('/api/audit')).entries as { groupId: number | null; action: string }[];
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((e) => e.groupId !== null && mine.includes(e.groupId))).toBe(true);
    const all = (await owner.json('/api/audit')).entries as { groupId: number | null; action: string }[];
    expect(all.some((e) => e.groupId === w.quiet.id)).toBe(true);
    expect(all.some((e) => e.action === 'auth.login')).toBe(true);
  });

  it('an owner in two workspaces gets both; roles are per workspace', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const { setMembership } = await import('../src/auth/operators.js');
    await setMembership(w.db, { operatorId: w.acmeOwner.id, workspaceId: w.zeta.id, role: 'analyst' }, T0);
    const api = await signIn(w.app, 'owner@acme.test');
    expect((await api.json('/api/workspaces')).workspaces).toEqual([
      { id: w.acme.id, slug: 'acme', name: 'Acme', role: 'owner' },
      { id: w.zeta.id, slug: 'zeta-ws', name: 'Zeta Secret Works', role: 'analyst' },
    ]);
    expect((await api.get(`/api/groups/${w.zetaLounge.id}`)).status).toBe(200);
    expect((await api.post(`/api/sandbox/groups/${w.zetaLounge.id}/say`, { member: 'x', text: 'y' })).status).toBe(403);
    expect((await api.post(`/api/sandbox/groups/${w.tea.id}/say`, { member: 'x', text: 'y' })).status).toBe(200);
    expect((await api.get('/api/audit')).status).toBe(400);
    expect((await api.get('/api/audit?workspace=zeta-ws')).status).toBe(200);
  });
});
