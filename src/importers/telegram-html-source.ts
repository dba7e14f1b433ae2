import { basename, dirname } from 'node:path';
import type { EventInput, JoinMethod } from '../core/event.js';
import { HtmlSyntaxError, HtmlTokenizer, decodeEntities, type HtmlHandler } from './html-tokenizer.js';
import { ImportError, clipName, clipText, collapseWhitespace, nameId, pyStrip, readTextChunks, shortHash, type ImportItem, type ImportSource, type ReadContext } from './import-source.js';
import { isValidWallTime, isoOf, wallTimeToEpoch } from './wall-clock.js';

/**
 * Telegram Desktop's HTML export: `messages.html`, `messages2.html` … of one chat,
 * read page by page in page order, each page streamed through the tokenizer.
 *
 * What an entry is (as ref_figures.py reads it):
 * - `div.message.default` is a message. Its sender is the `div.from_name` text
 *   (up to a nested span such as "via @bot"); a continuation (`…clearfix joined`)
 *   has none and inherits the previous message's sender, across pages. Its time is
 *   the `title` of its first `div.pull_right.date.details` ("08.04.2019 16:46:01",
 *   newer exports add " UTC+03:00"); without an offset it is read in --tz (UTC by
 *   default). A reply has `div.reply_to` → `GoToMessage(id)`. Forwarded parts
 *   (`div.forwarded`) do not name the sender.
 * - `div.message.service` with a positive id is a service line: "X joined group…"
 *   (one join), "X invited A, B and C" (one join per name; "X invited X" is how a
 *   public group shows a self-join), "X removed A" (a leave per name), "X left
 *   group". Other service lines (pins, title changes) are not events. Service lines
 *   carry no time: they get their day separator's date, or the previous entry's
 *   time when that is later.
 * - Negative ids (`message-12`) are day separators ("5 March 2018").
 *
 * An HTML export has display names only and no chat id: senders are identified by
 * name within the chat, and the chat by its title (`html:<hash of title>`), unless
 * the caller gives the chat's Bot API id (`--chat-id`), in which case group and
 * dedup keys are the ones the JSON export and the live bot use
 * (`tg:<chat id>:<message id>`).
 */

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const VOID = new Set(['br', 'img', 'meta', 'link', 'hr', 'input']);
/** Deeper than any export page nests. */
const MAX_DEPTH = 256;
const DATE = /^(\d\d)\.(\d\d)\.(\d{4}) (\d\d):(\d\d):(\d\d)(?: UTC([+-])(\d\d):(\d\d))?$/;
const MEDIA_CLASSES: [string, NonNullable<(EventInput & { kind: 'message' })['media']>][] = [
  ['media_photo', 'photo'],
  ['photo_wrap', 'photo'],
  ['media_video', 'video'],
  ['video_file_wrap', 'video'],
  ['media_voice_message', 'voice'],
  ['media_audio_file', 'audio'],
  ['media_file', 'document'],
  ['media_location', 'location'],
  ['media_venue', 'location'],
  ['media_live_location', 'location'],
  ['media_contact', 'contact'],
  ['media_poll', 'poll'],
  ['sticker_wrap', 'sticker'],
  ['animated_wrap', 'animation'],
];

interface ExportState {
  dir: string;
  title: string | null;
  scope: string;
  groupId: string;
  keyPrefix: string;
  lastSender: string | null;
  seen: Set<number>;
  /** Start of the current day separator's day, epoch ms. */
  dayStart: number | null;
  /** Time of the last dated entry, epoch ms. */
  lastAt: number | null;
}

interface Entry {
  id: string;
  line: number;
  service: boolean;
  date: string | null;
  from: string | null;
  replyTo: string | null;
  text: string;
  body: string;
  media: (EventInput & { kind: 'message' })['media'];
  forwarded: boolean;
}

export class TelegramHtmlSource implements ImportSource {
  readonly files: readonly string[];
  readonly #exports: string[][];

