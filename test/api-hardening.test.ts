import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/database.js';
import { signIn, TEST_PASSWORD } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const MINUTE = 60_000;

describe.each(backends)('the API under probing on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('100 wrong passwords sent at once: only the allowed 5 are checked, 95 are refused as throttled, and then the right one too until the window passes', { timeout: 120_000 }, async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const login = (password: string) =>
      w.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@acme.test', password }) });
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => login(`wrong guess ${i}`)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(95);
    // Each checked password is one failed sign-in in the account's audit log; the refused ones never reached a check.
    const failed = await w.db.selectFrom('audit_log').select('id').where('action', '=', 'auth.login_failed').where('target_id', '=', String(w.acmeOwner.id)).execute();
    expect(failed).toHaveLength(5);

    const right = await login(TEST_PASSWORD);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    w.clock.t += 15 * MINUTE + 1000;
    expect((await login(TEST_PASSWORD)).status).toBe(200);
  });

  it('every /api answer says Cache-Control: no-store, errors included', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await signIn(w.app, 'owner@acme.test');
    const answers: [string, Response][] = [
      ['signed-in list', await owner.get('/api/groups')],
      ['signed-in read', await owner.get(`/api/groups/${w.tea.id}`)],
      ['a group of another workspace', await owner.get(`/api/groups/${w.zetaLounge.id}`)],
      ['the session', await owner.get('/api/auth/session')],
      ['a change', await owner.post(`/api/sandbox/groups/${w.tea.id}/say`, { member: 'ann', text: 'hello again' })],
      ['a bad body', await owner.post('/api/automations', { kind: 'nonsense' })],
      ['no session', await w.app.request('/api/groups')],
      ['wrong password', await w.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"nobody@acme.test","password":"x"}' })],
      ['setup after setup', await w.app.request('/api/setup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })],
      ['an unknown route', await owner.get('/api/no-such-thing')],
      ['the reference', await w.app.request('/api/openapi.json')],
    ];
    expect(new Set(answers.map(([, r]) => r.status))).toEqual(new Set([200, 404, 400, 401, 410]));
    for (const [label, res] of answers) expect(res.headers.get('cache-control'), label).toBe('no-store');
    // Outside the API the header is left to whoever serves it.
    expect((await w.app.request('/healthz')).headers.get('cache-control')).toBeNull();
  });
});

describe('the SQLite database on disk', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a row (so the -wal and -shm files exist), then reads the three files' permissions. */
  async function modesAfterWrite(file: string): Promise<string[]> {
    const store = await openStore({ kind: 'sqlite', file });
    try {
      await store.db.insertInto('workspace').values({ slug: 'tea', name: 'Tea', created_at: T0 }).execute();
      return [file, `${file}-wal`, `${file}-shm`].map((path) => (statSync(path).mode & 0o777).toString(8));
    } finally {
      await store.close();
    }
  }

  it('is created readable by its owner only, its -wal and -shm files too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-file-mode-'));
    dirs.push(dir);
    expect(await modesAfterWrite(join(dir, 'data', 'hearth.db'))).toEqual(['600', '600', '600']);
  });

  it('is narrowed to its owner when an older install left it readable by everyone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-file-mode-'));
    dirs.push(dir);
    const file = join(dir, 'hearth.db');
    await (await openStore({ kind: 'sqlite', file })).close();
    chmodSync(file, 0o644);
    writeFileSync(`${file}-wal`, '');
    chmodSync(`${file}-wal`, 0o644);
    expect(await modesAfterWrite(file)).toEqual(['600', '600', '600']);
  });
});
