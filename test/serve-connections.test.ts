import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createNetServer, connect, type AddressInfo, type Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { ConnectionStore } from '../src/connections/connection-store.js';
import { SecretBox } from '../src/connections/secret-box.js';
import { startServer } from '../src/server/serve.js';
import { openStore } from '../src/store/database.js';
import { setUpWorkspace } from '../src/runtime/workspace-setup.js';
import { addOperator, signIn } from './helpers/auth-fixture.js';
import { FakeBotApi } from './helpers/fake-bot-api.js';

const TOKEN = '555000222:serve-test-token_abcdefghijklm';
const chat = { id: -1006660001, type: 'supergroup', title: 'Evening Runners' };
const ida = { id: 6660001, is_bot: false, first_name: 'Ida' };

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('hearth serve with a Telegram connection', { timeout: 60_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-serve-conn-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('polls the bot, runs the welcome through the pipeline and sends it back to Telegram', async () => {
    const fake = await FakeBotApi.start({ token: TOKEN });
    const config = loadConfig({ HEARTH_DATA_DIR: dataDir, HEARTH_DEMO: '0', HEARTH_LOG_LEVEL: 'silent' });
    // Set up as an operator would before starting the server: a workspace and a connection.
    const store = await openStore(config.database);
    const ws = await setUpWorkspace(store.db, 'runners');
    await new ConnectionStore(store.db, new SecretBox(config.secret)).add({
      workspaceId: ws.id,
      platform: 'telegram',
      name: 'runners-bot',
      settings: { token: TOKEN, mode: 'polling', apiRoot: fake.apiRoot },
    });
    await store.close();

    const server = await startServer(config, { port: 0, roles: ['web', 'worker', 'bots'], hostname: '127.0.0.1' });
    try {
      fake.queueUpdates({
        chat_member: {
          chat,
          from: ida,
          date: Math.floor(Date.now() / 1000),
          old_chat_member: { status: 'left', user: ida },
          new_chat_member: { status: 'member', user: ida },
          invite_link: { invite_link: 'https://t.me/+x', name: 'spring-poster', creator: ida, creates_join_request: false, is_primary: false, is_revoked: false },
        },
      });
      const sent = await until(
        async () => fake.callsTo('sendMessage'),
        (calls) => calls.length > 0,
      );
      expect(sent[0]!.payload).toMatchObject({ chat_id: chat.id });
      expect(String(sent[0]!.payload.text)).toContain('Welcome Ida to Evening Runners');
      const membership = await server.runtime.store.db.selectFrom('membership').select(['join_method', 'code']).executeTakeFirstOrThrow();
      expect(membership).toEqual({ join_method: 'link', code: 'spring-poster' });
    } finally {
      await server.close();
      await fake.close();
    }
  });
});

/** A port nothing listens on yet: bound, read, and closed again. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Makes `port` reach `target` (the fake Bot API coming up at the address the connection was given). */
async function forward(port: number, target: number): Promise<NetServer> {
  const server = createNetServer((socket) => {
    const upstream = connect(target, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    const drop = () => (socket.destroy(), upstream.destroy());
    socket.on('error', drop);
    upstream.on('error', drop);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

describe('hearth serve with a Telegram connection whose API cannot be reached', { timeout: 60_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-serve-down-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('listens at once, shows the connection failing with the reason, and runs it once the Bot API answers', async () => {
    const port = await closedPort();
    const config = loadConfig({ HEARTH_DATA_DIR: dataDir, HEARTH_DEMO: '0', HEARTH_LOG_LEVEL: 'silent' });
    const store = await openStore(config.database);
    const ws = await setUpWorkspace(store.db, 'runners');
    const connections = new ConnectionStore(store.db, new SecretBox(config.secret));
    const down = await connections.add({ workspaceId: ws.id, platform: 'telegram', name: 'unreachable-bot', settings: { token: TOKEN, mode: 'polling', apiRoot: `http://127.0.0.1:${port}` } });
    await store.close();

    const started = Date.now();
    const server = await startServer(config, { port: 0, roles: ['web', 'worker', 'bots'], hostname: '127.0.0.1', connections: { retry: { baseMs: 300, maxMs: 600 } } });
    let fake: FakeBotApi | undefined;
    let tunnel: NetServer | undefined;
    try {
      expect(Date.now() - started, 'start-up is not held by the unreachable platform').toBeLessThan(10_000);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const store = new ConnectionStore(server.runtime.store.db, new SecretBox(config.secret));
      const failing = await until(
        () => store.summary(down.id),
        (c) => c.health.state === 'failing',
      );
      expect(failing.health.lastError).toMatch(/getMe|ECONNREFUSED|Network request/i);
      expect(failing.health.lastError).not.toContain(TOKEN.split(':')[1]);
      expect(Date.parse(failing.health.retryAt!)).toBeGreaterThan(Date.parse(failing.health.since!) - 1);

      // The Bot API comes up at the address the connection was given: the next retry runs it.
      fake = await FakeBotApi.start({ token: TOKEN });
      tunnel = await forward(port, Number(new URL(fake.apiRoot).port));
      await until(
        () => store.summary(down.id),
        (c) => c.health.state === 'running',
      );
      fake.queueUpdates({ chat_member: { chat, from: ida, date: Math.floor(Date.now() / 1000), old_chat_member: { status: 'left', user: ida }, new_chat_member: { status: 'member', user: ida } } });
      const sent = await until(
        async () => fake!.callsTo('sendMessage'),
        (calls) => calls.length > 0,
      );
      expect(String(sent[0]!.payload.text)).toContain('Welcome Ida');
    } finally {
      await server.close();
      tunnel?.close();
      await fake?.close();
    }
  });

  it('refuses at once a connection whose Bot API cannot be reached: 502 naming it, nothing stored', async () => {
    const port = await closedPort();
    const config = loadConfig({ HEARTH_DATA_DIR: mkdtempSync(join(tmpdir(), 'hearth-serve-add-')), HEARTH_DEMO: '0', HEARTH_LOG_LEVEL: 'silent' });
    const store = await openStore(config.database);
    const ws = await setUpWorkspace(store.db, 'runners');
    await addOperator(store.db, { email: 'owner@runners.test', workspaceId: ws.id, role: 'owner' }, Date.now());
    await store.close();
    const server = await startServer(config, { port: 0, roles: ['web', 'worker', 'bots'], hostname: '127.0.0.1', connections: { retry: { baseMs: 60_000 } } });
    try {
      const app = { request: (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init) } as unknown as Parameters<typeof signIn>[0];
      const owner = await signIn(app, 'owner@runners.test');
      const asked = Date.now();
      const added = await owner.post('/api/connections', { platform: 'telegram', name: 'dead-api', settings: { token: TOKEN, mode: 'polling', apiRoot: `http://127.0.0.1:${port}` } });
      expect(added.status).toBe(502);
      expect(((await added.json()) as { error: string }).error).toMatch(/telegram getMe/);
      expect(Date.now() - asked).toBeLessThan(5_000);
      expect(((await (await owner.get('/api/connections')).json()) as { connections: unknown[] }).connections).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