  constructor(
    files: readonly string[],
    private readonly chatId?: string,
  ) {
    // One export per directory; its pages in page order.
    const byDir = new Map<string, string[]>();
    for (const f of files) {
      const d = dirname(f);
      const list = byDir.get(d) ?? [];
      if (!list.includes(f)) list.push(f);
      byDir.set(d, list);
    }
    this.#exports = [...byDir.values()].map((pages) => pages.sort((a, b) => pageNumber(a) - pageNumber(b) || a.localeCompare(b)));
    this.files = this.#exports.flat();
    if (chatId !== undefined && !/^-?\d{1,20}$/.test(chatId)) throw new ImportError(chatId, null, '--chat-id takes a Telegram chat id such as -1001234567890');
    if (chatId !== undefined && this.#exports.length > 1) throw new ImportError(files[0]!, null, '--chat-id applies to one export (one directory of pages); import the others separately');
  }

  async *read(ctx: ReadContext): AsyncIterable<ImportItem> {
    for (const pages of this.#exports) {
      const state: ExportState = { dir: dirname(pages[0]!), title: null, scope: '', groupId: '', keyPrefix: '', lastSender: null, seen: new Set(), dayStart: null, lastAt: null };
      for (const page of pages) yield* this.#readPage(page, state, ctx);
    }
  }

  async *#readPage(file: string, state: ExportState, ctx: ReadContext): AsyncGenerator<ImportItem> {
    const page = basename(file);
    const queue: ImportItem[] = [];
    const stack: { tag: string; cls: string[] }[] = [];
    let entry: Entry | null = null;
    let entryDepth = 0;
    let cap: null | 'from' | 'from-done' | 'text' | 'body' | 'title' = null;
    let capDepth = 0;
    let pageTitle: string | null = null;
    let titleRaw = '';
    let sawHistory = false;
    let lastId: string | null = null;

    const inside = (cls: string) => stack.some((f) => f.cls.includes(cls));
    const where = (e: Entry) => `page ${page}, ${e.id ? `message ${e.id.replace(/^message/, '')}` : 'an entry without id'} (line ${e.line})`;

    const finishTitle = () => {
      pageTitle = pyStrip(decodeEntities(titleRaw));
      if (state.title === null) {
        state.title = pageTitle;
        if (this.chatId !== undefined) {
          state.scope = this.chatId;
          state.groupId = this.chatId;
          state.keyPrefix = `tg:${this.chatId}`;
        } else {
          const hash = shortHash(pageTitle);
          state.scope = `html:${hash}`;
          state.groupId = `html:${hash}`;
          state.keyPrefix = `telegram-html:${hash}`;
        }
      } else if (pageTitle !== state.title) {
        throw new ImportError(file, null, `this page belongs to another chat (title ${JSON.stringify(pageTitle)}, the first page's is ${JSON.stringify(state.title)})`);
      }
    };

    const finishEntry = (e: Entry) => {
      lastId = e.id;
      if (state.title === null) throw new ImportError(file, where(e), 'no chat title before the first message (not a Telegram HTML export page?)');
      const m = /^message(-?\d+)$/.exec(e.id);
      if (!m) throw new ImportError(file, where(e), `unreadable message id ${JSON.stringify(e.id)}`);
      const id = Number(m[1]);
      if (id < 0) {
        if (!e.service) throw new ImportError(file, where(e), 'a message with a negative id');
        state.dayStart = daySeparator(collapseWhitespace(decodeEntities(e.text)), ctx.tz);
        if (state.dayStart === null) throw new ImportError(file, where(e), `unreadable day separator ${JSON.stringify(collapseWhitespace(decodeEntities(e.text)))}`);
        return;
      }
      if (state.seen.has(id)) return;
      state.seen.add(id);
      const group = { id: state.groupId, ...(state.title ? { title: state.title.slice(0, 512) } : {}) };
      const push = (event: EventInput) => queue.push({ event, file, entry: where(e) });

      if (e.service) {
        const events = serviceEvents(collapseWhitespace(decodeEntities(e.text)), state.scope);
        if (events === null) {
          if (ctx.pass === 1) ctx.passOver('service lines that are not joins or leaves');
          return;
        }
        const at = Math.max(state.dayStart ?? -Infinity, state.lastAt ?? -Infinity);
        if (!Number.isFinite(at)) throw new ImportError(file, where(e), 'a service line before any dated entry');
        events.forEach((ev, i) => push({ platform: 'telegram', occurredAt: isoOf(at), group, dedupKey: `${state.keyPrefix}:${id}:service:${i}`, ...ev } as EventInput));
        return;
      }

      let sender = e.from !== null ? pyStrip(decodeEntities(e.from)) : null;
      if (!sender) sender = state.lastSender;
      state.lastSender = sender;
      if (!sender) throw new ImportError(file, where(e), 'a continuation message with no earlier message to take its sender from');
      if (e.date === null) throw new ImportError(file, where(e), 'the message has no date (div.date title)');
      const at = readDate(e.date, ctx.tz);
      if (at === null) throw new ImportError(file, where(e), `unreadable date ${JSON.stringify(e.date)}`);
      state.lastAt = at;
      const text = clipText(pyStrip(decodeEntities(e.body)));
      push({
        platform: 'telegram',
        kind: 'message',
        dedupKey: `${state.keyPrefix}:${id}`,
        occurredAt: isoOf(at),
        group,
        actor: { id: nameId(state.scope, sender), name: clipName(sender) },
        messageId: String(id),
        text,
        ...(e.media ? { media: e.media } : {}),
        ...(e.replyTo !== null ? { replyTo: e.replyTo } : {}),
        ...(e.forwarded ? { forwarded: true } : {}),
      });
    };

    const handler: HtmlHandler = {
      openTag(tag, attrs, line) {
        const cls = attrs.class ? attrs.class.split(/\s+/).filter(Boolean) : [];
        if (tag === 'div' && cls.includes('history')) sawHistory = true;
        if (tag === 'div' && cls.includes('message') && (cls.includes('default') || cls.includes('service'))) {
          if (entry) finishEntry(entry);
          const service = cls.includes('service');
          entry = { id: attrs.id ?? '', line, service, date: null, from: null, replyTo: null, text: '', body: '', media: undefined, forwarded: false };
          entryDepth = stack.length;
          if (service) {
            cap = 'text';
            capDepth = stack.length;
          }
        } else if (entry && !entry.service) {
          const e: Entry = entry;
          const fwd = inside('forwarded');
          if (tag === 'div' && cls.includes('date') && cls.includes('details') && cls.includes('pull_right') && e.date === null && !fwd) {
            e.date = attrs.title ?? null;
          } else if (tag === 'div' && cls.includes('from_name') && !fwd && e.from === null) {
            cap = 'from';
            capDepth = stack.length;
            e.from = '';
          } else if (tag === 'span' && cap === 'from') {
            cap = 'from-done';
          } else if (tag === 'a' && inside('reply_to') && !fwd) {
            const m = /GoToMessage\((\d+)\)/.exec(attrs.onclick ?? '') ?? /go_to_message(\d+)/.exec(attrs.href ?? '');
            if (m && e.replyTo === null) e.replyTo = m[1]!;
          } else if (tag === 'div' && cls.includes('text') && cap === null && !inside('reply_to')) {
            cap = 'body';
            capDepth = stack.length;
          } else if (tag === 'br' && cap === 'body') {
            e.body += '\n';
          }
          if (cls.includes('forwarded') && cls.includes('body')) e.forwarded = true;
          if (e.media === undefined) for (const [c, kind] of MEDIA_CLASSES) if (cls.includes(c)) e.media = kind;
        } else if (tag === 'div' && cls.includes('text') && cls.includes('bold') && inside('page_header') && pageTitle === null && cap === null) {
          cap = 'title';
          capDepth = stack.length;
          titleRaw = '';
        }
        if (!VOID.has(tag)) {
          // Export pages nest a dozen deep; unclosed tags by the thousand would make every lookup above walk them all.
          if (stack.length >= MAX_DEPTH)
            throw new ImportError(file, entry ? where(entry) : `page ${page}, line ${line}`, `tags nested more than ${MAX_DEPTH} deep (not a Telegram export page, or a damaged one)`);
          stack.push({ tag, cls });
        }
      },
      closeTag(tag) {
        const at = stack.map((f) => f.tag).lastIndexOf(tag);
        if (at < 0) return; // a stray end tag
        stack.length = at;
        if (cap !== null && stack.length <= capDepth) {
          if (cap === 'title') finishTitle();
          cap = null;
        }
        if (entry && stack.length <= entryDepth) {
          const e = entry;
          entry = null;
          // A damaged page can close the message before what it was reading in it.
          if (cap !== 'title') cap = null;
          finishEntry(e);
        }
      },
      text(raw) {
        if (cap === null || cap === 'from-done') return;
        if (cap === 'title') titleRaw += raw;
        else if (!entry) return;
        else if (cap === 'from') entry.from += raw;
        else if (cap === 'text') entry.text += raw;
        else entry.body += raw;
      },
    };

    const tokenizer = new HtmlTokenizer(handler);
    const at = () => (entry ? where(entry) : `page ${page}, ${lastId ? `after message ${lastId.replace(/^message/, '')}, ` : ''}line ${tokenizer.line}`);
    try {
      for await (const chunk of readTextChunks(file, (n) => ctx.progress(n), at)) {
        tokenizer.write(chunk);
        if (queue.length) {
          yield* queue;
          queue.length = 0;
        }
      }
      tokenizer.end();
    } catch (error) {
      if (error instanceof HtmlSyntaxError) throw new ImportError(file, at(), `${error.reason} (truncated?)`);
      throw error;
    }
    const open = entry as Entry | null;
    if (open) throw new ImportError(file, where(open), 'the page ends inside this message (truncated?)');
    if (!sawHistory && pageTitle === null) throw new ImportError(file, `page ${page}`, 'not a Telegram HTML export page (no chat title, no message history)');
    if (stack.length) throw new ImportError(file, at(), `the page ends before its closing tags (</${stack[stack.length - 1]!.tag}> missing: truncated?)`);
    yield* queue;
  }
}

