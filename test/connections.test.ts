import { createServer, type AddressInfo, type Socket } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionSupervisor } from '../src/connections/connection-supervisor.js';
import { addOperator, sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { FakeBotApi } from './helpers/fake-bot-api.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const TOKEN = '987654321:ACME-very-secret-token';

describe.each(backends)('platform connections through the API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('adds, lists, pauses, resumes and removes a connection; its credentials never come back', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    // The token is checked with Telegram (getMe) before anything is stored: here, a local fake Bot API.
    const fake = await FakeBotApi.start({ token: TOKEN });
    cleanups.push(() => fake.close());
    const added = await owner.post('/api/connections', { platform: 'telegram', name: 'main-bot', settings: { token: TOKEN, mode: 'polling', apiRoot: fake.apiRoot } });
    const addedText = await added.text();
    expect(added.status, addedText).toBe(201);
    expect(addedText).not.toContain('ACME-very-secret');
    const { connection } = JSON.parse(addedText) as { connection: { id: number; status: string } };
    expect(connection.status).toBe('active');

    const listed = await owner.get('/api/connections');
    const listedText = await listed.text();
    // No server process has opened it (this app runs no connections): it is still to connect.
    expect(JSON.parse(listedText)).toEqual({
      connections: [expect.objectContaining({ id: connection.id, platform: 'telegram', name: 'main-bot', status: 'active', health: { state: 'connecting' } })],
    });
    expect(listedText).not.toContain('ACME-very-secret');

    expect((await (await owner.post(`/api/connections/${connection.id}/pause`)).json()).connection.status).toBe('paused');
    expect((await (await owner.post(`/api/connections/${connection.id}/resume`)).json()).connection.status).toBe('active');
    expect((await owner.request('DELETE', `/api/connections/${connection.id}`)).status).toBe(200);
    expect((await (await owner.get('/api/connections')).json()).connections).toEqual([]);

    const audit = await w.db.selectFrom('audit_log').select('action').where('workspace_id', '=', w.acme.id).where('action', 'like', 'connection.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['connection.added', 'connection.paused', 'connection.resumed', 'connection.removed']);
    const stored = await w.db.selectFrom('connection').select('config').execute();
    for (const row of stored) expect(row.config).not.toContain('secret-token');
  });

  it('names what is wrong with bad settings without echoing them, and stores nothing', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const res = await owner.post('/api/connections', {
      platform: 'telegram',
      name: 'bad',
      settings: { token: 'not a token with a secret-ish value', mode: 'webhook', webhookSecret: 'no spaces allowed' },
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: string };
    expect(error).toMatch(/token: a bot token looks like/);
    expect(error).toMatch(/webhookSecret/);
    expect(error).not.toContain('secret-ish');
    expect((await owner.post('/api/connections', { platform: 'sandbox', name: 'x', settings: {} })).status).toBe(400);
    expect(await w.db.selectFrom('connection').select('id').where('workspace_id', '=', w.acme.id).execute()).toEqual([]);
  });

  it('lets only roles that configure touch connections', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const op = await addOperator(w.db, { email: 'op@acme.test', workspaceId: w.acme.id, role: 'operator' }, T0);
    const operator = await sessionFor(w.app, w.db, op.id, T0);
    expect((await operator.get('/api/connections')).status).toBe(403);
    expect((await operator.post('/api/connections', { platform: 'telegram', name: 'x', settings: { token: TOKEN, mode: 'polling' } })).status).toBe(403);
  });
});

describe('what each platform can do', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('GET /api/platforms lists every platform with its capabilities: WeChat cannot mute or ban, Telegram can', async () => {
    const w = await twoWorkspaces(backends[0]!, cleanups);
    await addOperator(w.db, { email: 'analyst@acme.test', workspaceId: w.acme.id, role: 'analyst' }, T0);
    const analyst = await sessionFor(w.app, w.db, (await w.db.selectFrom('operator').select('id').where('email', '=', 'analyst@acme.test').executeTakeFirstOrThrow()).id, T0);
    const res = await analyst.get('/api/platforms');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { capabilities: string[]; platforms: { platform: string; connectable: boolean; capabilities: string[]; maxTextLength?: number }[] };
    expect(body.platforms.map((p) => p.platform)).toEqual(['sandbox', 'telegram', 'wechat', 'discord']);
    const of = (name: string) => body.platforms.find((p) => p.platform === name)!;
    expect(of('wechat').capabilities).not.toContain('mute');
    expect(of('wechat').capabilities).not.toContain('ban');
    expect(of('wechat').capabilities).toContain('send');
    expect(of('telegram').capabilities).toEqual(expect.arrayContaining(['send', 'mute', 'ban', 'delete', 'invite_link']));
    expect(of('discord').maxTextLength).toBe(2000);
    expect(of('sandbox').connectable).toBe(false);
    expect(body.capabilities).toEqual(expect.arrayContaining(['read_messages', 'send_unattended', 'send_confirmed']));
    expect((await w.app.request('/api/platforms')).status).toBe(401);
  });
});

