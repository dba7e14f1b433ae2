import { z } from 'zod';
import type { EventInput, JoinMethod } from '../core/event.js';
import { ImportError, clipName, clipText, nameId, readJsonFile, type ImportItem, type ImportSource, type ReadContext } from './import-source.js';
import { JsonStreamParser, type JsonPath, type JsonValue } from './json-stream.js';
import { epochFromUnix, isoOf, parseIsoDateTime } from './wall-clock.js';

/**
 * Telegram Desktop's JSON export ("Export chat history" → JSON, or "Export
 * Telegram data" → JSON): a single chat `{name, type, id, messages:[…]}` or the
 * full account `{…, chats:{list:[…]}, left_chats:{list:[…]}}`. Each group chat
 * (basic group or supergroup, left ones included) becomes a group; personal chats,
 * bots, saved messages and channels are skipped.
 *
 * Read with the streaming JSON parser: only one message is ever built at a time.
 *
 * Ids. Groups get the Bot API chat id (-100… for supergroups, -… for basic
 * groups) and members their user id, the ids a live bot sees. A message's dedup
 * key is `tg:<bot api chat id>:<message id>`, which a live Telegram adapter
 * can produce from `message.chat.id` and `message.message_id`, so history imported
 * after (or before) the bot was added does not count a message twice. Members the
 * export names without an id (invite and remove lists) get a name id scoped to the
 * chat (see nameId); their join/leave keys add `:<position in the list>`.
 *
 * Figures (ref_figures.py): messages are entries with type "message"; senders are
 * from_id, else the display name; joins are join_group_by_link,
 * join_group_by_request and one per name in invite_members; leaves one per name in
 * remove_members. Times: `date_unixtime` when present (the true instant), else
 * `date` as wall-clock time in --tz (UTC by default).
 */

const GROUP_TYPES = new Set(['private_group', 'private_supergroup', 'public_supergroup']);

const textPart = z.union([z.string(), z.looseObject({ type: z.string().optional(), text: z.string(), user_id: z.union([z.number(), z.string()]).optional() })]);
const personName = z.string().nullable().optional();
const personId = z.union([z.string(), z.number()]).nullable().optional();

const messageSchema = z.looseObject({
  id: z.number().int(),
  type: z.string(),
  date: z.string().optional(),
  date_unixtime: z.union([z.string(), z.number()]).optional(),
  from: personName,
  from_id: personId,
  actor: personName,
  actor_id: personId,
  action: z.string().optional(),
  members: z.array(z.string().nullable()).nullable().optional(),
  text: z.union([z.string(), z.array(textPart)]).optional(),
  reply_to_message_id: z.number().int().optional(),
  forwarded_from: z.string().nullable().optional(),
  edited: z.string().optional(),
  media_type: z.string().optional(),
  photo: z.unknown().optional(),
  file: z.unknown().optional(),
  poll: z.unknown().optional(),
  location_information: z.unknown().optional(),
  contact_information: z.unknown().optional(),
});
type TgMessage = z.infer<typeof messageSchema>;

export interface ChatMeta {
  name?: string | undefined;
  type?: string | undefined;
  id?: number | string | undefined;
}

const MEDIA: Record<string, NonNullable<EventInput & { kind: 'message' }>['media']> = {
  sticker: 'sticker',
  animation: 'animation',
  video_file: 'video',
  video_message: 'video',
  voice_message: 'voice',
  audio_file: 'audio',
};

export class TelegramJsonSource implements ImportSource {
  constructor(readonly files: readonly string[]) {}

  async *read(ctx: ReadContext): AsyncIterable<ImportItem> {
    for (const file of this.files) yield* this.#readFile(file, ctx);
  }

  async *#readFile(file: string, ctx: ReadContext): AsyncGenerator<ImportItem> {
    const chats = new Map<string, ChatMeta>();
    const queue: ImportItem[] = [];
    let sawChat = false;

    const chatKeyOf = (path: JsonPath, depth: number): string | null => {
      if (depth === 0) return 'root';
      const [section, list, index] = path;
      if ((section === 'chats' || section === 'left_chats') && list === 'list' && typeof index === 'number') return `${section}[${index}]`;
      return null;
    };
    const metaOf = (key: string): ChatMeta => {
      const memo = ctx.pass === 2 ? (ctx.memo.get(`${file}#${key}`) as ChatMeta | undefined) : undefined;
      if (memo) return memo;
      let m = chats.get(key);
      if (!m) chats.set(key, (m = {}));
      return m;
    };

