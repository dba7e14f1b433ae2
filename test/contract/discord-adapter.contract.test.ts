import { MessageReferenceType, MessageType } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEvent, type Event } from '../../src/core/event.js';
import { DiscordAdapter } from '../../src/platforms/discord/discord-adapter.js';
import { InvalidSettingsError } from '../../src/platforms/connection-settings.js';
import { PlatformError, type OutboundAction } from '../../src/platforms/platform-adapter.js';
import { ConnectionStore } from '../../src/connections/connection-store.js';
import { SecretBox } from '../../src/connections/secret-box.js';
import { ConnectionSupervisor } from '../../src/connections/connection-supervisor.js';
import { discordPlatform } from '../../src/platforms/discord/discord-platform.js';
import pino from 'pino';
import { HearthRuntime } from '../../src/runtime/hearth-runtime.js';
import { setUpWorkspace } from '../../src/runtime/workspace-setup.js';
import { backends } from '../helpers/backends.js';
import {
  BOT,
  CHANNEL,
  GUILD,
  LATE_THREAD,
  OTHER_CHANNEL,
  THREAD,
  TOKEN,
  adapterOn,
  bo,
  fakeDiscordRest,
  guildCreate,
  memberAdd,
  memberRemove,
  message,
  reactionAdd,
  ready,
  threadCreate,
  user,
} from './fixtures/discord-fixture.js';

