import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  ChannelType,
  GatewayDispatchEvents,
  GatewayOpcodes,
  GuildMemberFlags,
  MessageReferenceType,
  MessageType,
  ReactionType,
  ThreadAutoArchiveDuration,
  type APIUser,
  type GatewayGuildMemberAddDispatch,
  type GatewayGuildMemberRemoveDispatch,
  type GatewayMessageCreateDispatch,
  type GatewayMessageCreateDispatchData,
  type GatewayMessageReactionAddDispatch,
  type GatewayMessageReactionRemoveDispatch,
  type GatewayThreadCreateDispatch,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEvent, type Event } from '../../src/core/event.js';
import { DiscordAdapter } from '../../src/platforms/discord/discord-adapter.js';
import { InvalidSettingsError } from '../../src/platforms/connection-settings.js';
import { PlatformError, type OutboundAction } from '../../src/platforms/platform-adapter.js';
import { ConnectionStore } from '../../src/connections/connection-store.js';
import { SecretBox } from '../../src/connections/secret-box.js';
import { openDiscordConnection } from '../../src/platforms/discord/discord-connection.js';
import { HearthRuntime } from '../../src/runtime/hearth-runtime.js';
import { setUpWorkspace } from '../../src/runtime/workspace-setup.js';
import { backends } from '../helpers/backends.js';
import { runAdapterContract, type SentCall } from './adapter-contract.js';

// Invented ids and names, in Discord's shapes (https://discord.com/developers/docs/topics/gateway-events).
const GUILD = '1100000000000000001';
const CHANNEL = '1100000000000000010';
const OTHER_CHANNEL = '1100000000000000011';
const THREAD = '1100000000000000020';
/** A thread created before the bot connected: the gateway never announces it. */
const LATE_THREAD = '1100000000000000021';
const BOT = '1100000000000000099';
const TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDA5OQ.Gabcde.fake-token-for-tests_0123456789';
const at = '2026-06-01T09:00:00.000000+00:00';
const receivedAt = Date.parse('2026-06-01T09:05:00Z');

const noFlags = 0 as GuildMemberFlags;
const user = (id: string, username: string, extra: Partial<APIUser> = {}): APIUser => ({ id, username, discriminator: '0', global_name: null, avatar: null, ...extra });
const ann = user('1100000000000000101', 'ann', { global_name: 'Ann' });
const bo = user('1100000000000000102', 'bo');

function message(d: Partial<GatewayMessageCreateDispatchData> & { id: string }, s = 10): GatewayMessageCreateDispatch {
  return {
    op: GatewayOpcodes.Dispatch,
    t: GatewayDispatchEvents.MessageCreate,
    s,
    d: {
      type: MessageType.Default,
      channel_id: CHANNEL,
      guild_id: GUILD,
      author: ann,
      member: { nick: null, roles: [], joined_at: '2026-05-01T00:00:00.000000+00:00', deaf: false, mute: false, flags: noFlags },
      content: 'hello',
      timestamp: at,
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      ...d,
    },
  };
}

const guildCreate = {
  op: GatewayOpcodes.Dispatch,
  t: GatewayDispatchEvents.GuildCreate,
  s: 2,
  // Trimmed to the fields Hearth reads; a real GUILD_CREATE carries the whole guild.
  d: {
    id: GUILD,
    name: 'Makers',
    system_channel_id: OTHER_CHANNEL,
    joined_at: '2026-01-01T00:00:00.000000+00:00',
    large: false,
    member_count: 3,
    channels: [
      { id: CHANNEL, type: 0, name: 'general', position: 0, parent_id: null },
      { id: OTHER_CHANNEL, type: 0, name: 'welcome', position: 1, parent_id: null },
    ],
    threads: [],
  },
};

const ready = { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.Ready, s: 1, d: { v: 10, user: user(BOT, 'hearth', { bot: true }), guilds: [{ id: GUILD, unavailable: true }], session_id: 's', resume_gateway_url: 'wss://example.invalid', application: { id: BOT, flags: 0 } } };

const threadCreate: GatewayThreadCreateDispatch = {
  op: GatewayOpcodes.Dispatch,
  t: GatewayDispatchEvents.ThreadCreate,
  s: 3,
  d: {
    id: THREAD,
    type: ChannelType.PublicThread,
    guild_id: GUILD,
    parent_id: CHANNEL,
    name: 'Show and tell',
    owner_id: ann.id,
    last_message_id: null,
    thread_metadata: { archived: false, auto_archive_duration: ThreadAutoArchiveDuration.OneDay, archive_timestamp: at, locked: false },
    member_count: 1,
    message_count: 0,
    total_message_sent: 0,
    newly_created: true,
  },
};