function pageNumber(file: string): number {
  const m = /messages(\d*)\.html$/i.exec(basename(file));
  return m ? (m[1] ? Number(m[1]) : 1) : Number.MAX_SAFE_INTEGER;
}

/** "08.04.2019 16:46:01" (wall clock, read in `tz`) or "… UTC+03:00". */
function readDate(value: string, tz: string): number | null {
  const m = DATE.exec(value.trim());
  if (!m) return null;
  const t = { year: +m[3]!, month: +m[2]!, day: +m[1]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! };
  if (!isValidWallTime(t)) return null;
  if (!m[7]) return wallTimeToEpoch(t, tz);
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000;
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - offset;
}

/** "5 March 2018" → the start of that day in `tz`. */
function daySeparator(text: string, tz: string): number | null {
  const m = /^(\d{1,2}) ([A-Za-z]+) (\d{4})$/.exec(text);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!.toLowerCase()) + 1;
  const t = { year: +m[3]!, month, day: +m[1]!, hour: 0, minute: 0, second: 0 };
  if (month === 0 || !isValidWallTime(t)) return null;
  return wallTimeToEpoch(t, tz);
}

/** Names in "A, B and C" (ref_figures.py `_count_names`). */
function names(list: string): string[] {
  const s = pyStrip(list);
  if (!s) return [];
  return s
    .split(/,\s*|\s+and\s+/)
    .map(pyStrip)
    .filter(Boolean);
}

