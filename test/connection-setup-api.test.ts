import QRCode from 'qrcode';
import { afterEach, describe, expect, it } from 'vitest';
import { mock } from 'wechaty-puppet-mock';
import { openContextFor } from '../src/platforms/connection-host.js';
import { wechatPlatform } from '../src/platforms/wechat/wechat-platform.js';
import { SandboxService } from '../src/runtime/sandbox-service.js';
import { createApp } from '../src/server/app.js';
import { sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { FakeBotApi } from './helpers/fake-bot-api.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const TOKEN = '700000001:ACME-connection-setup-token';
const PUBLIC_URL = 'https://hearth.acme.test';

/** The acme owner on an app that knows its public URL (HEARTH_PUBLIC_URL), or not. */
async function ownerOf(w: Awaited<ReturnType<typeof twoWorkspaces>>, publicUrl?: string) {
  const app = createApp({
    runtime: w.runtime,
    clock: w.clock.now,
    connections: w.connections,
    ...(publicUrl ? { publicUrl } : {}),
    sandbox: (ws) => new SandboxService(w.runtime, ws, w.clock),
    logError: (e) => console.error(e),
  });
  return sessionFor(app, w.db, w.acmeOwner.id, T0);
}

const storedIn = async (w: Awaited<ReturnType<typeof twoWorkspaces>>) => w.db.selectFrom('connection').select('name').where('workspace_id', '=', w.acme.id).execute();

describe.each(backends)('adding a connection checks it with the platform first, on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('a token Telegram refuses answers 400 naming the problem, stores nothing and registers no webhook; an unreachable API answers 502', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const fake = await FakeBotApi.start({ token: TOKEN });
    cleanups.push(() => fake.close());
    const owner = await ownerOf(w, PUBLIC_URL);

    const wrong = await owner.post('/api/connections', { platform: 'telegram', name: 'wrong-token', settings: { token: '700000001:ACME-some-other-token-value', apiRoot: fake.apiRoot } });
    const text = await wrong.text();
    expect(wrong.status, text).toBe(400);
    expect(JSON.parse(text).error).toMatch(/telegram getMe: Telegram does not accept this bot token/);
    expect(text).not.toContain('some-other-token');
    expect(fake.callsTo('getMe')).toHaveLength(1);
    expect(fake.callsTo('setWebhook')).toEqual([]);

    const closed = await FakeBotApi.start();
    const deadRoot = closed.apiRoot;
    await closed.close();
    const unreachable = await owner.post('/api/connections', { platform: 'telegram', name: 'no-api', settings: { token: TOKEN, apiRoot: deadRoot } });
    expect(unreachable.status).toBe(502);
    expect((await unreachable.json()).error).toMatch(/telegram getMe/);

    // Telegram refuses the webhook: the connection it was for is not kept either.
    fake.failNext(1, { code: 400, description: 'Bad Request: bad webhook: HTTPS url must be provided for webhook' }, ['setWebhook']);
    const badHook = await owner.post('/api/connections', { platform: 'telegram', name: 'bad-hook', settings: { token: TOKEN, apiRoot: fake.apiRoot } });
    expect(badHook.status).toBe(400);
    expect((await badHook.json()).error).toMatch(/setWebhook: Bad Request: bad webhook/);

    expect(await storedIn(w)).toEqual([]);
    expect((await (await owner.get('/api/connections')).json()).connections).toEqual([]);
  });

  it('with a public URL: setWebhook with a generated secret, stored and never shown; pausing and removing call deleteWebhook, resuming sets it again', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const fake = await FakeBotApi.start({ token: TOKEN });
    cleanups.push(() => fake.close());
    const owner = await ownerOf(w, PUBLIC_URL);

    const added = await owner.post('/api/connections', { platform: 'telegram', name: 'hooked', settings: { token: TOKEN, apiRoot: fake.apiRoot } });
    const addedText = await added.text();
    expect(added.status, addedText).toBe(201);
    const { connection } = JSON.parse(addedText) as { connection: { id: number } };
    const [set] = fake.callsTo('setWebhook');
    expect(set?.payload).toMatchObject({ url: `${PUBLIC_URL}/hooks/telegram/${connection.id}`, secret_token: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/) });
    // The secret Telegram was given is the one stored, and never leaves through the API.
    const stored = await w.connections.get(connection.id);
    expect(stored.settings).toMatchObject({ mode: 'webhook', webhookSecret: set!.payload.secret_token, botUsername: 'hearth_test_bot' });
    expect(addedText).not.toContain(String(set!.payload.secret_token));
    expect(await (await owner.get('/api/connections')).text()).not.toContain(String(set!.payload.secret_token));

    expect((await owner.post(`/api/connections/${connection.id}/pause`)).status).toBe(200);
    expect(fake.callsTo('deleteWebhook')).toHaveLength(1);
    expect((await owner.post(`/api/connections/${connection.id}/resume`)).status).toBe(200);
    expect(fake.callsTo('setWebhook')).toHaveLength(2);

    const removed = await owner.request('DELETE', `/api/connections/${connection.id}`);
    expect(removed.status).toBe(200);
    expect(fake.callsTo('deleteWebhook')).toHaveLength(2);
    expect(await storedIn(w)).toEqual([]);
  });

  it('without a public URL the bot polls as before: getMe, no webhook', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const fake = await FakeBotApi.start({ token: TOKEN });
    cleanups.push(() => fake.close());
    const owner = await ownerOf(w);
    const added = await owner.post('/api/connections', { platform: 'telegram', name: 'poller', settings: { token: TOKEN, apiRoot: fake.apiRoot } });
    expect(added.status).toBe(201);
    const { connection } = (await added.json()) as { connection: { id: number } };
    expect((await w.connections.get(connection.id)).settings).toMatchObject({ mode: 'polling' });
    expect(fake.callsTo('setWebhook')).toEqual([]);
    expect((await owner.request('DELETE', `/api/connections/${connection.id}`)).status).toBe(200);
    expect(fake.callsTo('deleteWebhook')).toEqual([]);
  });
});

