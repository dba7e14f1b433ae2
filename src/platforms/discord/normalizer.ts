import type { z } from 'zod';
import type { EventInput } from '../../core/event.js';
import { InvalidPayloadError } from '../platform-adapter.js';
import { isThreadType, type ChannelDirectory } from './channel-directory.js';
import {
  channelSchema,
  dispatchSchema,
  guildCreateSchema,
  guildUpdateSchema,
  memberAddSchema,
  memberRemoveSchema,
  messageCreateSchema,
  reactionSchema,
  readySchema,
  threadListSyncSchema,
  threadSchema,
  type DiscordDispatch,
  type DiscordMember,
  type DiscordUser,
} from './discord-payload.js';

type Media = Extract<EventInput, { kind: 'message' }>['media'];

/** Message types that are members talking: DEFAULT and REPLY. Joins, pins, boosts, thread notices… are Discord's own lines. */
const MEMBER_MESSAGE_TYPES = new Set([0, 19]);
const FORWARD = 1;
const IS_VOICE_MESSAGE = 1 << 13;
const COMMAND = /^\/([a-z0-9_]{1,64})(?:@\S+)?(?:\s+([\s\S]*))?$/i;
const URL_IN_TEXT = /\bhttps?:\/\/\S+/i;

function parse<T extends z.ZodType>(schema: T, value: unknown, prefix: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new InvalidPayloadError(
      'discord',
      parsed.error.issues.map((i) => `${[prefix, ...i.path].filter((p) => p !== '').join('.') || '(payload)'}: ${i.message}`),
    );
  return parsed.data;
}

const person = (user: DiscordUser, member?: DiscordMember | null, nick?: string | null, webhook = false) => ({
  id: user.id,
  name: (nick ?? member?.nick ?? user.global_name ?? user.username).slice(0, 512),
  username: user.username,
  ...(user.bot || webhook ? { isBot: true } : {}),
});

function receivedAt(p: DiscordDispatch): number {
  if (p.received_at === undefined) throw new InvalidPayloadError('discord', [`received_at: ${p.t} carries no time; the receiver stamps received_at (epoch ms)`]);
  return p.received_at;
}

function mediaOf(m: z.infer<typeof messageCreateSchema>): Media {
  const first = m.attachments[0];
  if (first) {
    const type = first.content_type ?? '';
    if ((m.flags ?? 0) & IS_VOICE_MESSAGE) return 'voice';
    if (type === 'image/gif') return 'animation';
    if (type.startsWith('image/')) return 'photo';
    if (type.startsWith('video/')) return 'video';
    if (type.startsWith('audio/')) return 'audio';
    return 'document';
  }
  if (m.sticker_items?.length) return 'sticker';
  if (m.poll) return 'poll';
  if (URL_IN_TEXT.test(m.content)) return 'link';
  return undefined;
}

/** Records what a dispatch says about guilds, channels and threads. */
function observe(p: DiscordDispatch, directory: ChannelDirectory): void {
  const addChannel = (c: z.infer<typeof channelSchema>, guildId?: string) => {
    const guild = c.guild_id ?? guildId;
    if (!guild) return;
    directory.setChannel({ id: c.id, guildId: guild, type: c.type, ...(c.name ? { name: c.name } : {}), ...(c.parent_id ? { parentId: c.parent_id } : {}) });
  };
  switch (p.t) {
    case 'READY':
      directory.selfId = parse(readySchema, p.d, 'd').user.id;
      break;
    case 'GUILD_CREATE': {
      const g = parse(guildCreateSchema, p.d, 'd');
      directory.setGuild(g.id, { ...(g.name !== undefined ? { name: g.name } : {}), systemChannelId: g.system_channel_id ?? null });
      for (const c of [...(g.channels ?? []), ...(g.threads ?? [])]) addChannel(c, g.id);
      break;
    }
    case 'GUILD_UPDATE': {
      const g = parse(guildUpdateSchema, p.d, 'd');
      directory.setGuild(g.id, { ...(g.name !== undefined ? { name: g.name } : {}), systemChannelId: g.system_channel_id ?? null });
      break;
    }
    case 'CHANNEL_CREATE':
    case 'CHANNEL_UPDATE':
      addChannel(parse(channelSchema, p.d, 'd'));
      break;
    case 'THREAD_CREATE':
    case 'THREAD_UPDATE':
      addChannel(parse(threadSchema, p.d, 'd'));
      break;
    case 'THREAD_LIST_SYNC': {
      const sync = parse(threadListSyncSchema, p.d, 'd');
      for (const t of sync.threads) addChannel(t, sync.guild_id);
      break;
    }
  }
}

/**
 * A gateway dispatch → Events. Guild text channels are groups; a thread's messages
 * and reactions belong to its parent channel's group. Members join and leave a
 * guild, not a channel, so those are counted once, in the guild's home channel (see
 * DiscordSettings.homeChannels) — mapping them to every channel would count one
 * newcomer N times and welcome them N times. Dedup keys are Discord's snowflakes;
 * where a dispatch has none (reactions, removals) the ids involved plus the time.
 * Dispatches Hearth does not use yield nothing; structural ones (READY, GUILD_CREATE,
 * CHANNEL_*, THREAD_*) update the directory.
 */
