import { basename, dirname, resolve } from 'node:path';
import type { EventInput } from '../core/event.js';
import { csvRecords, headerKey } from './csv-records.js';
import { ImportError, clipName, clipText, shortHash, type ImportItem, type ImportSource, type ReadContext } from './import-source.js';
import { isValidWallTime, isoOf, parseIsoDateTime, wallTimeToEpoch } from './wall-clock.js';

/**
 * DiscordChatExporter's CSV (`-f Csv`), one channel, possibly partitioned into many
 * files (`-p 100`). Both header generations are read:
 * - old (2.x): `AuthorID;Author;Date;Content;Attachments;Reactions;` — `;`, a
 *   trailing empty column, dates like `03-Apr-18 01:48 AM`;
 * - newer: `AuthorID,Author,Date,Content,Attachments,Reactions` — `,`, dates in
 *   the exporter's culture (`4/3/2018 1:48 AM`, `03.04.2018 01:48`, ISO …).
 * Dates carry no offset: they are read in --tz (UTC by default).
 *
 * The channel: from a DCE file name `Guild - channel [<channel id>].csv` (its id,
 * as JSON and the live bot give it); else, for numbered partitions (`1.csv`,
 * `2.csv` …), the directory's name; else the file name. Files of one channel are
 * read in partition order.
 *
 * The format has no message ids, replies, joins or leaves: every row is a message
 * (as ref_figures.py counts), its sender the AuthorID. A row's dedup key is a
 * fingerprint of author, date, content and attachments plus its occurrence number
 * among identical rows of the channel (the same person posting the same line twice
 * in a minute is two messages), so re-importing the same files adds nothing.
 */

const DCE_NAME = /^(.*?) \[(\d{15,25})\](?: \[part (\d+)\])?\.csv$/i;

interface Channel {
  key: string;
  groupId: string;
  title: string;
  files: string[];
}

interface ChannelMemo {
  /** Rows in time order: identical rows are then adjacent and counting them needs no memory. */
  sorted: boolean;
}

export class DiscordCsvSource implements ImportSource {
  readonly files: readonly string[];
  readonly #channels: Channel[];

  constructor(files: readonly string[], chatId?: string) {
    const channels = new Map<string, Channel>();
    for (const file of files) {
      const name = basename(file);
      const dce = DCE_NAME.exec(name);
      let key: string;
      let groupId: string;
      let title: string;
      if (dce) {
        key = `id:${dce[2]}`;
        groupId = dce[2]!;
        title = dce[1]!;
      } else if (/^\d+\.csv$/i.test(name)) {
        const dir = resolve(dirname(file));
        key = `dir:${dir}`;
        title = basename(dir);
        groupId = `csv:${title}`;
      } else {
        title = name.replace(/\.csv$/i, '');
        key = `file:${resolve(file)}`;
        groupId = `csv:${title}`;
      }
      if (chatId !== undefined) groupId = chatId;
      let channel = channels.get(key);
      if (!channel) channels.set(key, (channel = { key, groupId, title, files: [] }));
      if (!channel.files.includes(file)) channel.files.push(file);
    }
    if (chatId !== undefined && channels.size > 1) throw new ImportError(files[0]!, null, '--chat-id applies to one channel; import the others separately');
    for (const c of channels.values()) c.files.sort((a, b) => partOf(a) - partOf(b) || a.localeCompare(b, 'en', { numeric: true }));
    this.#channels = [...channels.values()];
    this.files = this.#channels.flatMap((c) => c.files);
  }

