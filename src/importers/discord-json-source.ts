import { z } from 'zod';
import type { EventInput } from '../core/event.js';
import { ImportError, clipName, clipText, readJsonFile, type ImportItem, type ImportSource, type ReadContext } from './import-source.js';
import { JsonStreamParser, type JsonValue } from './json-stream.js';
import { parseIsoDateTime, isoOf } from './wall-clock.js';

/**
 * DiscordChatExporter's JSON (`-f Json`): one channel per file,
 * `{guild, channel, dateRange, messages:[…], messageCount}`, streamed message by
 * message. The channel is the group (its snowflake is its id, as discord.js sees
 * it); a message's dedup key is `discord:<message snowflake>`, the key a live
 * Discord adapter can give the same message.
 *
 * Types (ref_figures.py): Default and Reply are messages (a `reference.messageId`
 * makes a reply); GuildMemberJoin is a join. On purpose beyond the reference:
 * RecipientAdd / RecipientRemove (a group DM gaining or losing a member) are a join
 * and a leave. Other system entries (pins, calls, thread notices, boosts) are not
 * events. Reactions become reaction events only when the export lists who reacted.
 */

const snowflake = z.string().regex(/^\d{1,25}$/, 'a Discord id is digits');
const user = z.looseObject({
  id: snowflake,
  name: z.string().nullable().optional(),
  nickname: z.string().nullable().optional(),
  isBot: z.boolean().optional(),
});
const messageSchema = z.looseObject({
  id: snowflake,
  type: z.string().default('Default'),
  timestamp: z.string(),
  content: z.string().nullable().optional(),
  author: user,
  reference: z.looseObject({ messageId: snowflake.nullable().optional() }).nullable().optional(),
  mentions: z.array(user).optional(),
  attachments: z.array(z.unknown()).optional(),
  stickers: z.array(z.unknown()).optional(),
  reactions: z
    .array(
      z.looseObject({
        emoji: z.looseObject({ id: z.string().nullable().optional(), name: z.string().nullable().optional(), code: z.string().nullable().optional() }),
        count: z.number().optional(),
        users: z.array(user).optional(),
      }),
    )
    .optional(),
});
type DiscordMessage = z.infer<typeof messageSchema>;

interface ChannelMeta {
  guild?: string | undefined;
  guildId?: string | undefined;
  channelId?: string | undefined;
  channel?: string | undefined;
}

export class DiscordJsonSource implements ImportSource {
  constructor(readonly files: readonly string[]) {}

  async *read(ctx: ReadContext): AsyncIterable<ImportItem> {
    for (const file of this.files) yield* this.#readFile(file, ctx);
  }

  async *#readFile(file: string, ctx: ReadContext): AsyncGenerator<ImportItem> {
    const found: ChannelMeta = {};
    const meta = (): ChannelMeta => (ctx.pass === 2 ? ((ctx.memo.get(file) as ChannelMeta | undefined) ?? found) : found);
    const queue: ImportItem[] = [];
    let messages = 0;
    const parser = new JsonStreamParser({
      capture(path) {
        if (path.length === 2)
          return (
            (path[0] === 'guild' && (path[1] === 'id' || path[1] === 'name')) ||
            (path[0] === 'channel' && (path[1] === 'id' || path[1] === 'name')) ||
            (path[0] === 'messages' && typeof path[1] === 'number')
          );
        return false;
      },
      onValue(path, value) {
        if (path[0] === 'guild' || path[0] === 'channel') {
          const v = typeof value === 'string' ? value : value === null ? undefined : String(value);
          if (path[0] === 'guild') path[1] === 'id' ? (found.guildId = v) : (found.guild = v);
          else path[1] === 'id' ? (found.channelId = v) : (found.channel = v);
          return;
        }
        messages++;
        const parsed = messageSchema.safeParse(value);
        const rawId = value && typeof value === 'object' && !Array.isArray(value) ? value.id : undefined;
        const entry = typeof rawId === 'string' ? `message ${rawId}` : `messages[${path[1]}]`;
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw new ImportError(file, entry, `${issue.path.join('.') || 'entry'}: ${issue.message}`);
        }
        const m = meta();
        if (!m.channelId && ctx.pass === 2) throw new ImportError(file, null, 'no channel.id in the export');
        for (const event of eventsOf(parsed.data, m, file, entry, ctx)) queue.push({ event, file, entry });
      },
    });
    yield* readJsonFile(file, parser, queue, ctx, entryOf);
    if (!found.channelId) throw new ImportError(file, null, 'not a DiscordChatExporter JSON export: no channel.id');
    if (ctx.pass === 1) ctx.memo.set(file, { ...found });
    if (messages === 0 && ctx.pass === 1) ctx.passOver('files without messages');
    yield* queue;
  }
}

