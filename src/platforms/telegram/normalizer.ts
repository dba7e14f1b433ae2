import { z } from 'zod';
import type { EventInput, JoinMethod, PersonRef } from '../../core/event.js';
import { toStorable } from '../../core/stored-text.js';
import { InvalidPayloadError } from '../platform-adapter.js';

/**
 * Telegram Bot API `Update` → Hearth Events.
 *
 * Only the fields Hearth reads are validated (zod), so a malformed update is refused
 * with the field named and a new Telegram field never breaks anything. Updates of
 * kinds Hearth does not use, private chats, channels and service messages yield no
 * events (`ignored` says why) rather than an error.
 *
 * Dedup keys are built from Telegram's own ids, never from the bot's `update_id`, so
 * the same thing seen twice — redelivered, received by two bots of one workspace, or
 * in both of Telegram's forms (a `chat_member` update and a `new_chat_members`
 * service message for one join) — is one event:
 * - message / command `tg:<chat>:<message_id>`; an edit `tg:<chat>:<message_id>:e<edit_date>`
 * - join `tg:<chat>:join:<user>:<date>`, leave `tg:<chat>:leave:<user>:<date>`
 * - reaction `tg:<chat>:<message_id>:react:<actor>:<date>:<+|-><emoji>`
 */

const int = z.number().int();
/** Unix seconds, up to the end of year 9999 (a later one has no ISO time an Event can carry). */
const unixTime = int.nonnegative().max(253_402_300_799, 'is not a date before the year 10000');

const userSchema = z.object({
  id: int,
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});

const chatSchema = z.object({
  id: int,
  type: z.string(),
  title: z.string().optional(),
  username: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});

const entitySchema = z.object({
  type: z.string(),
  offset: int.nonnegative(),
  length: int.nonnegative(),
  user: userSchema.optional(),
});

/** Message fields whose presence says what the message carries, in the order they are checked. */
const MEDIA_FIELDS = [
  ['animation', 'animation'], // before document: an animation message carries both
  ['photo', 'photo'],
  ['video', 'video'],
  ['video_note', 'video'],
  ['audio', 'audio'],
  ['voice', 'voice'],
  ['document', 'document'],
  ['sticker', 'sticker'],
  ['venue', 'location'],
  ['location', 'location'],
  ['contact', 'contact'],
  ['poll', 'poll'],
  ['dice', 'other'],
  ['game', 'other'],
  ['story', 'other'],
  ['invoice', 'other'],
  ['paid_media', 'other'],
  ['checklist', 'other'],
] as const;
type MediaKind = (typeof MEDIA_FIELDS)[number][1] | 'link';

const messageSchema = z.object({
  message_id: int,
  date: unixTime,
  chat: chatSchema,
  from: userSchema.optional(),
  sender_chat: chatSchema.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(entitySchema).optional(),
  caption_entities: z.array(entitySchema).optional(),
  reply_to_message: z.object({ message_id: int, forum_topic_created: z.unknown().optional() }).optional(),
  message_thread_id: int.optional(),
  is_topic_message: z.boolean().optional(),
  forward_origin: z.unknown().optional(),
  forward_date: int.optional(),
  edit_date: unixTime.optional(),
  new_chat_members: z.array(userSchema).optional(),
  left_chat_member: userSchema.optional(),
  new_chat_title: z.string().max(512).optional(),
  migrate_to_chat_id: int.optional(),
  migrate_from_chat_id: int.optional(),
  ...Object.fromEntries(MEDIA_FIELDS.map(([field]) => [field, z.unknown().optional()])),
});

const reactionTypeSchema = z.object({ type: z.string(), emoji: z.string().optional(), custom_emoji_id: z.string().optional() });

const reactionSchema = z.object({
  chat: chatSchema,
  message_id: int,
  user: userSchema.optional(),
  actor_chat: chatSchema.optional(),
  date: unixTime,
  old_reaction: z.array(reactionTypeSchema),
  new_reaction: z.array(reactionTypeSchema),
});

const chatMemberSchema = z.object({ status: z.string(), user: userSchema, is_member: z.boolean().optional() });

const chatMemberUpdatedSchema = z.object({
  chat: chatSchema,
  from: userSchema,
  date: unixTime,
  old_chat_member: chatMemberSchema,
  new_chat_member: chatMemberSchema,
  invite_link: z.object({ invite_link: z.string(), name: z.string().optional() }).optional(),
  via_join_request: z.boolean().optional(),
  via_chat_folder_invite_link: z.boolean().optional(),
});

