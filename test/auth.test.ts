import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_EMAIL, ensureDemoOperator } from '../src/auth/demo-operator.js';
import { hashPassword, verifyPassword } from '../src/auth/password.js';
import { addOperator, ApiClient, sessionCookieOf, sessionFor, signIn, TEST_PASSWORD } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

function login(app: ApiClient['app'], email: string, password: string, init: { url?: string; headers?: Record<string, string> } = {}) {
  return app.request(init.url ?? '/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify({ email, password }),
  });
}

async function elapsed(work: () => unknown): Promise<number> {
  const t = performance.now();
  await work();
  return performance.now() - t;
}

describe.each(backends)('accounts, sessions and tokens on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  const world = () => twoWorkspaces(backend, cleanups);

  it('signs in with email and password: an HttpOnly, SameSite=Strict session cookie and a CSRF token, no secrets in the body', async () => {
    const { app, acme } = await world();
    const res = await login(app, 'Owner@Acme.test ', TEST_PASSWORD);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^hearth_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/);
    const text = await res.text();
    const body = JSON.parse(text) as { operator: { email: string }; csrfToken: string; workspaces: { slug: string; role: string }[] };
    expect(body.operator.email).toBe('owner@acme.test');
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.workspaces).toEqual([expect.objectContaining({ id: acme.id, slug: 'acme', role: 'owner', groups: 'all' })]);
    expect(text).not.toContain(sessionCookieOf(res)!);
    expect(text).not.toMatch(/scrypt|password_hash|token_hash/);
    // Over HTTPS the cookie is Secure too.
    const https = await login(app, 'owner@acme.test', TEST_PASSWORD, { url: 'https://hearth.example/api/auth/login' });
    expect(https.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('answers a wrong password and an unknown email alike, in about the same time', async () => {
    const { app } = await world();
    const wrong = await login(app, 'owner@acme.test', 'not the password at all');
    const unknown = await login(app, 'nobody@acme.test', 'not the password at all');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await wrong.json()).toEqual({ error: 'wrong email or password' });
    expect(await unknown.json()).toEqual({ error: 'wrong email or password' });
    expect(wrong.headers.get('set-cookie')).toBeNull();
    // Both run one scrypt verification; neither returns early.
    const known: number[] = [];
    const missing: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await elapsed(() => login(app, 'owner@acme.test', `wrong-${i}-password`)));
      missing.push(await elapsed(() => login(app, `nobody${i}@acme.test`, `wrong-${i}-password`)));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
    expect(median(missing)).toBeGreaterThan(median(known) / 3);
    expect(median(missing)).toBeLessThan(median(known) * 3);
  });

  it('takes sign-in only as JSON (an HTML form from another site cannot sign a browser in)', async () => {
    const { app } = await world();
    const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ email: 'owner@acme.test', password: TEST_PASSWORD }) });
    expect(res.status).toBe(415);
    const bad = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@acme.test' }) });
    expect(bad.status).toBe(400);
  });

  it('requires the CSRF token on state-changing requests made with the cookie, and refuses other origins', async () => {
    const { app, tea } = await world();
    const api = await signIn(app, 'owner@acme.test');
    const say = `/api/sandbox/groups/${tea.id}/say`;
    const body = { member: 'ann', text: 'csrf check' };
    expect((await api.post(say, body, { csrf: false })).status).toBe(403);
    expect((await api.post(say, body, { headers: { 'x-csrf-token': 'forged' } })).status).toBe(403);
    expect((await api.post(say, body, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await api.post(say, body, { headers: { origin: 'null' } })).status).toBe(403);
    expect((await api.post(say, body)).status).toBe(200);
    expect((await api.post(say, body, { headers: { origin: 'http://localhost' } })).status).toBe(200);
    // Reads need no token, and GET /api/auth/session hands it out again (after a reload).
    const session = (await api.json('/api/auth/session')) as { csrfToken: string };
    expect(session.csrfToken).toBe((api.credentials as { csrf: string }).csrf);
  });

  it('limits failed sign-ins: the sixth try within 15 minutes gets 429 with Retry-After, even with the right password', async () => {
    const { app, clock } = await world();
    for (let i = 0; i < 5; i++) expect((await login(app, 'owner@acme.test', `guess number ${i}`)).status).toBe(401);
    const limited = await login(app, 'owner@acme.test', TEST_PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    // Other accounts from the same address are not locked by it.
    expect((await login(app, 'zeta-owner@zeta.test', TEST_PASSWORD)).status).toBe(200);
    clock.t += 15 * MINUTE + 1000;
    expect((await login(app, 'owner@acme.test', TEST_PASSWORD)).status).toBe(200);
  });

  it('signs out this session, or every session of the operator', async () => {
    const { app } = await world();
    const laptop = await signIn(app, 'owner@acme.test');
    const phone = await signIn(app, 'owner@acme.test');
    const tablet = await signIn(app, 'owner@acme.test');
    const out = await laptop.post('/api/auth/logout');
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/hearth_session=;.*Max-Age=0/);
    expect((await laptop.get('/api/groups')).status).toBe(401);
    expect((await phone.get('/api/groups')).status).toBe(200);
    const all = await phone.post('/api/auth/logout-all');
    expect(await all.json()).toEqual({ ok: true, sessionsEnded: 2 });
    expect((await phone.get('/api/groups')).status).toBe(401);
    expect((await tablet.get('/api/groups')).status).toBe(401);
  });

  it('changes the password: needs the current one, refuses a weak one, signs out the other sessions', async () => {
    const { app } = await world();
    const here = await signIn(app, 'owner@acme.test');
    const elsewhere = await signIn(app, 'owner@acme.test');
    const wrong = await here.post('/api/auth/password', { currentPassword: 'not it at all', newPassword: 'a much better passphrase' });
    expect(wrong.status).toBe(403);
    const weak = await here.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'short' });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { error: string }).error).toMatch(/^newPassword: .*10 characters/);
    const ok = await here.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'a much better passphrase' });
    expect(await ok.json()).toEqual({ ok: true, otherSessionsEnded: 1 });
    expect((await elsewhere.get('/api/groups')).status).toBe(401);
    expect((await here.get('/api/groups')).status).toBe(200);
    expect((await login(app, 'owner@acme.test', TEST_PASSWORD)).status).toBe(401);
    expect((await login(app, 'owner@acme.test', 'a much better passphrase')).status).toBe(200);
  });

  it('ends a session after a week unused, and after 30 days in any case', async () => {
    const { app, clock, db, acmeOwner } = await world();
    const idle = await signIn(app, 'owner@acme.test');
    const busy = await sessionFor(app, db, acmeOwner.id, clock.t);
    for (let day = 1; day <= 29; day++) {
      clock.t = T0 + day * DAY;
      expect((await busy.get('/api/workspaces')).status).toBe(200);
    }
    expect((await idle.get('/api/workspaces')).status).toBe(401);
    clock.t = T0 + 30 * DAY + 1;
    expect((await busy.get('/api/workspaces')).status).toBe(401);
  });

  it('stops a disabled operator at once: sign-in and existing sessions', async () => {
    const { app, db, acmeOwner } = await world();
    const api = await signIn(app, 'owner@acme.test');
    await db.updateTable('operator').set({ disabled: 1 }).where('id', '=', acmeOwner.id).execute();
    expect((await api.get('/api/groups')).status).toBe(401);
    expect(await (await login(app, 'owner@acme.test', TEST_PASSWORD)).json()).toEqual({ error: 'wrong email or password' });
  });

  it('rehashes a password made with older scrypt parameters at the next sign-in', async () => {
    const { app, db, acmeOwner } = await world();
    await db
      .updateTable('operator')
      .set({ password_hash: await hashPassword(TEST_PASSWORD, { ln: 14, r: 8, p: 1 }) })
      .where('id', '=', acmeOwner.id)
      .execute();
    expect((await login(app, 'owner@acme.test', TEST_PASSWORD)).status).toBe(200);
    const row = await db.selectFrom('operator').select('password_hash').where('id', '=', acmeOwner.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect((await login(app, 'owner@acme.test', TEST_PASSWORD)).status).toBe(200);
  });

  it('issues scoped API tokens, shown once and stored only as a hash; a read token cannot change anything; revoked is 401', async () => {
    const { app, db, tea } = await world();
    const owner = await signIn(app, 'owner@acme.test');
    const made = await owner.post('/api/tokens', { name: 'nightly report', scopes: ['read'] });
    expect(made.status).toBe(201);
    const { token, info } = (await made.json()) as { token: string; info: { id: number; prefix: string; scopes: string[] } };
    expect(token).toMatch(/^hth_[A-Za-z0-9_-]{43}$/);
    expect(info.scopes).toEqual(['read']);
    expect(token.startsWith(info.prefix)).toBe(true);
    const stored = await db.selectFrom('api_token').selectAll().where('id', '=', info.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(token);
    const listed = await (await owner.get('/api/tokens')).text();
    expect(listed).toContain('nightly report');
    expect(listed).not.toContain(token);
    expect(listed).not.toContain(stored.token_hash);

    const script = new ApiClient(app, { bearer: token });
    expect((await script.get('/api/groups')).status).toBe(200);
    expect((await script.get(`/api/groups/${tea.id}/activity`)).status).toBe(200);
    expect((await script.post(`/api/sandbox/groups/${tea.id}/say`, { member: 'bot-test', text: 'hi' })).status).toBe(403);
    expect((await script.get('/api/tokens')).status).toBe(403);
    expect((await script.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'x'.repeat(12) })).status).toBe(403);

    // An act token may act, without any CSRF header: it carries no ambient cookie.
    const actor = new ApiClient(app, { bearer: ((await (await owner.post('/api/tokens', { name: 'bot', scopes: 'read,act' })).json()) as { token: string }).token });
    expect((await actor.post(`/api/sandbox/groups/${tea.id}/say`, { member: 'bot-test', text: 'hi' })).status).toBe(200);
    // Tokens never get manage, whoever asks.
    expect((await owner.post('/api/tokens', { name: 'root', scopes: ['manage'] })).status).toBe(400);

    const revoked = await owner.post(`/api/tokens/${info.id}/revoke`);
    expect(await revoked.json()).toMatchObject({ revoked: true, token: { id: info.id, revokedAt: expect.any(String) } });
    const after = await script.get('/api/groups');
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toBe('Bearer');
    expect((await new ApiClient(app, { bearer: `hth_${'x'.repeat(43)}` }).get('/api/groups')).status).toBe(401);
    expect((await app.request('/api/groups', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });

  it("gives a token no more than its operator has now: an operator cannot mint tokens, and a demoted operator's token loses act", async () => {
    const { app, db, acme, tea, tokenClient } = await world();
    const op = await addOperator(db, { email: 'op@acme.test', workspaceId: acme.id, role: 'operator' }, T0);
    const api = await signIn(app, 'op@acme.test');
    expect((await api.post('/api/tokens', { name: 'mine', scopes: ['read'] })).status).toBe(403);
    const script = await tokenClient(op.id, ['read', 'act']);
    expect((await script.post(`/api/sandbox/groups/${tea.id}/say`, { member: 'x1', text: 'hi' })).status).toBe(200);
    await db.updateTable('workspace_member').set({ role: 'analyst' }).where('operator_id', '=', op.id).execute();
    expect((await script.post(`/api/sandbox/groups/${tea.id}/say`, { member: 'x1', text: 'hi' })).status).toBe(403);
    expect((await script.get(`/api/groups/${tea.id}`)).status).toBe(200);
  });
  it('creates the demo operator once (owner of the demo), never regenerates it, and lets HEARTH_DEMO_PASSWORD win', async () => {
    const { db, acme } = await world();
    const first = await ensureDemoOperator(db, acme.id, undefined, T0);
    expect(first).toMatchObject({ kind: 'created', generated: true, password: expect.stringMatching(/^[A-Za-z0-9]{18}$/) });
    expect(await ensureDemoOperator(db, acme.id, undefined, T0)).toEqual({ kind: 'existing', passwordFromEnv: false });
    const row = await db
      .selectFrom('operator')
      .innerJoin('workspace_member', 'workspace_member.operator_id', 'operator.id')
      .select(['password_hash', 'role'])
      .where('email', '=', DEMO_EMAIL)
      .executeTakeFirstOrThrow();
    expect(row.role).toBe('owner');
    expect((await verifyPassword((first as { password: string }).password, row.password_hash)).ok).toBe(true);
    expect(await ensureDemoOperator(db, acme.id, 'from-the-env', T0)).toEqual({ kind: 'existing', passwordFromEnv: true });
    const after = await db.selectFrom('operator').select('password_hash').where('email', '=', DEMO_EMAIL).executeTakeFirstOrThrow();
    expect((await verifyPassword('from-the-env', after.password_hash)).ok).toBe(true);
  });
});