describe('a connection whose platform cannot be reached', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('is failing with the reason — a Bot API that never answers, a WeChat puppet not installed — while the others run, and is retried', async () => {
    const w = await twoWorkspaces(backends[0]!, cleanups);
    // Accepts connections and never answers a byte.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), silent.close(() => resolve()))));
    const port = (silent.address() as AddressInfo).port;
    const hung = await w.connections.add({ workspaceId: w.acme.id, platform: 'telegram', name: 'hung-api', settings: { token: TOKEN, mode: 'polling', apiRoot: `http://127.0.0.1:${port}` } });
    const puppetless = await w.connections.add({
      workspaceId: w.acme.id,
      platform: 'wechat',
      name: 'no-puppet',
      settings: { puppet: 'wechaty-puppet-not-installed-here', puppetOptions: { token: 'puppet-secret-value' } },
    });
    const webhook = await w.connections.add({ workspaceId: w.acme.id, platform: 'telegram', name: 'by-webhook', settings: { token: TOKEN, mode: 'webhook', webhookSecret: 'hook-secret' } });
    await w.connections.setStatus(w.zetaConnection.id, 'paused');

    const supervisor = new ConnectionSupervisor(w.runtime, w.connections, {
      receive: { poll: true, webhook: true },
      logger: pino({ level: 'silent' }),
      retry: { baseMs: 200, maxMs: 400 },
      startTimeoutMs: 300,
    });
    cleanups.push(() => supervisor.close());
    const opening = Date.now();
    await supervisor.openAll();
    expect(Date.now() - opening, 'opening does not wait for any platform').toBeLessThan(250);
    // Registered for the dispatcher at once, whatever their platform says.
    expect([...w.runtime.connections.keys()].sort()).toEqual([hung.id, puppetless.id, webhook.id].sort());
    await Promise.all([hung.id, puppetless.id, webhook.id].map((id) => supervisor.settled(id)));

    const health = async (id: number) => (await w.connections.summary(id)).health;
    expect(await health(webhook.id)).toMatchObject({ state: 'running' });
    expect(await health(w.zetaConnection.id)).toEqual({ state: 'paused' });
    const stuck = await health(hung.id);
    expect(stuck).toMatchObject({ state: 'failing', lastError: expect.stringContaining('did not answer') });
    // On the runtime's clock: the retry is due after the failure was recorded.
    expect(Date.parse(stuck.retryAt!)).toBeGreaterThan(Date.parse(stuck.since!));
    const missing = await health(puppetless.id);
    expect(missing).toMatchObject({ state: 'failing', lastError: expect.stringContaining('npm install wechaty-puppet-not-installed-here') });
    expect(missing.lastError).not.toContain('puppet-secret-value');

    // Retried with exponential backoff (200 ms, then 400 ms, the cap): the wait it records doubles.
    const wait = (h: { retryAt?: string; since?: string }) => Date.parse(h.retryAt!) - Date.parse(h.since!);
    expect([200, 400]).toContain(wait(missing));
    const later = Date.now() + 5_000;
    while (wait(await health(puppetless.id)) !== 400 && Date.now() < later) await new Promise((r) => setTimeout(r, 50));
    expect(await health(puppetless.id)).toMatchObject({ state: 'failing', lastError: expect.stringContaining('npm install') });
    expect(wait(await health(puppetless.id))).toBe(400);

    // A worker process opens the bots to send through them but receives for none: it leaves their health alone.
    const workerHost = { connections: new Map(), clock: w.runtime.clock, log: pino({ level: 'silent' }), receive: async () => {}, moveGroup: async () => ({ status: 'nothing-to-move' as const }) };
    const worker = new ConnectionSupervisor(workerHost, w.connections, { receive: { poll: false, webhook: false }, logger: pino({ level: 'silent' }) });
    cleanups.push(() => worker.close());
    await worker.openAll();
    await worker.settled(hung.id);
    expect(workerHost.connections.has(hung.id)).toBe(true);
    expect(workerHost.connections.has(puppetless.id), 'a WeChat account sends only where it runs').toBe(false);
    expect(await health(hung.id)).toMatchObject({ state: 'failing' });

    // Paused by an operator: stopped here, no more retries.
    await w.connections.setStatus(puppetless.id, 'paused');
    await supervisor.reload(puppetless.id);
    expect(w.runtime.connections.has(puppetless.id)).toBe(false);
    expect(await health(puppetless.id)).toEqual({ state: 'paused' });
  });
});