type MemberEvent =
  | Omit<Extract<EventInput, { kind: 'member.joined' }>, 'platform' | 'occurredAt' | 'group' | 'dedupKey'>
  | Omit<Extract<EventInput, { kind: 'member.left' }>, 'platform' | 'occurredAt' | 'group' | 'dedupKey'>;

/** The join/leave events of a service line (whitespace collapsed), or null when it is neither. */
function serviceEvents(t: string, scope: string): MemberEvent[] | null {
  const person = (name: string) => ({ id: nameId(scope, name), name: clipName(name) });
  if (t.includes(' joined group') || t.includes(' joined the group')) {
    const who = pyStrip(t.split(' joined ', 1)[0]!);
    const method: JoinMethod = / by link| via invite link/.test(t) ? 'link' : /request/.test(t) ? 'request' : 'unknown';
    return [{ kind: 'member.joined', member: person(who), method }];
  }
  if (t.includes(' invited ')) {
    const i = t.indexOf(' invited ');
    const actor = pyStrip(t.slice(0, i));
    return names(t.slice(i + ' invited '.length)).map((name) =>
      name === actor ? { kind: 'member.joined', member: person(name), method: 'unknown' } : { kind: 'member.joined', member: person(name), method: 'invite', inviter: person(actor) },
    );
  }
  if (t.includes(' removed ')) {
    const i = t.indexOf(' removed ');
    const actor = pyStrip(t.slice(0, i));
    return names(t.slice(i + ' removed '.length)).map((name) =>
      name === actor ? { kind: 'member.left', member: person(name) } : { kind: 'member.left', member: person(name), removedBy: person(actor) },
    );
  }
  for (const suffix of [' left the group', ' left group']) {
    if (t.endsWith(suffix)) return [{ kind: 'member.left', member: person(pyStrip(t.slice(0, -suffix.length))) }];
  }
  return null;
}