const reactionAdd: GatewayMessageReactionAddDispatch & { received_at: number } = {
  op: GatewayOpcodes.Dispatch,
  t: GatewayDispatchEvents.MessageReactionAdd,
  s: 20,
  d: { user_id: bo.id, channel_id: THREAD, message_id: '1100000000000001003', guild_id: GUILD, member: { user: bo, nick: 'Bobby', roles: [], joined_at: at, deaf: false, mute: false, flags: noFlags }, emoji: { id: null, name: '🔥' }, burst: false, type: ReactionType.Normal },
  received_at: receivedAt,
};

const reactionRemove: GatewayMessageReactionRemoveDispatch & { received_at: number } = {
  op: GatewayOpcodes.Dispatch,
  t: GatewayDispatchEvents.MessageReactionRemove,
  s: 21,
  d: { user_id: bo.id, channel_id: CHANNEL, message_id: '1100000000000001001', guild_id: GUILD, emoji: { id: '1100000000000009001', name: 'party' }, burst: false, type: ReactionType.Normal },
  received_at: receivedAt + 1,
};

const memberAdd: GatewayGuildMemberAddDispatch = {
  op: GatewayOpcodes.Dispatch,
  t: GatewayDispatchEvents.GuildMemberAdd,
  s: 30,
  d: { guild_id: GUILD, user: bo, nick: null, roles: [], joined_at: '2026-06-01T08:59:00.000000+00:00', deaf: false, mute: false, flags: noFlags, pending: false },
};

const memberRemove: GatewayGuildMemberRemoveDispatch & { received_at: number } = {
  op: GatewayOpcodes.Dispatch,
  t: GatewayDispatchEvents.GuildMemberRemove,
  s: 31,
  d: { guild_id: GUILD, user: bo },
  received_at: receivedAt,
};

interface Recorded {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  authorization: string | undefined;
  reason: string | undefined;
}

async function read(req: IncomingMessage): Promise<string> {
  let data = '';
  for await (const chunk of req) data += chunk;
  return data;
}

/**
 * A local stand-in for Discord's gateway, enough for discord.js to log in: a bare
 * WebSocket (RFC 6455 framing, no compression) that says HELLO, takes IDENTIFY,
 * answers READY and GUILD_CREATE, then sends whatever dispatches a test pushes.
 */
function fakeGateway() {
  const sockets = new Set<Socket>();
  /** Set to a close code (4014: disallowed intents) to refuse the next IDENTIFY. */
  let refuseIdentify: number | undefined;
  let identify: Record<string, unknown> | undefined;
  let seq = 0;
  let onIdentified: () => void = () => {};
  const identified = new Promise<void>((resolve) => (onIdentified = resolve));
  const frame = (opcode: number, payload: Buffer) => {
    const len = payload.length;
    const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 255]) : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(len)); return b; })()]);
    return Buffer.concat([head, payload]);
  };
  const send = (socket: Socket, body: unknown) => socket.write(frame(1, Buffer.from(JSON.stringify(body))));
  const sendAll = (body: unknown) => sockets.forEach((s) => send(s, body));
  function onMessage(socket: Socket, text: string) {
    const packet = JSON.parse(text) as { op: number; d: Record<string, unknown> };
    if (packet.op === GatewayOpcodes.Heartbeat) return send(socket, { op: GatewayOpcodes.HeartbeatAck });
    if (packet.op !== GatewayOpcodes.Identify) return;
    identify = packet.d;
    if (refuseIdentify !== undefined) {
      const code = Buffer.alloc(2);
      code.writeUInt16BE(refuseIdentify);
      socket.end(frame(8, Buffer.concat([code, Buffer.from('Disallowed intent(s).')])));
      return;
    }
    send(socket, { ...ready, s: ++seq });
    send(socket, { ...guildCreate, s: ++seq });
    onIdentified();
  }
  function upgrade(req: IncomingMessage, socket: Socket) {
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (buffer.length < 2) return;
        const opcode = buffer[0]! & 0x0f;
        let len = buffer[1]! & 0x7f;
        let offset = 2;
        if (len === 126) [len, offset] = [buffer.readUInt16BE(2), 4];
        else if (len === 127) [len, offset] = [Number(buffer.readBigUInt64BE(2)), 10];
        const masked = (buffer[1]! & 0x80) !== 0;
        const mask = masked ? buffer.subarray(offset, offset + 4) : undefined;
        if (masked) offset += 4;
        if (buffer.length < offset + len) return;
        const payload = Buffer.from(buffer.subarray(offset, offset + len));
        if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
        buffer = buffer.subarray(offset + len);
        if (opcode === 1) onMessage(socket, payload.toString('utf8'));
        else if (opcode === 8) socket.end(frame(8, payload.subarray(0, 2)));
        else if (opcode === 9) socket.write(frame(10, payload));
      }
    });
    send(socket, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: 45_000 }, s: null, t: null });
  }
  return {
    upgrade,
    identified,
    get identify() {
      return identify;
    },
    refuseIdentify(code: number) {
      refuseIdentify = code;
    },
    /** Sends a dispatch to every connected client. */
    dispatch(packet: { t: string; d: unknown }) {
      sendAll({ op: GatewayOpcodes.Dispatch, t: packet.t, d: packet.d, s: ++seq });
    },
    close() {
      sockets.forEach((s) => s.destroy());
    },
  };
}