const updateSchema = z.object({
  update_id: int.nonnegative(),
  message: messageSchema.optional(),
  edited_message: messageSchema.optional(),
  message_reaction: reactionSchema.optional(),
  chat_member: chatMemberUpdatedSchema.optional(),
  my_chat_member: chatMemberUpdatedSchema.optional(),
});

type TgUser = z.infer<typeof userSchema>;
type TgChat = z.infer<typeof chatSchema>;
type TgMessage = z.infer<typeof messageSchema>;
type TgEntity = z.infer<typeof entitySchema>;
type TgReactionType = z.infer<typeof reactionTypeSchema>;
type TgChatMember = z.infer<typeof chatMemberSchema>;
type TgChatMemberUpdated = z.infer<typeof chatMemberUpdatedSchema>;

/** A basic group became a supergroup: Telegram moved it to a new chat id. */
export interface TelegramChatMigration {
  /** The old (basic group) chat id. */
  from: string;
  /** The supergroup's chat id, which every later update and send uses. */
  to: string;
  occurredAt: string;
}

/** What one update amounts to. */
export interface TelegramUpdateReading {
  updateId: number;
  events: EventInput[];
  /** Set for the two service messages that announce a group → supergroup migration. */
  migration?: TelegramChatMigration;
  /** Why an update yielded nothing (a private chat, a service message, an unused update kind…). */
  ignored?: string;
}

export interface TelegramNormalizeOptions {
  /** The bot's username: `/cmd@otherbot` is then a plain message, not a command for Hearth. */
  botUsername?: string;
}

/** Telegram Update → Events. Throws InvalidPayloadError naming each bad field. */
export function normalizeTelegramUpdate(payload: unknown, options: TelegramNormalizeOptions = {}): EventInput[] {
  return readTelegramUpdate(payload, options).events;
}

/** Like normalizeTelegramUpdate, also telling migrations and why an update was ignored. */
export function readTelegramUpdate(payload: unknown, options: TelegramNormalizeOptions = {}): TelegramUpdateReading {
  const parsed = updateSchema.safeParse(payload);
  if (!parsed.success)
    throw new InvalidPayloadError(
      'telegram',
      parsed.error.issues.map((i) => `${i.path.join('.') || '(update)'}: ${i.message}`),
    );
  const u = parsed.data;
  const result = (r: Reading): TelegramUpdateReading => ({ ...r, updateId: u.update_id, events: r.events ?? [] });
  if (u.message) return result(fromMessage(u.message, false, options, 'message'));
  if (u.edited_message) return result(fromMessage(u.edited_message, true, options, 'edited_message'));
  if (u.message_reaction) return result(fromReaction(u.message_reaction));
  if (u.chat_member) return result(fromChatMember(u.chat_member, 'chat_member'));
  if (u.my_chat_member) return result(fromChatMember(u.my_chat_member, 'my_chat_member'));
  const kind = typeof payload === 'object' && payload ? Object.keys(payload).find((k) => k !== 'update_id') : undefined;
  return result({ ignored: `update kind ${kind ?? '(none)'} is not used` });
}

type Reading = { events?: EventInput[]; migration?: TelegramChatMigration; ignored?: string };

const isGroupChat = (chat: TgChat) => chat.type === 'group' || chat.type === 'supergroup';
const at = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();
const clip = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);

function groupOf(chat: TgChat) {
  return { id: String(chat.id), ...(chat.title ? { title: clip(chat.title, 512) } : {}) };
}

function personOf(user: TgUser): PersonRef {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return {
    id: String(user.id),
    ...(name ? { name: clip(name, 512) } : {}),
    ...(user.username ? { username: clip(user.username, 200) } : {}),
    ...(user.is_bot ? { isBot: true } : {}),
  };
}

/** A chat speaking as itself: an anonymous group admin, or a channel posting into its discussion group. */
function chatAsPerson(chat: TgChat): PersonRef {
  const name = chat.title ?? [chat.first_name, chat.last_name].filter(Boolean).join(' ');
  return { id: String(chat.id), ...(name ? { name: clip(name, 512) } : {}), ...(chat.username ? { username: clip(chat.username, 200) } : {}) };
}