/** The entry a parser position is in: `message <snowflake>`, `messages[12]`, or the JSON path and line. */
function entryOf(path: string, capturedId: JsonValue | undefined, line: number): string {
  const m = /^messages\[(\d+)\]/.exec(path);
  if (!m) return path ? `at ${path}, line ${line}` : `line ${line}`;
  return `${typeof capturedId === 'string' ? `message ${capturedId}` : `messages[${m[1]}]`}, line ${line}`;
}

function eventsOf(m: DiscordMessage, meta: ChannelMeta, file: string, entry: string, ctx: ReadContext): EventInput[] {
  const at = parseIsoDateTime(m.timestamp, ctx.tz);
  if (at === null) throw new ImportError(file, entry, `unreadable timestamp ${JSON.stringify(m.timestamp)}`);
  const title = [meta.guild, meta.channel ? `#${meta.channel}` : undefined].filter(Boolean).join(' ');
  const group = { id: meta.channelId ?? 'pending', ...(title ? { title: title.slice(0, 512) } : {}) };
  const base = { platform: 'discord' as const, occurredAt: isoOf(at), group };
  const author = person(m.author);
  switch (m.type) {
    case 'Default':
    case 'Reply': {
      const replyTo = m.reference?.messageId ?? undefined;
      const mentions = [...new Set((m.mentions ?? []).map((u) => u.id))].slice(0, 200);
      const media = m.attachments?.length ? 'document' : m.stickers?.length ? 'sticker' : undefined;
      const events: EventInput[] = [
        {
          ...base,
          kind: 'message',
          dedupKey: `discord:${m.id}`,
          actor: author,
          messageId: m.id,
          text: clipText(m.content ?? ''),
          ...(media ? { media } : {}),
          ...(replyTo ? { replyTo } : {}),
          ...(mentions.length ? { mentions } : {}),
        },
      ];
      for (const r of m.reactions ?? []) {
        const emoji = (r.emoji.code || r.emoji.name || r.emoji.id || '?').slice(0, 64);
        for (const u of r.users ?? []) {
          events.push({ ...base, kind: 'reaction', dedupKey: `discord:${m.id}:reaction:${r.emoji.id || emoji}:${u.id}`, actor: person(u), messageId: m.id, emoji });
        }
      }
      return events;
    }
    case 'GuildMemberJoin':
      return [{ ...base, kind: 'member.joined', dedupKey: `discord:${m.id}`, member: author, method: 'unknown' }];
    case 'RecipientAdd':
      return (m.mentions?.length ? m.mentions : [m.author]).map(
        (u, i): EventInput => ({ ...base, kind: 'member.joined', dedupKey: `discord:${m.id}:${i}`, member: person(u), method: 'invite', ...(u.id !== m.author.id ? { inviter: author } : {}) }),
      );
    case 'RecipientRemove':
      return (m.mentions?.length ? m.mentions : [m.author]).map(
        (u, i): EventInput => ({ ...base, kind: 'member.left', dedupKey: `discord:${m.id}:${i}`, member: person(u), ...(u.id !== m.author.id ? { removedBy: author } : {}) }),
      );
    default:
      if (ctx.pass === 1) ctx.passOver(`system entries (${m.type})`);
      return [];
  }
}

function person(u: { id: string; name?: string | null | undefined; nickname?: string | null | undefined; isBot?: boolean | undefined }) {
  const name = u.nickname || u.name;
  return { id: u.id, ...(name ? { name: clipName(name) } : {}), ...(u.name ? { username: u.name.slice(0, 200) } : {}), ...(u.isBot ? { isBot: true } : {}) };
}
