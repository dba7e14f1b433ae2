import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { completeSetup, createFirstOwner, issueSetupToken, SetupError } from '../src/auth/first-run-setup.js';
import { hashPassword } from '../src/auth/password.js';
import { loadConfig } from '../src/config/env.js';
import { openStore } from '../src/store/database.js';
import { startServer, type RunningServer } from '../src/server/serve.js';
import { backends } from './helpers/backends.js';

const OWNER_PASSWORD = 'a long and private passphrase';

describe('first run with the demo off: the owner and the workspace are made in the browser, behind the printed token', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-first-run-'));
  const printed: string[] = [];
  let server: RunningServer;

  beforeAll(async () => {
    const config = loadConfig({ HEARTH_DATA_DIR: dataDir, HEARTH_DEMO: '0', HEARTH_LOG_LEVEL: 'silent' });
    server = await startServer(config, { port: 0, roles: ['web'], hostname: '127.0.0.1', print: (line) => printed.push(line) });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, body?: unknown, cookie?: string) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('prints a one-time setup link and no password; the token works once, for one owner, and then setup is gone', async () => {
    const output = printed.join('\n');
    const link = /(http:\/\/\S+)\/setup#token=([A-Za-z0-9_-]{32})\s*$/m.exec(output);
    expect(link, output).not.toBeNull();
    expect(link![1]).toBe(server.url);
    const token = link![2]!;
    expect(output).not.toMatch(/password\s+\S+$/im);
    expect(output).not.toContain('Sign in as');
    expect(await server.runtime.store.db.selectFrom('setup_token').select('token_hash').execute()).not.toContainEqual({ token_hash: token });

    // Setup is needed, and nobody can sign in meanwhile.
    const state = await call('GET', '/api/setup');
    expect(state.headers.get('cache-control')).toBe('no-store');
    expect(await state.json()).toEqual({ needed: true });
    expect((await call('POST', '/api/auth/login', { email: 'owner@tea.example', password: OWNER_PASSWORD })).status).toBe(401);

    // Without the token, or with another one, a stranger gets nothing.
    const form = { email: 'owner@tea.example', password: OWNER_PASSWORD, workspace: 'Tea Lovers' };
    expect((await call('POST', '/api/setup', form)).status).toBe(400);
    const guessed = await call('POST', '/api/setup', { ...form, token: 'A'.repeat(32) });
    expect(guessed.status).toBe(403);
    expect((await guessed.json()).error).toMatch(/setup token is wrong or has expired/);
    expect((await call('POST', '/api/setup', { ...form, token, password: 'short' })).status).toBe(400);
    expect(await server.runtime.store.db.selectFrom('operator').select('id').execute()).toEqual([]);

    // Four tabs submit at once: one owner is made, the others are told setup is done.
    const attempts = await Promise.all(['owner@tea.example', 'second@tea.example', 'third@tea.example', 'fourth@tea.example'].map((email) => call('POST', '/api/setup', { ...form, email, token })));
    expect(attempts.map((r) => r.status).sort()).toEqual([201, 410, 410, 410]);
    const made = attempts.find((r) => r.status === 201)!;
    const body = await made.json();
    const operators = await server.runtime.store.db.selectFrom('operator').select('email').execute();
    expect(operators).toEqual([{ email: body.operator.email }]);
    expect(body.workspace).toMatchObject({ slug: 'tea-lovers', name: 'Tea Lovers' });
    expect(body.workspaces).toEqual([expect.objectContaining({ slug: 'tea-lovers', role: 'owner' })]);

    // The answer signed the owner in: the session cookie reaches their new workspace.
    const cookie = /hearth_session=[^;]+/.exec(made.headers.get('set-cookie') ?? '')![0];
    const workspaces = await (await call('GET', '/api/workspaces', undefined, cookie)).json();
    expect(workspaces.workspaces).toEqual([expect.objectContaining({ slug: 'tea-lovers', name: 'Tea Lovers' })]);

    // Setup is over: the state says so, the token is spent, a new token is never issued.
    expect(await (await call('GET', '/api/setup')).json()).toEqual({ needed: false });
    const again = await call('POST', '/api/setup', { ...form, email: 'late@tea.example', token });
    expect(again.status).toBe(410);
    expect(again.headers.get('cache-control')).toBe('no-store');
    expect(await server.runtime.store.db.selectFrom('setup_token').select('token_hash').execute()).toEqual([]);
    expect(await issueSetupToken(server.runtime.store.db, Date.now())).toBeNull();

    // The owner signs in with the password they chose; the audit log says setup made them.
    expect((await call('POST', '/api/auth/login', { email: body.operator.email, password: OWNER_PASSWORD })).status).toBe(200);
    const audit = await server.runtime.store.db.selectFrom('audit_log').select(['action', 'actor_label']).where('action', '=', 'operator.created').execute();
    expect(audit).toEqual([{ action: 'operator.created', actor_label: 'first-run setup' }]);
    // Nothing printed since start-up holds the password either.
    expect(printed.join('\n')).not.toContain(OWNER_PASSWORD);
  });
});

describe.each(backends)('first-run setup in the store on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('two web processes printed two tokens, and both are used at once: exactly one owner, the other refused', async () => {
    const made = backend.create();
    const store = await openStore(made.target);
    cleanups.push(made.cleanup, () => store.close());
    const now = Date.now();
    // History imported with the CLI before the first start: the owner owns it too.
    await store.db.insertInto('workspace').values({ slug: 'imported', name: 'Imported', created_at: now }).execute();
    const [first, second] = [(await issueSetupToken(store.db, now))!, (await issueSetupToken(store.db, now))!];
    // Hashed once beforehand, so the eight transactions truly overlap.
    const passwordHash = await hashPassword(OWNER_PASSWORD);
    const results = await Promise.allSettled(
      [first, second, first, second, first, second, first, second].map((token, i) =>
        createFirstOwner(store.db, store.dialect, { token, email: `owner${i}@example.org`, passwordHash, workspaceName: '茶友会' }, now),
      ),
    );
    const done = results.filter((r) => r.status === 'fulfilled');
    expect(done).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(SetupError);
    expect(await store.db.selectFrom('operator').select('id').execute()).toHaveLength(1);
    const memberships = await store.db
      .selectFrom('workspace_member')
      .innerJoin('workspace', 'workspace.id', 'workspace_member.workspace_id')
      .select(['workspace.slug', 'workspace_member.role'])
      .orderBy('workspace.slug')
      .execute();
    // A name without Latin letters gets the slug `main`; its name is kept as written.
    expect(memberships).toEqual([
      { slug: 'imported', role: 'owner' },
      { slug: 'main', role: 'owner' },
    ]);
    expect(await store.db.selectFrom('workspace').select('name').where('slug', '=', 'main').executeTakeFirstOrThrow()).toEqual({ name: '茶友会' });
  });

  it('refuses an expired token', async () => {
    const made = backend.create();
    const store = await openStore(made.target);
    cleanups.push(made.cleanup, () => store.close());
    const issued = Date.now();
    const token = (await issueSetupToken(store.db, issued))!;
    const late = issued + 24 * 3_600_000 + 1;
    await expect(completeSetup(store.db, store.dialect, { token, email: 'owner@example.org', password: OWNER_PASSWORD, workspaceName: 'Tea' }, late)).rejects.toMatchObject({ reason: 'token' });
    expect(await store.db.selectFrom('operator').select('id').execute()).toEqual([]);
  });
});