function fromMessage(m: TgMessage, edited: boolean, options: TelegramNormalizeOptions, field: string): Reading {
  if (!isGroupChat(m.chat)) return { ignored: `${m.chat.type} chat` };
  const group = groupOf(m.chat);
  const chatId = group.id;
  if (m.migrate_to_chat_id !== undefined) return { migration: { from: chatId, to: String(m.migrate_to_chat_id), occurredAt: at(m.date) }, ignored: 'migration notice' };
  if (m.migrate_from_chat_id !== undefined) return { migration: { from: String(m.migrate_from_chat_id), to: chatId, occurredAt: at(m.date) }, ignored: 'migration notice' };
  const base = { platform: 'telegram' as const, occurredAt: at(m.date), group };

  if (!edited && m.new_chat_members && m.new_chat_members.length > 0) {
    return {
      events: m.new_chat_members.map((user) => {
        const byOther = m.from !== undefined && m.from.id !== user.id;
        return {
          ...base,
          kind: 'member.joined' as const,
          dedupKey: joinKey(chatId, user.id, m.date),
          member: personOf(user),
          method: byOther ? 'invite' : 'unknown',
          ...(byOther ? { inviter: personOf(m.from!) } : {}),
        };
      }),
    };
  }
  if (!edited && m.left_chat_member) {
    const user = m.left_chat_member;
    const byOther = m.from !== undefined && m.from.id !== user.id;
    return { events: [{ ...base, kind: 'member.left', dedupKey: leaveKey(chatId, user.id, m.date), member: personOf(user), ...(byOther ? { removedBy: personOf(m.from!) } : {}) }] };
  }

  if (!edited && m.new_chat_title !== undefined && m.new_chat_title.trim()) {
    const actor = m.from ? personOf(m.from) : undefined;
    return { events: [{ ...base, kind: 'group.renamed', dedupKey: `tg:${chatId}:${m.message_id}`, title: m.new_chat_title, ...(actor ? { actor } : {}) }] };
  }

  const media = mediaOf(m);
  const text = m.text ?? m.caption;
  if (text === undefined && media === undefined) return { ignored: 'service message' };
  const actor = m.sender_chat ? chatAsPerson(m.sender_chat) : m.from ? personOf(m.from) : undefined;
  if (!actor) throw new InvalidPayloadError('telegram', [`${field}.from: a group message needs a sender (from or sender_chat)`]);
  const messageId = String(m.message_id);
  const dedupKey = edited ? `tg:${chatId}:${messageId}:e${m.edit_date ?? m.date}` : `tg:${chatId}:${messageId}`;
  const said = { ...base, occurredAt: at(edited ? (m.edit_date ?? m.date) : m.date) };

  if (!edited && m.text !== undefined) {
    const command = commandOf(m.text, m.entities, options.botUsername);
    if (command) return { events: [{ ...said, kind: 'command', dedupKey, actor, messageId, name: command.name, args: command.args }] };
  }
  const entities = m.text !== undefined ? m.entities : m.caption_entities;
  const replyTo = replyOf(m);
  return {
    events: [
      {
        ...said,
        kind: 'message',
        dedupKey,
        actor,
        messageId,
        text: clip(text ?? '', 65536),
        ...(media ? { media } : linkIn(entities) ? { media: 'link' as const } : {}),
        ...(replyTo ? { replyTo } : {}),
        mentions: mentionsIn(text ?? '', entities),
        ...(m.forward_origin !== undefined || m.forward_date !== undefined ? { forwarded: true } : {}),
        ...(edited ? { edited: true } : {}),
      },
    ],
  };
}

function mediaOf(m: TgMessage): MediaKind | undefined {
  const fields = m as Record<string, unknown>;
  for (const [field, kind] of MEDIA_FIELDS) if (fields[field] !== undefined) return kind;
  return undefined;
}

const linkIn = (entities: TgEntity[] | undefined) => entities?.some((e) => e.type === 'url' || e.type === 'text_link') ?? false;

/** A reply to another message of the chat. In a forum topic, pointing at the topic's first message is not a reply. */
function replyOf(m: TgMessage): string | undefined {
  const r = m.reply_to_message;
  if (!r) return undefined;
  if (r.forum_topic_created !== undefined) return undefined;
  if (m.is_topic_message && r.message_id === m.message_thread_id) return undefined;
  return String(r.message_id);
}

/** `text_mention` → the user's id; `@username` mentions → `@username` (Telegram does not say whose id it is). */
function mentionsIn(text: string, entities: TgEntity[] | undefined): string[] {
  const out = new Set<string>();
  for (const e of entities ?? []) {
    if (e.type === 'text_mention' && e.user) out.add(String(e.user.id));
    else if (e.type === 'mention') {
      const handle = text.slice(e.offset, e.offset + e.length);
      if (/^@[A-Za-z0-9_]{1,64}$/.test(handle)) out.add(handle);
    }
    if (out.size >= 200) break;
  }
  return [...out];
}

const COMMAND = /^\/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+([\s\S]*))?$/;

