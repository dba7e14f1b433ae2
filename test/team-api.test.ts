import { afterEach, describe, expect, it } from 'vitest';
import { setMembership } from '../src/auth/operators.js';
import { addOperator, ApiClient, sessionCookieOf, sessionFor, signIn } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const DAY = 86_400_000;
const NEW_PASSWORD = 'a long new passphrase';

type World = Awaited<ReturnType<typeof twoWorkspaces>>;

/** Calls a public route as a browser with no session would. */
async function anonymous(w: World, method: string, path: string, body?: unknown): Promise<Response> {
  return w.app.request(path, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
}

/** Invites through the API as `by`; answers the invitation's link path and id. */
async function invite(by: ApiClient, body: Record<string, unknown>): Promise<{ path: string; id: number; token: string }> {
  const res = await by.post('/api/team/invitations', body);
  expect(res.status, await res.clone().text()).toBe(201);
  const made = (await res.json()) as { path: string; link: string; invitation: { id: number } };
  expect(made.link.endsWith(made.path)).toBe(true);
  return { path: made.path, id: made.invitation.id, token: made.path.split('/').pop()! };
}

/** Takes up an invitation with a new password, as the link page does; answers the signed-in client. */
async function accept(w: World, token: string, password = NEW_PASSWORD): Promise<ApiClient> {
  const res = await anonymous(w, 'POST', `/api/invitations/${token}/accept`, { password });
  expect(res.status, await res.clone().text()).toBe(201);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return new ApiClient(w.app, { cookie: sessionCookieOf(res)!, csrf: csrfToken });
}

const actions = async (owner: ApiClient) => ((await owner.json('/api/audit')).entries as { action: string; detail: Record<string, unknown> }[]).map((e) => e.action);

// Each test signs in with real passwords (scrypt) a few times: slow on a loaded machine, not a hang.
describe.each(backends)('the team API on $name', { timeout: 60_000 }, (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('an owner invites an operator with groups; the link works once, signs them in to those groups, and the audit log records both', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const { token, path } = await invite(owner, { email: 'New.Op@acme.test', role: 'operator', groups: [w.tea.id] });
    expect(path).toBe(`/invite/${token}`);
    // Only the hash is kept.
    const stored = await w.db.selectFrom('operator_invitation').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(token);

    const offered = await anonymous(w, 'GET', `/api/invitations/${token}`);
    expect(await offered.json()).toEqual({ email: 'new.op@acme.test', workspace: 'Acme', role: 'operator', expiresAt: new Date(T0 + 7 * DAY).toISOString(), hasAccount: false });
    expect((await anonymous(w, 'POST', `/api/invitations/${token}/accept`, { password: 'short' })).status).toBe(400);

    const op = await accept(w, token);
    const session = await op.json('/api/auth/session');
    expect(session.operator.email).toBe('new.op@acme.test');
    expect(session.workspaces).toEqual([expect.objectContaining({ slug: 'acme', role: 'operator', groups: [w.tea.id] })]);
    expect((await op.json('/api/groups')).groups.map((g: { id: number }) => g.id)).toEqual([w.tea.id]);
    // They sign in again with the password they set.
    await signIn(w.app, 'new.op@acme.test', NEW_PASSWORD);

    // Once only: the same link is dead, for reading and for accepting.
    expect((await anonymous(w, 'GET', `/api/invitations/${token}`)).status).toBe(404);
    expect((await anonymous(w, 'POST', `/api/invitations/${token}/accept`, { password: 'another long passphrase' })).status).toBe(404);

    const team = await owner.json('/api/team');
    expect(team.members.map((m: { email: string; role: string }) => `${m.email}:${m.role}`)).toEqual(['new.op@acme.test:operator', 'owner@acme.test:owner']);
    expect(team.invitations).toEqual([expect.objectContaining({ email: 'new.op@acme.test', status: 'accepted' })]);
    expect(await actions(owner)).toEqual(expect.arrayContaining(['team.invited', 'team.invitation_accepted']));
    // Inviting someone already on the team is refused.
    expect((await owner.post('/api/team/invitations', { email: 'new.op@acme.test', role: 'analyst' })).status).toBe(400);
  });

  it('invitation links expire, can be revoked, and an existing account joins by signing in first', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const short = await invite(owner, { email: 'late@acme.test', role: 'analyst', expiresInDays: 1 });
    const revoked = await invite(owner, { email: 'changed-mind@acme.test', role: 'analyst' });
    expect((await owner.post(`/api/team/invitations/${revoked.id}/revoke`)).status).toBe(200);
    expect((await anonymous(w, 'POST', `/api/invitations/${revoked.token}/accept`, { password: NEW_PASSWORD })).status).toBe(404);

    w.clock.t = T0 + DAY + 1;
    expect((await anonymous(w, 'GET', `/api/invitations/${short.token}`)).status).toBe(404);
    expect((await anonymous(w, 'POST', `/api/invitations/${short.token}/accept`, { password: NEW_PASSWORD })).status).toBe(404);
    expect((await w.db.selectFrom('operator').select('email').where('email', 'in', ['late@acme.test', 'changed-mind@acme.test']).execute()).length).toBe(0);
    const statuses = (await owner.json('/api/team')).invitations.map((i: { email: string; status: string }) => `${i.email}:${i.status}`);
    expect(statuses).toEqual(['changed-mind@acme.test:revoked', 'late@acme.test:expired']);

    // Zeta's owner, invited to acme, cannot take it up with a password through the public link…
    const cross = await invite(owner, { email: 'zeta-owner@zeta.test', role: 'analyst' });
    expect((await anonymous(w, 'GET', `/api/invitations/${cross.token}`)).status).toBe(200);
    expect((await anonymous(w, 'POST', `/api/invitations/${cross.token}/accept`, { password: NEW_PASSWORD })).status).toBe(409);
    // …only signed in as that email (the sign-in has its rate limit), and then once.
    expect((await owner.post(`/api/invitations/${cross.token}/join`)).status).toBe(403);
    const zeta = await signIn(w.app, 'zeta-owner@zeta.test');
    expect((await zeta.post(`/api/invitations/${cross.token}/join`)).status).toBe(200);
    expect((await zeta.json('/api/workspaces')).workspaces.map((x: { slug: string; role: string }) => `${x.slug}:${x.role}`)).toEqual(['acme:analyst', 'zeta-ws:owner']);
    expect((await zeta.post(`/api/invitations/${cross.token}/join`)).status).toBe(404);
  });

  it('only owners and admins change the team; nobody raises their own role; only an owner makes or touches an owner', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const adminRow = await addOperator(w.db, { email: 'admin@acme.test', workspaceId: w.acme.id, role: 'admin' }, T0);
    const opRow = await addOperator(w.db, { email: 'op@acme.test', workspaceId: w.acme.id, role: 'operator' }, T0);
    const admin = await sessionFor(w.app, w.db, adminRow.id, T0);
    const op = await sessionFor(w.app, w.db, opRow.id, T0);

    // An operator can neither see nor change the team, their own role least of all.
    expect((await op.get('/api/team')).status).toBe(403);
    expect((await op.request('PATCH', `/api/team/members/${opRow.id}`, { role: 'owner' })).status).toBe(403);
    expect((await op.post('/api/team/invitations', { email: 'friend@acme.test', role: 'admin' })).status).toBe(403);
    expect((await op.post(`/api/team/members/${adminRow.id}/disable`)).status).toBe(403);
    // A token never manages, whatever its scopes.
    const token = await w.tokenClient(w.acmeOwner.id, ['read', 'act', 'configure']);
    expect((await token.get('/api/team')).status).toBe(403);

    // An admin cannot make themselves (or anyone) an owner, nor touch the owner.
    expect((await admin.request('PATCH', `/api/team/members/${adminRow.id}`, { role: 'owner' })).status).toBe(403);
    expect((await admin.request('PATCH', `/api/team/members/${opRow.id}`, { role: 'owner' })).status).toBe(403);
    expect((await admin.request('PATCH', `/api/team/members/${w.acmeOwner.id}`, { role: 'analyst' })).status).toBe(403);
    expect((await admin.post(`/api/team/members/${w.acmeOwner.id}/disable`)).status).toBe(403);
    expect((await admin.post('/api/team/invitations', { email: 'boss@acme.test', role: 'owner' })).status).toBe(403);
    // The owner cannot change their own role or disable themselves either.
    expect((await owner.request('PATCH', `/api/team/members/${w.acmeOwner.id}`, { role: 'admin' })).status).toBe(403);
    expect((await owner.post(`/api/team/members/${w.acmeOwner.id}/disable`)).status).toBe(403);
    expect(await w.db.selectFrom('workspace_member').select(['operator_id', 'role']).where('workspace_id', '=', w.acme.id).orderBy('operator_id').execute()).toEqual([
      { operator_id: w.acmeOwner.id, role: 'owner' },
      { operator_id: adminRow.id, role: 'admin' },
      { operator_id: opRow.id, role: 'operator' },
    ]);

    // An admin may narrow an operator to two groups; the operator's next call sees only those.
    const changed = await admin.request('PATCH', `/api/team/members/${opRow.id}`, { role: 'analyst', groups: [w.tea.id, w.books.id] });
    expect(changed.status).toBe(200);
    expect((await changed.json()).member).toMatchObject({ role: 'analyst', groups: [w.tea.id, w.books.id].sort((a, b) => a - b) });
    expect((await op.json('/api/groups')).groups.map((g: { id: number }) => g.id)).toEqual([w.tea.id, w.books.id]);
    expect((await op.post(`/api/sandbox/groups/${w.tea.id}/say`, { member: 'op', text: 'hi' })).status).toBe(403);
    expect((await admin.request('PATCH', `/api/team/members/${adminRow.id}`, { role: 'admin', groups: [w.tea.id] })).status).toBe(403);
    expect((await owner.request('PATCH', `/api/team/members/${adminRow.id}`, { role: 'admin', groups: [w.tea.id] })).status).toBe(400);
    // Another workspace's operator is not found here.
    expect((await owner.request('PATCH', `/api/team/members/${w.zetaOwner.id}`, { role: 'analyst' })).status).toBe(404);

    const entries = (await owner.json('/api/audit')).entries as { action: string; detail: Record<string, unknown> }[];
    expect(entries.find((e) => e.action === 'team.role_changed')?.detail).toMatchObject({ email: 'op@acme.test', from: { role: 'operator', groups: 'all' }, to: { role: 'analyst' } });
  });

  it('disabling ends every session and token at once; enabling lets them sign in again, without the old token', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const opRow = await addOperator(w.db, { email: 'op@acme.test', workspaceId: w.acme.id, role: 'operator' }, T0);
    const laptop = await sessionFor(w.app, w.db, opRow.id, T0);
    const phone = await sessionFor(w.app, w.db, opRow.id, T0);
    const script = await w.tokenClient(opRow.id, ['read', 'act']);
    for (const c of [laptop, phone, script]) expect((await c.get('/api/groups')).status).toBe(200);

    const res = await owner.post(`/api/team/members/${opRow.id}/disable`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ member: { email: 'op@acme.test', disabled: true }, sessionsEnded: 2, tokensRevoked: 1 });
    for (const c of [laptop, phone, script]) expect((await c.get('/api/groups')).status).toBe(401);
    expect((await anonymous(w, 'POST', '/api/auth/login', { email: 'op@acme.test', password: 'correct horse battery staple' })).status).toBe(401);
    expect((await owner.json('/api/team')).members.find((m: { email: string }) => m.email === 'op@acme.test').disabled).toBe(true);

    expect((await owner.post(`/api/team/members/${opRow.id}/enable`)).status).toBe(200);
    const again = await signIn(w.app, 'op@acme.test');
    expect((await again.get('/api/groups')).status).toBe(200);
    expect((await script.get('/api/groups')).status).toBe(401);
    expect(await actions(owner)).toEqual(expect.arrayContaining(['team.disabled', 'team.enabled']));

    // Someone who is also in a workspace this owner does not manage is not theirs to disable.
    await setMembership(w.db, { operatorId: opRow.id, workspaceId: w.zeta.id, role: 'operator' }, T0);
    expect((await owner.post(`/api/team/members/${opRow.id}/disable`)).status).toBe(403);
    expect((await again.get('/api/groups')).status).toBe(200);
  });
});