describe('a connection’s groups and the bot’s rights there', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('shows each group’s rights and names what is missing for what Hearth uses there', async () => {
    const w = await twoWorkspaces(backends[0]!, cleanups);
    const fake = await FakeBotApi.start({ token: TOKEN });
    cleanups.push(() => fake.close());
    const owner = await ownerOf(w);
    const added = await owner.post('/api/connections', { platform: 'telegram', name: 'rights', settings: { token: TOKEN, apiRoot: fake.apiRoot } });
    const { connection } = (await added.json()) as { connection: { id: number } };
    const group = async (name: string, externalId: string) =>
      (
        await w.db
          .insertInto('chat_group')
          .values({ workspace_id: w.acme.id, connection_id: connection.id, platform: 'telegram', external_id: externalId, name, created_at: T0 })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const plain = await group('Plain Member Group', '-1001');
    await group('Admin Group', '-1002');
    fake.setBotMember('-1002', { status: 'administrator', can_restrict_members: true, can_delete_messages: false, can_invite_users: true, can_pin_messages: true });
    // Hearth muted someone in the plain group: muting is in use there.
    await w.db
      .insertInto('outbox')
      .values({
        workspace_id: w.acme.id,
        group_id: plain,
        platform: 'telegram',
        idempotency_key: 'rights-mute',
        action: JSON.stringify({ type: 'mute_member', groupId: plain, memberId: 1, seconds: 60 }),
        status: 'done',
        attempts: 1,
        next_attempt_at: T0,
        lease_until: null,
        last_error: null,
        result: null,
        created_at: T0,
        done_at: T0,
      })
      .execute();

    const res = await owner.get(`/api/connections/${connection.id}/groups`);
    expect(res.status).toBe(200);
    const { groups } = (await res.json()) as { groups: { name: string; role: string; missing: { capability: string; right: string }[]; lacking: { capability: string }[] }[] };
    const admin = groups.find((g) => g.name === 'Admin Group')!;
    const member = groups.find((g) => g.name === 'Plain Member Group')!;
    expect(admin).toMatchObject({ role: 'administrator', missing: [] });
    expect(admin.lacking.map((m) => m.capability)).toEqual(['delete']);
    expect(member.role).toBe('member');
    expect(member.missing).toEqual([
      { capability: 'read_messages', right: 'privacy_mode_off', administrator: true },
      { capability: 'mute', right: 'can_restrict_members', administrator: true },
    ]);
    expect(member.lacking.map((m) => m.capability)).toEqual(expect.arrayContaining(['ban', 'delete', 'pin']));
    expect(fake.callsTo('getChatMember').map((c) => c.payload)).toEqual(expect.arrayContaining([expect.objectContaining({ chat_id: '-1001', user_id: 700000001 })]));

    // The list shows each connection's groups too.
    const listed = (await (await owner.get('/api/connections')).json()) as { connections: { groups: { name: string }[] }[] };
    expect(listed.connections[0]!.groups.map((g) => g.name)).toEqual(['Admin Group', 'Plain Member Group']);
  });
});

describe('a WeChat account waiting for its login', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('shows the QR code to scan as an image, the newest one, until the account is logged in', async () => {
    const w = await twoWorkspaces(backends[0]!, cleanups);
    const owner = await ownerOf(w);
    const summary = await w.connections.add({ workspaceId: w.acme.id, platform: 'wechat', name: 'wx-login', settings: { puppet: 'wechaty-puppet-mock', botName: 'login' } });
    const connection = await w.connections.get(summary.id);
    const mocker = new mock.Mocker();
    const self = mocker.createContact({ name: 'Hearth Bot' });
    // Opened as the supervisor opens it: what the module asks the operator to scan goes to the store.
    const withMock = { ...connection, settings: { ...connection.settings, puppetOptions: { mocker } } };
    const adapter = wechatPlatform.open(
      withMock,
      openContextFor(w.runtime, withMock, { receive: { poll: true, webhook: true }, loginPrompt: (prompt) => void w.connections.setLoginPrompt(connection.id, prompt) }),
    );
    await adapter.start();
    cleanups.push(() => adapter.stop());

    const login = async () =>
      ((await (await owner.get('/api/connections')).json()) as { connections: { name: string; login?: { qrImage: string } }[] }).connections.find((c) => c.name === 'wx-login')!.login;
    const shown = async (expected: string | undefined) => {
      for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) if ((await login())?.qrImage === expected) return;
      expect((await login())?.qrImage).toBe(expected);
    };
    mocker.scan('https://login.weixin.qq.com/l/first-code');
    await shown(await QRCode.toDataURL('https://login.weixin.qq.com/l/first-code', { margin: 1, width: 240 }));
    // WeChat refreshes an unscanned code: the page shows the new one.
    mocker.scan('https://login.weixin.qq.com/l/second-code');
    await shown(await QRCode.toDataURL('https://login.weixin.qq.com/l/second-code', { margin: 1, width: 240 }));
    // Sealed at rest like the credentials.
    const row = await w.db.selectFrom('connection').select('login_prompt').where('id', '=', connection.id).executeTakeFirstOrThrow();
    expect(row.login_prompt).toMatch(/^enc:v1:/);

    mocker.login(self);
    await shown(undefined);
  });
});