    const parser = new JsonStreamParser({
      capture(path) {
        const n = path.length;
        if (n === 1) return path[0] === 'name' || path[0] === 'type' || path[0] === 'id';
        if (n === 2) return path[0] === 'messages' && typeof path[1] === 'number';
        if (n === 4) return chatKeyOf(path, 3) !== null && (path[3] === 'name' || path[3] === 'type' || path[3] === 'id');
        if (n === 5) return chatKeyOf(path, 3) !== null && path[3] === 'messages' && typeof path[4] === 'number';
        return false;
      },
      onValue(path, value) {
        const depth = path.length === 1 || path.length === 2 ? 0 : 3;
        const key = chatKeyOf(path, depth)!;
        const field = path[depth];
        if (field !== 'messages') {
          const meta = chats.get(key) ?? {};
          chats.set(key, meta);
          if (field === 'name') meta.name = typeof value === 'string' ? value : undefined;
          else if (field === 'type') meta.type = typeof value === 'string' ? value : undefined;
          else if (typeof value === 'number' || typeof value === 'string') meta.id = value;
          return;
        }
        sawChat = true;
        const index = path[depth + 1] as number;
        const where = key === 'root' ? '' : `${key} `;
        const parsed = messageSchema.safeParse(value);
        if (!parsed.success) {
          const id = value && typeof value === 'object' && !Array.isArray(value) ? value.id : undefined;
          const issue = parsed.error.issues[0]!;
          throw new ImportError(file, `${where}${typeof id === 'number' ? `message ${id}` : `messages[${index}]`}`, `${issue.path.join('.') || 'entry'}: ${issue.message}`);
        }
        const meta = metaOf(key);
        for (const event of eventsOf(parsed.data, meta, file, `${where}message ${parsed.data.id}`, ctx)) queue.push({ event, file, entry: `${where}message ${parsed.data.id}` });
      },
      onClose(path) {
        const key = path.length === 0 ? 'root' : path.length === 3 ? chatKeyOf(path, 3) : null;
        const meta = key ? chats.get(key) : undefined;
        if (!key || !meta || ctx.pass !== 1) return;
        ctx.memo.set(`${file}#${key}`, meta);
        if (!isGroupChat(meta)) ctx.passOver(`chats that are not groups (${meta.type})`);
      },
    });

    yield* readJsonFile(file, parser, queue, ctx, entryOf);
    yield* queue;
    if (!sawChat && chats.size === 0) throw new ImportError(file, null, 'not a Telegram export: no "messages" and no "chats.list" in it');
  }
}

/** The entry a parser position is in: `message 1234`, `chats[3] messages[12]`, or the JSON path and line. */
function entryOf(path: string, capturedId: JsonValue | undefined, line: number): string {
  const m = /^(?:(chats|left_chats)\.list\[(\d+)\]\.)?messages\[(\d+)\]/.exec(path);
  if (!m) return path ? `at ${path}, line ${line}` : `line ${line}`;
  const where = m[1] ? `${m[1]}[${m[2]}] ` : '';
  return `${where}${typeof capturedId === 'number' ? `message ${capturedId}` : `messages[${m[3]}]`}, line ${line}`;
}

function isGroupChat(meta: ChatMeta): boolean {
  return meta.type === undefined || GROUP_TYPES.has(meta.type);
}

/** The chat id a bot sees: -100<id> for supergroups, -<id> for basic groups. */
export function botApiChatId(meta: ChatMeta): string {
  const id = String(meta.id ?? '0');
  if (meta.type === 'private_group') return `-${id}`;
  if (meta.type && /supergroup|channel/.test(meta.type)) return `-100${id}`;
  return id;
}

/** A Telegram person id from the export's `from_id`/`actor_id` ("user123", "channel123", or a number in old exports). */
export function telegramPersonId(fromId: string | number | null | undefined, name: string | null | undefined, chatId: string): string {
  if (typeof fromId === 'number') return String(fromId);
  if (typeof fromId === 'string' && fromId) {
    let m = /^user(\d+)$/.exec(fromId);
    if (m) return m[1]!;
    m = /^channel(\d+)$/.exec(fromId);
    if (m) return `-100${m[1]}`;
    m = /^chat(\d+)$/.exec(fromId);
    if (m) return `-${m[1]}`;
    return fromId;
  }
  return nameId(chatId, name ?? '');
}