describe('discord adapter', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  async function rig(clock?: () => number) {
    const fake = await fakeDiscordRest();
    const adapter = adapterOn(fake.api, clock);
    cleanups.push(
      () => fake.close(),
      () => adapter.stop(),
    );
    return { fake, adapter };
  }
  const outbound = (action: OutboundAction['action'], key = 'key-1', channel = CHANNEL): OutboundAction => ({
    idempotencyKey: key,
    action,
    group: { id: 1, externalId: channel, name: 'general' },
    members: new Map([[7, { externalId: bo.id, name: 'bo' }]]),
  });

  it("ignores the bot's own messages, DMs, system lines; counts joins in the system channel when no home channel is set", () => {
    const adapter = new DiscordAdapter({ token: TOKEN });
    for (const p of [ready, guildCreate]) adapter.normalize(p);
    expect(adapter.normalize(message({ id: '1100000000000002001', author: user(BOT, 'hearth', { bot: true }) }))).toEqual([]);
    expect(adapter.normalize(message({ id: '1100000000000002002', guild_id: undefined }))).toEqual([]);
    expect(adapter.normalize(message({ id: '1100000000000002003', type: MessageType.UserJoin, content: '' }))).toEqual([]);
    expect(adapter.normalize({ op: 0, t: 'TYPING_START', s: 5, d: { channel_id: CHANNEL } })).toEqual([]);
    const [join] = adapter.normalize(memberAdd).map(parseEvent);
    expect(join).toMatchObject({ kind: 'member.joined', group: { id: OTHER_CHANNEL, title: 'Makers #welcome' } });
    const bare = new DiscordAdapter({ token: TOKEN });
    expect(bare.normalize(memberAdd)).toEqual([]);
    const [fromBot] = adapter.normalize(message({ id: '1100000000000002004', author: user('1100000000000000300', 'otherbot', { bot: true }), webhook_id: undefined })).map(parseEvent);
    expect(fromBot).toMatchObject({ actor: { isBot: true } });
    const [forwarded] = adapter
      .normalize(message({ id: '1100000000000002005', content: '', message_reference: { type: MessageReferenceType.Forward, message_id: '1100000000000000500', channel_id: CHANNEL } }))
      .map(parseEvent);
    expect(forwarded).toMatchObject({ kind: 'message', forwarded: true });
    expect(forwarded).not.toHaveProperty('replyTo');
  });

  it('sends with the token, a nonce from the idempotency key, and only the named members pingable; a resend is one message', async () => {
    const { fake, adapter } = await rig();
    const o = outbound({ type: 'send_message', groupId: 1, text: 'Welcome @everyone', mentions: [7], replyTo: '1100000000000001001' });
    const first = await adapter.send(o);
    const again = await adapter.send(o);
    expect(again).toEqual(first);
    expect(fake.calls).toHaveLength(2);
    const [a, b] = fake.calls;
    expect(a!.authorization).toBe(`Bot ${TOKEN}`);
    expect(a!.body).toMatchObject({
      content: `<@${bo.id}> Welcome @everyone`,
      enforce_nonce: true,
      allowed_mentions: { parse: [], users: [bo.id], replied_user: true },
      message_reference: { message_id: '1100000000000001001', fail_if_not_exists: false },
    });
    expect(b!.body!.nonce).toBe(a!.body!.nonce);
    expect(String(a!.body!.nonce).length).toBeLessThanOrEqual(25);
  });

  it('times out until now + seconds (just under 28 days at most), kicks and bans in the channel’s guild', async () => {
    const now = Date.parse('2026-06-01T10:00:00Z');
    const { fake, adapter } = await rig(() => now);
    await adapter.send(outbound({ type: 'mute_member', groupId: 1, memberId: 7, seconds: 600 }, 'a'));
    await adapter.send(outbound({ type: 'mute_member', groupId: 1, memberId: 7 }, 'b'));
    await adapter.send(outbound({ type: 'remove_member', groupId: 1, memberId: 7 }, 'c'));
    await adapter.send(outbound({ type: 'ban_member', groupId: 1, memberId: 7 }, 'd'));
    await adapter.send(outbound({ type: 'delete_message', groupId: 1, messageId: '1100000000000001001' }, 'e'));
    expect(fake.calls.map((c) => [c.method, c.path, c.body, c.reason])).toEqual([
      ['PATCH', `/guilds/${GUILD}/members/${bo.id}`, { communication_disabled_until: '2026-06-01T10:10:00.000Z' }, 'Hearth%3A%20mute_member'],
      ['PATCH', `/guilds/${GUILD}/members/${bo.id}`, { communication_disabled_until: '2026-06-29T09:59:00.000Z' }, 'Hearth%3A%20mute_member'],
      ['DELETE', `/guilds/${GUILD}/members/${bo.id}`, undefined, 'Hearth%3A%20remove_member'],
      ['PUT', `/guilds/${GUILD}/bans/${bo.id}`, { delete_message_seconds: 0 }, 'Hearth%3A%20ban_member'],
      ['DELETE', `/channels/${CHANNEL}/messages/1100000000000001001`, undefined, 'Hearth%3A%20delete_message'],
    ]);
  });

  it('replies to and deletes a thread message in its thread, though its Event names the parent channel', async () => {
    const { fake, adapter } = await rig();
    const [event] = adapter.normalize(message({ id: '1100000000000004001', channel_id: THREAD, content: 'spam' })).map(parseEvent);
    expect(event!.group.id).toBe(CHANNEL);
    await adapter.send(outbound({ type: 'send_message', groupId: 1, text: 'please keep it civil', mentions: [], replyTo: '1100000000000004001' }, 't1'));
    await adapter.send(outbound({ type: 'delete_message', groupId: 1, messageId: '1100000000000004001' }, 't2'));
    expect(fake.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`POST /channels/${THREAD}/messages`, `DELETE /channels/${THREAD}/messages/1100000000000004001`]);
  });

  it('asks Discord for a channel’s guild when the gateway has not said', async () => {
    const fake = await fakeDiscordRest();
    const adapter = new DiscordAdapter({ token: TOKEN }, { api: fake.api });
    cleanups.push(
      () => fake.close(),
      () => adapter.stop(),
    );
    await adapter.send(outbound({ type: 'remove_member', groupId: 1, memberId: 7 }));
    await adapter.send(outbound({ type: 'ban_member', groupId: 1, memberId: 7 }, 'k2'));
    expect(fake.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`DELETE /guilds/${GUILD}/members/${bo.id}`, `PUT /guilds/${GUILD}/bans/${bo.id}`]);
    await expect(adapter.send(outbound({ type: 'remove_member', groupId: 1, memberId: 7 }, 'k3', '1100000000000000777'))).rejects.toMatchObject({
      platform: 'discord',
      method: 'kickMember',
      retryable: false,
      code: 404,
    });
  });

  it('maps 429 to a retry after retry_after, 5xx to a retry, 403/404 to final refusals — never quoting the token', async () => {
    const { fake, adapter } = await rig();
    const attempt = (key: string) =>
      adapter.send(outbound({ type: 'send_message', groupId: 1, text: 'hi', mentions: [] }, key)).then(
        () => expect.fail('the fake refused'),
        (e: unknown) => e as PlatformError,
      );

    fake.refusals.push({ status: 429, retryAfterMs: 2_500 });
    expect(await attempt('r1')).toMatchObject({ platform: 'discord', method: 'createMessage', retryable: true, retryAfterMs: 2_500, code: 429 });

    fake.refusals.push({ status: 403, message: 'Missing Permissions', code: 50013 });
    const forbidden = await attempt('r2');
    expect(forbidden).toBeInstanceOf(PlatformError);
    expect(forbidden).toMatchObject({ retryable: false, code: 403 });
    expect(forbidden.message).toContain('50013');

    fake.refusals.push({ status: 404, message: 'Unknown Channel', code: 10003 });
    expect(await attempt('r3')).toMatchObject({ retryable: false, code: 404 });

    fake.refusals.push({ status: 502, message: 'Bad Gateway', code: 0 });
    expect(await attempt('r4')).toMatchObject({ retryable: true, code: 502 });

    fake.refusals.push({ status: 401, message: `401: Unauthorized (you sent Bot ${TOKEN})`, code: 0 });
    const unauthorized = await attempt('r5');
    expect(unauthorized).toMatchObject({ retryable: false, code: 401 });
    expect(unauthorized.message).not.toContain(TOKEN);
    expect(unauthorized.message).toContain('[redacted]');

    const long = await adapter.send(outbound({ type: 'send_message', groupId: 1, text: 'x'.repeat(2_001), mentions: [] }, 'r6')).catch((e: unknown) => e);
    expect(long).toMatchObject({ retryable: false, code: 'too_long' });
    expect(fake.calls).toEqual([]);
  });

  it('maps a global 429 and an unreachable Discord to retryable errors', async () => {
    const { fake, adapter } = await rig();
    fake.refusals.push({ status: 429, retryAfterMs: 1_000, global: true });
    expect(await adapter.send(outbound({ type: 'send_message', groupId: 1, text: 'hi', mentions: [] }, 'g1')).catch((e: unknown) => e)).toMatchObject({
      retryable: true,
      retryAfterMs: 1_000,
      code: 429,
    });
    await fake.close();
    const down = await new DiscordAdapter({ token: TOKEN }, { api: fake.api }).send(outbound({ type: 'send_message', groupId: 1, text: 'hi', mentions: [] }, 'g2')).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(PlatformError);
    expect(down).toMatchObject({ platform: 'discord', method: 'createMessage', retryable: true });
    expect((down as Error).message).not.toContain(TOKEN);
  });

  it('validates its settings without repeating the token', () => {
    for (const [settings, field] of [
      [{}, 'token'],
      [{ token: 'short' }, 'token'],
      [{ token: TOKEN, homeChannels: { [GUILD]: 'general' } }, 'homeChannels'],
    ] as const) {
      const error = (() => {
        try {
          new DiscordAdapter(settings);
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error).toBeInstanceOf(InvalidSettingsError);
      expect(error!.message).toContain(field);
      expect(error!.message).not.toContain(TOKEN);
    }
    expect(new DiscordAdapter({ token: TOKEN }).rateLimits).toEqual([
      { scope: 'group', limit: 5, windowMs: 5_000 },
      { scope: 'global', limit: 50, windowMs: 1_000 },
    ]);
  });
});