function commandOf(text: string, entities: TgEntity[] | undefined, botUsername: string | undefined): { name: string; args: string } | undefined {
  if (!text.startsWith('/')) return undefined;
  if (entities && !entities.some((e) => e.type === 'bot_command' && e.offset === 0)) return undefined;
  const match = COMMAND.exec(text);
  if (!match) return undefined;
  const target = match[2];
  if (target && botUsername && target.toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return { name: match[1]!.toLowerCase(), args: clip((match[3] ?? '').trim(), 4096) };
}

/** The reaction as an Event's emoji; part of the dedup key, so made storable here (see core/stored-text.ts). */
function reactionKey(r: TgReactionType): string | undefined {
  if (r.type === 'emoji' && r.emoji) return toStorable(clip(r.emoji, 64)) || undefined;
  if (r.type === 'custom_emoji' && r.custom_emoji_id) return toStorable(clip(`custom:${r.custom_emoji_id}`, 64));
  if (r.type === 'paid') return '⭐';
  return undefined;
}

function fromReaction(r: z.infer<typeof reactionSchema>): Reading {
  if (!isGroupChat(r.chat)) return { ignored: `reaction in a ${r.chat.type} chat` };
  const actor = r.user ? personOf(r.user) : r.actor_chat ? chatAsPerson(r.actor_chat) : undefined;
  if (!actor) throw new InvalidPayloadError('telegram', ['message_reaction.user: a reaction needs user or actor_chat']);
  const keys = (list: TgReactionType[]) => new Set(list.map(reactionKey).filter((k): k is string => k !== undefined));
  const before = keys(r.old_reaction);
  const after = keys(r.new_reaction);
  const group = groupOf(r.chat);
  const messageId = String(r.message_id);
  const event = (emoji: string, added: boolean): EventInput => ({
    platform: 'telegram',
    kind: 'reaction',
    dedupKey: `tg:${group.id}:${messageId}:react:${actor.id}:${r.date}:${added ? '+' : '-'}${emoji}`,
    occurredAt: at(r.date),
    group,
    actor,
    messageId,
    emoji,
    added,
  });
  const events = [...[...after].filter((e) => !before.has(e)).map((e) => event(e, true)), ...[...before].filter((e) => !after.has(e)).map((e) => event(e, false))];
  return events.length > 0 ? { events } : { ignored: 'reaction unchanged' };
}

/** In the chat, as Telegram counts membership: owner, admin, member, or restricted but still a member. */
function isIn(member: TgChatMember): boolean {
  if (member.status === 'creator' || member.status === 'administrator' || member.status === 'member') return true;
  if (member.status === 'restricted') return member.is_member !== false;
  return false;
}

function fromChatMember(cm: TgChatMemberUpdated, field: string): Reading {
  if (!isGroupChat(cm.chat)) return { ignored: `${field} in a ${cm.chat.type} chat` };
  const group = groupOf(cm.chat);
  const user = cm.new_chat_member.user;
  const wasIn = isIn(cm.old_chat_member);
  const nowIn = isIn(cm.new_chat_member);
  const base = { platform: 'telegram' as const, occurredAt: at(cm.date), group, member: personOf(user) };
  const byOther = cm.from.id !== user.id;
  if (!wasIn && nowIn) {
    let method: JoinMethod = 'unknown';
    let code: string | undefined;
    let inviter: PersonRef | undefined;
    if (cm.invite_link) {
      method = cm.via_join_request ? 'request' : 'link';
      code = clip(cm.invite_link.name || cm.invite_link.invite_link, 200);
    } else if (cm.via_join_request) method = 'request';
    else if (cm.via_chat_folder_invite_link) method = 'link';
    else if (byOther) {
      method = 'invite';
      inviter = personOf(cm.from);
    }
    return { events: [{ ...base, kind: 'member.joined', dedupKey: joinKey(group.id, user.id, cm.date), method, ...(code ? { code } : {}), ...(inviter ? { inviter } : {}) }] };
  }
  if (wasIn && !nowIn) {
    return { events: [{ ...base, kind: 'member.left', dedupKey: leaveKey(group.id, user.id, cm.date), ...(byOther ? { removedBy: personOf(cm.from) } : {}) }] };
  }
  return { ignored: `${field}: ${cm.old_chat_member.status} → ${cm.new_chat_member.status}` };
}

const joinKey = (chat: string, user: number, date: number) => `tg:${chat}:join:${user}:${date}`;
const leaveKey = (chat: string, user: number, date: number) => `tg:${chat}:leave:${user}:${date}`;