function textOf(text: TgMessage['text']): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  return text.map((p) => (typeof p === 'string' ? p : p.text)).join('');
}

function mentionsOf(text: TgMessage['text']): string[] {
  if (!Array.isArray(text)) return [];
  const out: string[] = [];
  for (const p of text) if (typeof p !== 'string' && p.type === 'mention_name' && p.user_id !== undefined) out.push(String(p.user_id));
  return [...new Set(out)].slice(0, 200);
}

function mediaOf(m: TgMessage): (EventInput & { kind: 'message' })['media'] {
  if (m.media_type && MEDIA[m.media_type]) return MEDIA[m.media_type];
  if (m.photo !== undefined) return 'photo';
  if (m.poll !== undefined) return 'poll';
  if (m.location_information !== undefined) return 'location';
  if (m.contact_information !== undefined) return 'contact';
  if (m.file !== undefined) return 'document';
  return undefined;
}

function eventsOf(m: TgMessage, meta: ChatMeta, file: string, entry: string, ctx: ReadContext): EventInput[] {
  if (!isGroupChat(meta)) return [];
  if (m.type !== 'message' && m.type !== 'service') {
    if (ctx.pass === 1) ctx.passOver(`entries of type ${m.type}`);
    return [];
  }
  let at: number | null = null;
  if (m.date_unixtime !== undefined) at = epochFromUnix(m.date_unixtime);
  if (at === null && m.date !== undefined) at = parseIsoDateTime(m.date, ctx.tz);
  if (at === null) throw new ImportError(file, entry, m.date === undefined ? 'no date' : `unreadable date ${JSON.stringify(m.date)}`);

  const chatId = botApiChatId(meta);
  const group = { id: chatId, ...(meta.name ? { title: meta.name.slice(0, 512) } : {}) };
  const base = { platform: 'telegram' as const, occurredAt: isoOf(at), group };

  if (m.type === 'message') {
    const media = mediaOf(m);
    const mentions = mentionsOf(m.text);
    return [
      {
        ...base,
        kind: 'message',
        dedupKey: `tg:${chatId}:${m.id}`,
        actor: { id: telegramPersonId(m.from_id, m.from, chatId), ...(m.from ? { name: clipName(m.from) } : {}) },
        messageId: String(m.id),
        text: clipText(textOf(m.text)),
        ...(media ? { media } : {}),
        ...(m.reply_to_message_id !== undefined ? { replyTo: String(m.reply_to_message_id) } : {}),
        ...(mentions.length ? { mentions } : {}),
        ...(m.forwarded_from !== undefined ? { forwarded: true } : {}),
      },
    ];
  }

  const actor = { id: telegramPersonId(m.actor_id, m.actor, chatId), ...(m.actor ? { name: clipName(m.actor) } : {}) };
  const key = (i: number) => `tg:${chatId}:${m.id}:service:${i}`;
  switch (m.action) {
    case 'join_group_by_link':
    case 'join_group_by_request': {
      const method: JoinMethod = m.action === 'join_group_by_link' ? 'link' : 'request';
      return [{ ...base, kind: 'member.joined', dedupKey: key(0), member: actor, method }];
    }
    case 'invite_members':
      return (m.members ?? []).map((name, i): EventInput => {
        const self = name !== null && name === m.actor;
        const member = self ? actor : { id: nameId(chatId, name ?? ''), ...(name ? { name: clipName(name) } : {}) };
        return { ...base, kind: 'member.joined', dedupKey: key(i), member, method: self ? 'unknown' : 'invite', ...(self ? {} : { inviter: actor }) };
      });
    case 'remove_members':
      return (m.members ?? []).map((name, i): EventInput => {
        const self = name !== null && name === m.actor;
        const member = self ? actor : { id: nameId(chatId, name ?? ''), ...(name ? { name: clipName(name) } : {}) };
        return { ...base, kind: 'member.left', dedupKey: key(i), member, ...(self ? {} : { removedBy: actor }) };
      });
    default:
      if (ctx.pass === 1) ctx.passOver(`service entries (${m.action ?? 'no action'})`);
      return [];
  }
}