export function normalizeDiscordDispatch(payload: unknown, directory: ChannelDirectory, homeChannels: Readonly<Record<string, string>> = {}): EventInput[] {
  const p = parse(dispatchSchema, payload, '');
  observe(p, directory);
  switch (p.t) {
    case 'MESSAGE_CREATE': {
      const m = parse(messageCreateSchema, p.d, 'd');
      if (!m.guild_id || m.author.id === directory.selfId || !MEMBER_MESSAGE_TYPES.has(m.type)) return [];
      const { thread, ...group } = directory.groupOf(m.channel_id);
      if (thread) directory.noteThreadMessage(m.id, thread.id);
      const base = {
        platform: 'discord' as const,
        dedupKey: `discord:msg:${m.id}`,
        occurredAt: new Date(m.timestamp).toISOString(),
        group,
        actor: person(m.author, m.member, undefined, m.webhook_id !== undefined),
        messageId: m.id,
      };
      const forwarded = m.message_reference?.type === FORWARD;
      const media = mediaOf(m);
      const command = !media && !forwarded ? COMMAND.exec(m.content.trim()) : null;
      if (command) return [{ ...base, kind: 'command', name: command[1]!.toLowerCase(), args: command[2] ?? '' }];
      const replyTo = !forwarded && m.type === 19 ? m.message_reference?.message_id : undefined;
      return [
        {
          ...base,
          kind: 'message',
          text: m.content,
          ...(media ? { media } : {}),
          ...(replyTo ? { replyTo } : {}),
          ...(forwarded ? { forwarded: true } : {}),
          mentions: [...new Set(m.mentions.map((u) => u.id))].slice(0, 200),
        },
      ];
    }
    case 'MESSAGE_REACTION_ADD':
    case 'MESSAGE_REACTION_REMOVE': {
      const r = parse(reactionSchema, p.d, 'd');
      const at = receivedAt(p);
      if (!r.guild_id || r.user_id === directory.selfId) return [];
      const emoji = (r.emoji.id ? `<:${r.emoji.name ?? '_'}:${r.emoji.id}>` : (r.emoji.name ?? '')).slice(0, 64);
      if (!emoji) throw new InvalidPayloadError('discord', ['d.emoji: has neither id nor name']);
      const added = p.t === 'MESSAGE_REACTION_ADD';
      const { thread: _thread, ...group } = directory.groupOf(r.channel_id);
      return [
        {
          platform: 'discord',
          kind: 'reaction',
          dedupKey: `discord:reaction:${added ? 'add' : 'remove'}:${r.message_id}:${r.user_id}:${r.emoji.id ?? r.emoji.name}:${at}`.slice(0, 300),
          occurredAt: new Date(at).toISOString(),
          group,
          actor: r.member?.user ? person(r.member.user, r.member) : { id: r.user_id },
          messageId: r.message_id,
          emoji,
          added,
        },
      ];
    }
    case 'GUILD_MEMBER_ADD': {
      const m = parse(memberAddSchema, p.d, 'd');
      const home = homeChannel(m.guild_id, directory, homeChannels);
      if (!home) return [];
      return [
        {
          platform: 'discord',
          kind: 'member.joined',
          dedupKey: `discord:join:${m.guild_id}:${m.user.id}:${Date.parse(m.joined_at)}`,
          occurredAt: new Date(m.joined_at).toISOString(),
          group: home,
          member: person(m.user, undefined, m.nick),
          method: 'unknown',
        },
      ];
    }
    case 'GUILD_MEMBER_REMOVE': {
      const m = parse(memberRemoveSchema, p.d, 'd');
      const at = receivedAt(p);
      const home = homeChannel(m.guild_id, directory, homeChannels);
      if (!home) return [];
      return [
        {
          platform: 'discord',
          kind: 'member.left',
          dedupKey: `discord:leave:${m.guild_id}:${m.user.id}:${at}`,
          occurredAt: new Date(at).toISOString(),
          group: home,
          member: person(m.user),
        },
      ];
    }
    default:
      return [];
  }
}

/** The group a guild's joins and leaves are counted in: the configured home channel, else the guild's system channel. */
export function homeChannel(guildId: string, directory: ChannelDirectory, homeChannels: Readonly<Record<string, string>>): { id: string; title?: string } | undefined {
  const id = homeChannels[guildId] ?? directory.guild(guildId)?.systemChannelId;
  if (!id) return undefined;
  const title = directory.title(id);
  return { id, ...(title ? { title } : {}) };
}

/** Whether a dispatch is about a channel the directory cannot place yet (the receiver then asks Discord). */
export function unknownChannelOf(payload: unknown, directory: ChannelDirectory): string | undefined {
  const p = dispatchSchema.safeParse(payload);
  if (!p.success || !['MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE'].includes(p.data.t)) return undefined;
  const d = p.data.d as { channel_id?: unknown; guild_id?: unknown } | null;
  if (!d || typeof d.channel_id !== 'string' || typeof d.guild_id !== 'string') return undefined;
  const known = directory.channel(d.channel_id);
  if (!known) return d.channel_id;
  return isThreadType(known.type) && known.parentId && !directory.channel(known.parentId) ? known.parentId : undefined;
}