/**
 * A local stand-in for Discord's REST API: records what it is asked to do, answers
 * like Discord (message objects, 204s, nonce deduplication), and refuses on demand
 * with 429 + retry_after or 403.
 */
async function fakeDiscordRest() {
  const calls: Recorded[] = [];
  const refused: Recorded[] = [];
  const refusals: { status: number; retryAfterMs?: number; global?: boolean; message?: string; code?: number }[] = [];
  const byNonce = new Map<string, unknown>();
  let nextId = 1100000000000005000n;
  const gateway = fakeGateway();
  const server = createServer((req, res) => {
    void read(req).then((raw) => {
      const path = new URL(req.url!, 'http://fake').pathname.replace(/^\/api\/v10/, '');
      const call: Recorded = { method: req.method!, path, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined, authorization: req.headers.authorization, reason: req.headers['x-audit-log-reason'] as string | undefined };
      const reply = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      };
      const refusal = refusals.shift();
      if (refusal) {
        refused.push(call);
        if (refusal.status === 429) {
          const seconds = (refusal.retryAfterMs ?? 1000) / 1000;
          return reply(429, { message: 'You are being rate limited.', retry_after: seconds, global: !!refusal.global }, { 'retry-after': String(seconds), ...(refusal.global ? { 'x-ratelimit-global': 'true' } : {}) });
        }
        return reply(refusal.status, { message: refusal.message ?? 'Missing Permissions', code: refusal.code ?? 50013 });
      }
      let m: RegExpExecArray | null;
      if (req.method === 'GET' && path === '/gateway/bot') {
        const { port } = server.address() as AddressInfo;
        return reply(200, { url: `ws://127.0.0.1:${port}`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } });
      }
      if (req.method === 'GET' && (m = /^\/channels\/(\d+)$/.exec(path))) {
        if (m[1] === LATE_THREAD) return reply(200, { id: LATE_THREAD, guild_id: GUILD, type: ChannelType.PublicThread, name: 'Older thread', parent_id: CHANNEL });
        return m[1] === CHANNEL || m[1] === OTHER_CHANNEL ? reply(200, { id: m[1], guild_id: GUILD, type: 0, name: 'general', parent_id: null }) : reply(404, { message: 'Unknown Channel', code: 10003 });
      }
      calls.push(call);
      if (req.method === 'POST' && (m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
        const nonce = call.body?.nonce as string | undefined;
        const earlier = nonce && call.body?.enforce_nonce ? byNonce.get(nonce) : undefined;
        if (earlier) return reply(200, earlier);
        const created = { id: String(nextId++), channel_id: m[1], content: call.body?.content, timestamp: at, type: call.body?.message_reference ? 19 : 0, nonce };
        if (nonce) byNonce.set(nonce, created);
        return reply(200, created);
      }
      if (req.method === 'DELETE' && /^\/channels\/\d+\/messages\/\d+$/.test(path)) return reply(204);
      if (req.method === 'PATCH' && /^\/guilds\/\d+\/members\/\d+$/.test(path)) return reply(200, { user: bo, roles: [], communication_disabled_until: call.body?.communication_disabled_until });
      if (req.method === 'DELETE' && /^\/guilds\/\d+\/members\/\d+$/.test(path)) return reply(204);
      if (req.method === 'PUT' && /^\/guilds\/\d+\/bans\/\d+$/.test(path)) return reply(204);
      return reply(404, { message: '404: Not Found', code: 0 });
    });
  });
  server.on('upgrade', (req, socket) => gateway.upgrade(req, socket as Socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    api: `http://127.0.0.1:${port}/api`,
    calls,
    refused,
    refusals,
    gateway,
    close: () => {
      gateway.close();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What the fake performed, as the contract counts it: guild-level calls belong to the guild's channel here. */
function asSent(call: Recorded): SentCall | undefined {
  const channel = /^\/channels\/(\d+)/.exec(call.path)?.[1] ?? (call.path.startsWith(`/guilds/${GUILD}/`) ? CHANNEL : undefined);
  if (!channel) return undefined;
  const type: SentCall['type'] | undefined =
    call.method === 'POST' && call.path.endsWith('/messages') ? 'send_message'
    : call.method === 'DELETE' && call.path.includes('/messages/') ? 'delete_message'
    : call.method === 'PATCH' && call.path.includes('/members/') ? 'mute_member'
    : call.method === 'DELETE' && call.path.includes('/members/') ? 'remove_member'
    : call.method === 'PUT' && call.path.includes('/bans/') ? 'ban_member'
    : undefined;
  return type && { type, groupExternalId: channel, ...(typeof call.body?.content === 'string' ? { text: call.body.content } : {}) };
}

function adapterOn(api: string, clock: () => number = Date.now) {
  const adapter = new DiscordAdapter({ token: TOKEN, homeChannels: { [GUILD]: CHANNEL } }, { api, clock });
  for (const p of [ready, guildCreate, threadCreate]) expect(adapter.normalize(p)).toEqual([]);
  return adapter;
}

runAdapterContract({
  name: 'discord (gateway payloads, fake REST)',
  actions: ['send_message', 'delete_message', 'mute_member', 'remove_member', 'ban_member'],
  async setup(clock) {
    const fake = await fakeDiscordRest();
    const adapter = adapterOn(fake.api, clock);
    return {
      adapter,
      group: { externalId: CHANNEL, name: 'Makers #general' },
      member: { externalId: bo.id, name: 'bo' },
      samples: [
        {
          kind: 'message',
          payload: message({ id: '1100000000000001001', content: 'hello <@1100000000000000102>', mentions: [bo] }),
          expect: { dedupKey: 'discord:msg:1100000000000001001', messageId: '1100000000000001001', text: 'hello <@1100000000000000102>', mentions: [bo.id], group: { id: CHANNEL, title: 'Makers #general' }, actor: { id: ann.id, name: 'Ann', username: 'ann' } },
        },
        {
          kind: 'message',
          payload: message({ id: '1100000000000001002', type: MessageType.Reply, author: bo, content: 'agreed', message_reference: { type: MessageReferenceType.Default, message_id: '1100000000000001001', channel_id: CHANNEL, guild_id: GUILD } }),
          expect: { replyTo: '1100000000000001001', actor: { id: bo.id, name: 'bo' } },
        },
        {
          kind: 'message',
          payload: message({ id: '1100000000000001003', channel_id: THREAD, content: 'my project', attachments: [{ id: '1100000000000008001', filename: 'shot.png', size: 1024, url: 'https://cdn.example.invalid/shot.png', proxy_url: 'https://media.example.invalid/shot.png', content_type: 'image/png' }] }),
          expect: { group: { id: CHANNEL }, media: 'photo' },
        },
        { kind: 'command', payload: message({ id: '1100000000000001004', content: '/checkin today' }), expect: { name: 'checkin', args: 'today' } },
        { kind: 'reaction', payload: reactionAdd, expect: { emoji: '🔥', added: true, group: { id: CHANNEL }, actor: { id: bo.id, name: 'Bobby' }, occurredAt: new Date(receivedAt).toISOString() } },
        { kind: 'reaction', payload: reactionRemove, expect: { emoji: '<:party:1100000000000009001>', added: false } },
        { kind: 'member.joined', payload: memberAdd, expect: { group: { id: CHANNEL }, member: { id: bo.id, name: 'bo' }, occurredAt: '2026-06-01T08:59:00.000Z' } },
        { kind: 'member.left', payload: memberRemove, expect: { group: { id: CHANNEL }, member: { id: bo.id } } },
      ],
      malformed: [
        { payload: null, mentions: 'payload' },
        { payload: { op: GatewayOpcodes.Heartbeat, d: 41 }, mentions: 'op' },
        { payload: { ...message({ id: '1100000000000001010' }), d: { ...message({ id: '1100000000000001010' }).d, author: undefined } }, mentions: 'd.author' },
        { payload: message({ id: 'not-a-snowflake' }), mentions: 'd.id' },
        { payload: message({ id: '1100000000000001011', timestamp: 'yesterday' }), mentions: 'd.timestamp' },
        { payload: { ...reactionAdd, received_at: undefined }, mentions: 'received_at' },
        { payload: { ...memberAdd, d: { ...memberAdd.d, guild_id: undefined } }, mentions: 'd.guild_id' },
      ],
      sent: async () => fake.calls.map(asSent).filter((c): c is SentCall => !!c),
      refuseNext(count, refusal) {
        for (let i = 0; i < count; i++) fake.refusals.push(refusal.retryable ? { status: 429, ...(refusal.retryAfterMs !== undefined ? { retryAfterMs: refusal.retryAfterMs } : {}) } : { status: 403 });
      },
      async close() {
        await adapter.stop();
        await fake.close();
      },
    };
  },
});

describe('discord adapter', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  async function rig(clock?: () => number) {
    const fake = await fakeDiscordRest();
    const adapter = adapterOn(fake.api, clock);
    cleanups.push(() => fake.close(), () => adapter.stop());
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
    const [forwarded] = adapter.normalize(message({ id: '1100000000000002005', content: '', message_reference: { type: MessageReferenceType.Forward, message_id: '1100000000000000500', channel_id: CHANNEL } })).map(parseEvent);
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
    cleanups.push(() => fake.close(), () => adapter.stop());
    await adapter.send(outbound({ type: 'remove_member', groupId: 1, memberId: 7 }));
    await adapter.send(outbound({ type: 'ban_member', groupId: 1, memberId: 7 }, 'k2'));
    expect(fake.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`DELETE /guilds/${GUILD}/members/${bo.id}`, `PUT /guilds/${GUILD}/bans/${bo.id}`]);
    await expect(adapter.send(outbound({ type: 'remove_member', groupId: 1, memberId: 7 }, 'k3', '1100000000000000777'))).rejects.toMatchObject({ platform: 'discord', method: 'kickMember', retryable: false, code: 404 });
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
    expect(await adapter.send(outbound({ type: 'send_message', groupId: 1, text: 'hi', mentions: [] }, 'g1')).catch((e: unknown) => e)).toMatchObject({ retryable: true, retryAfterMs: 1_000, code: 429 });
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
    let adapter: DiscordAdapter | undefined;
    try {
      const ws = await setUpWorkspace(runtime.store.db, 'acme', 'Acme');
      const connections = new ConnectionStore(runtime.store.db, new SecretBox('test-secret-'.repeat(4)));
      const summary = await connections.add({ workspaceId: ws.id, platform: 'discord', name: 'makers', settings: { token: TOKEN, homeChannels: { [GUILD]: CHANNEL } } });
      adapter = await openDiscordConnection(runtime, await connections.get(summary.id), { api: fake.api });
      expect(runtime.connections.get(summary.id)).toBe(adapter);
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
      ]) fake.gateway.dispatch(p);

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
      await adapter?.stop();
      await runtime.close();
      await made.cleanup();
      await fake.close();
    }
  });

  it('opens a send-only connection for a worker, without a gateway session', async () => {
    const fake = await fakeDiscordRest();
    const connections = new Map();
    const adapter = await openDiscordConnection(
      { connections, clock: Date.now, receive: async () => expect.fail('a send-only connection receives nothing') },
      { id: 3, workspaceId: 1, platform: 'discord', name: 'makers', status: 'active', settings: { token: TOKEN }, createdAt: 0 },
      { api: fake.api, listen: false },
    );
    try {
      expect(connections.get(3)).toBe(adapter);
      await adapter.send({ idempotencyKey: 'w1', action: { type: 'send_message', groupId: 1, text: 'from a worker', mentions: [] }, group: { id: 1, externalId: CHANNEL, name: 'general' }, members: new Map() });
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
      const error = await adapter.start(async () => {}).catch((e: unknown) => e);
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
      const error = await adapter.start(async () => {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PlatformError);
      expect(error).toMatchObject({ platform: 'discord', method: 'login', retryable: false });
      expect((error as Error).message).not.toContain(TOKEN);
    } finally {
      await adapter.stop();
      await fake.close();
    }
  });
});