  async *read(ctx: ReadContext): AsyncIterable<ImportItem> {
    for (const channel of this.#channels) yield* this.#readChannel(channel, ctx);
  }

  async *#readChannel(channel: Channel, ctx: ReadContext): AsyncGenerator<ImportItem> {
    const memo = ctx.memo.get(channel.key) as ChannelMemo | undefined;
    const sorted = memo ? memo.sorted : true;
    const seen = new Map<string, number>();
    let seenDate: string | null = null;
    let lastAt = -Infinity;
    let inOrder = true;
    const group = { id: channel.groupId, title: channel.title.slice(0, 512) };

    for (const file of channel.files) {
      let columns: { author: number; name: number; date: number; content: number; attachments: number; width: number } | null = null;
      for await (const records of csvRecords(file, (n) => ctx.progress(n))) {
        const items: ImportItem[] = [];
        for (const { fields, line } of records) {
          const entry = `line ${line}`;
          if (!columns) {
            const keys = fields.map(headerKey);
            const col = (name: string) => keys.indexOf(name);
            columns = { author: col('authorid'), name: col('author'), date: col('date'), content: col('content'), attachments: col('attachments'), width: fields.length };
            if (columns.author < 0 || columns.date < 0 || columns.content < 0) {
              throw new ImportError(
                file,
                'line 1',
                `not a DiscordChatExporter CSV: the header needs AuthorID, Author, Date and Content columns (found ${fields.map((f) => JSON.stringify(f)).join(', ')})`,
              );
            }
            continue;
          }
          if (fields.length !== columns.width) throw new ImportError(file, entry, `expected ${columns.width} fields, found ${fields.length} (a broken or truncated row)`);
          const authorId = fields[columns.author]!.trim();
          if (!/^\d{1,25}$/.test(authorId)) throw new ImportError(file, entry, `AuthorID ${JSON.stringify(authorId.slice(0, 40))} is not a Discord id`);
          const date = fields[columns.date]!.trim();
          const at = parseDceDate(date, ctx.tz);
          if (at === null) throw new ImportError(file, entry, `unreadable date ${JSON.stringify(date.slice(0, 40))}`);
          if (at < lastAt) inOrder = false;
          lastAt = at;
          const content = fields[columns.content]!;
          const attachments = columns.attachments >= 0 ? fields[columns.attachments]! : '';
          const fingerprint = shortHash(`${authorId}\u0001${date}\u0001${content}\u0001${attachments}`);
          if (sorted && date !== seenDate) {
            seen.clear();
            seenDate = date;
          }
          const n = seen.get(fingerprint) ?? 0;
          seen.set(fingerprint, n + 1);
          const name = columns.name >= 0 ? fields[columns.name]!.trim() : '';
          const event: EventInput = {
            platform: 'discord',
            kind: 'message',
            dedupKey: `discord-csv:${channel.groupId}:${fingerprint}:${n}`,
            occurredAt: isoOf(at),
            group,
            actor: { id: authorId, ...(name ? { name: clipName(name) } : {}) },
            messageId: `csv:${fingerprint}:${n}`,
            text: clipText(content),
            ...(attachments.trim() ? { media: 'document' as const } : {}),
          };
          items.push({ event, file, entry });
        }
        yield* items;
      }
      if (!columns) throw new ImportError(file, null, 'the file is empty (no header)');
    }
    if (ctx.pass === 1) ctx.memo.set(channel.key, { sorted: inOrder } satisfies ChannelMemo);
  }
}

function partOf(file: string): number {
  const name = basename(file);
  const dce = DCE_NAME.exec(name);
  if (dce) return dce[3] ? Number(dce[3]) : 1;
  const n = /^(\d+)\.csv$/i.exec(name);
  return n ? Number(n[1]) : 0;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * A DiscordChatExporter date: `03-Apr-18 01:48 AM` (old default), ISO 8601, or a
 * culture's short date and time: `4/3/2018 1:48 AM` (month first when there is an
 * AM/PM, as en-US writes it), `03/04/2018 01:48` (day first, 24-hour),
 * `03.04.2018 01:48`, `2018/4/3 1:48`. Seconds optional. Null when unreadable.
 */
export function parseDceDate(value: string, tz: string): number | null {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}[T ]/.test(v)) return parseIsoDateTime(v, tz);
  let m = /^(\d{1,2})-([A-Za-z]{3})-(\d{2}|\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?$/.exec(v);
  if (m) {
    const month = MONTHS.indexOf(m[2]!.toLowerCase()) + 1;
    if (!month) return null;
    return build(Number(m[3]!.length === 2 ? `20${m[3]}` : m[3]), month, +m[1]!, m[4]!, m[5]!, m[6], m[7], tz);
  }
  m = /^(\d{1,4})([./])(\d{1,2})\2(\d{1,4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?$/.exec(v);
  if (!m) return null;
  const [a, sep, b, c] = [m[1]!, m[2]!, m[3]!, m[4]!];
  if (a.length === 4) return build(+a, +b, +c, m[5]!, m[6]!, m[7], m[8], tz); // yyyy/M/d
  if (c.length !== 4) return null;
  const monthFirst = sep === '/' && m[8] !== undefined;
  return monthFirst ? build(+c, +a, +b, m[5]!, m[6]!, m[7], m[8], tz) : build(+c, +b, +a, m[5]!, m[6]!, m[7], m[8], tz);
}

function build(year: number, month: number, day: number, hourText: string, minute: string, second: string | undefined, ampm: string | undefined, tz: string): number | null {
  let hour = Number(hourText);
  if (ampm) {
    if (hour < 1 || hour > 12) return null;
    const pm = ampm.toLowerCase() === 'pm';
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  const t = { year, month, day, hour, minute: Number(minute), second: second ? Number(second) : 0 };
  if (!isValidWallTime(t)) return null;
  return wallTimeToEpoch(t, tz);
}