describe('discord receiver: a discord.js Client on a local gateway → HearthRuntime (SQLite)', () => {
  it('logs in with the intents Hearth needs and stores what the gateway dispatches', async () => {
    const fake = await fakeDiscordRest();
    const made = backends[0]!.create();
    const runtime = await HearthRuntime.open(made.target);
    const connections = new ConnectionStore(runtime.store.db, new SecretBox('test-secret-'.repeat(4)));
    // The server's way: the supervisor opens the stored connection through the registry's Discord module.
    const supervisor = new ConnectionSupervisor(runtime, connections, { receive: { poll: true, webhook: true }, logger: pino({ level: 'silent' }) });
    try {
      const ws = await setUpWorkspace(runtime.store.db, 'acme', 'Acme');
      const summary = await connections.add({ workspaceId: ws.id, platform: 'discord', name: 'makers', settings: { token: TOKEN, homeChannels: { [GUILD]: CHANNEL }, api: fake.api } });
      await supervisor.openAll();
      await supervisor.settled(summary.id);
      expect((await connections.summary(summary.id)).health.state).toBe('running');
      const adapter = runtime.connections.get(summary.id) as DiscordAdapter;
      expect(adapter).toBeInstanceOf(DiscordAdapter);
      await fake.gateway.identified;
      // Guilds | GuildMembers | GuildMessages | GuildMessageReactions | MessageContent
      expect(fake.gateway.identify).toMatchObject({ token: TOKEN, intents: 1 | 2 | 512 | 1024 | 32768 });

      for (const p of [
        threadCreate,
        message({ id: '1100000000000003001', channel_id: THREAD, content: 'in a thread' }),
        message({ id: '1100000000000003002', channel_id: LATE_THREAD, content: 'in an older thread' }),
        message({ id: '1100000000000003003', author: user(BOT, 'hearth', { bot: true }), content: 'the bot itself' }),
        memberAdd,
        { ...reactionAdd, received_at: undefined },
        { ...memberRemove, received_at: undefined },
      ])
        fake.gateway.dispatch(p);

      const stored = async () => (await runtime.store.db.selectFrom('event').select('payload').orderBy('id').execute()).map((r) => JSON.parse(r.payload) as Event);
      const deadline = Date.now() + 5_000;
      while ((await stored()).length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await adapter.settled();
      const events = await stored();
      expect(events.map((e) => [e.kind, e.group.id, e.kind === 'message' ? e.text : e.dedupKey.split(':')[1]])).toEqual([
        ['message', CHANNEL, 'in a thread'],
        ['message', CHANNEL, 'in an older thread'],
        ['member.joined', CHANNEL, 'join'],
        ['reaction', CHANNEL, 'reaction'],
        ['member.left', CHANNEL, 'leave'],
      ]);
      expect(events[0]!.group.title).toBe('Makers #general');
      const groups = await runtime.store.db.selectFrom('chat_group').select(['external_id', 'name', 'connection_id']).execute();
      expect(groups).toEqual([{ external_id: CHANNEL, name: 'Makers #general', connection_id: summary.id }]);
    } finally {
      await supervisor.close();
      await runtime.close();
      await made.cleanup();
      await fake.close();
    }
  });

  it('opens a send-only connection for a worker, without a gateway session', async () => {
    const fake = await fakeDiscordRest();
    const adapter = discordPlatform.open(
      { id: 3, workspaceId: 1, platform: 'discord', name: 'makers', status: 'active', settings: { token: TOKEN, api: fake.api }, createdAt: 0 },
      {
        clock: Date.now,
        log: pino({ level: 'silent' }),
        sink: async () => expect.fail('a send-only connection receives nothing'),
        moveGroup: async () => ({ status: 'nothing-to-move' }),
        receive: { poll: false, webhook: false },
      },
    );
    try {
      await adapter.start();
      await adapter.send({
        idempotencyKey: 'w1',
        action: { type: 'send_message', groupId: 1, text: 'from a worker', mentions: [] },
        group: { id: 1, externalId: CHANNEL, name: 'general' },
        members: new Map(),
      });
      expect(fake.gateway.identify).toBeUndefined();
      expect(fake.calls.map((c) => c.body?.content)).toEqual(['from a worker']);
    } finally {
      await adapter.stop();
      await fake.close();
    }
  });

  it('says which intents to enable when Discord refuses them', async () => {
    const fake = await fakeDiscordRest();
    fake.gateway.refuseIdentify(4014);
    const adapter = new DiscordAdapter({ token: TOKEN }, { api: fake.api });
    try {
      const error = await adapter.start().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PlatformError);
      expect(error).toMatchObject({ platform: 'discord', method: 'login', retryable: false, code: 4014 });
      expect((error as Error).message).toContain('Message Content Intent');
    } finally {
      await adapter.stop();
      await fake.close();
    }
  }, 20_000);

  it('refuses a bad token at login without printing it', async () => {
    const fake = await fakeDiscordRest();
    fake.refusals.push({ status: 401, message: '401: Unauthorized', code: 0 });
    const adapter = new DiscordAdapter({ token: TOKEN }, { api: fake.api });
    try {
      const error = await adapter.start().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PlatformError);
      expect(error).toMatchObject({ platform: 'discord', method: 'login', retryable: false });
      expect((error as Error).message).not.toContain(TOKEN);
    } finally {
      await adapter.stop();
      await fake.close();
    }
  });
});
