import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GroupMetrics } from '../src/analytics/metrics-report.js';
import { importHistory } from '../src/importers/history-import.js';
import { ImportError } from '../src/importers/import-source.js';
import { JsonStreamParser, type JsonValue } from '../src/importers/json-stream.js';
import { backends } from './helpers/backends.js';
import { importFixture } from './helpers/import-fixture.js';

const DATA = fileURLToPath(new URL('../../shared/data/tg-json-cuda-study-group-fa/', import.meta.url));
const EXPORT = join(DATA, 'result.json');
const hasData = existsSync(EXPORT);
if (!hasData) console.log(`[hearth tests] skipping the telegram-json real-export tests: ${DATA} is absent`);

/** The figures `hearth metrics --json` prints, as reference_figures.json names them. */
function figures(g: GroupMetrics) {
  const { messages, senders, joins, leaves, replies, firstMessageAt, lastMessageAt, activeDays, longestSilenceHours, top20Share } = g;
  return { messages, senders, joins, leaves, replies, firstMessageAt, lastMessageAt, activeDays, longestSilenceHours, top20Share };
}

/**
 * reference_figures.json (ref_figures.py) in Hearth's terms. The export's times
 * carry no offset (no date_unixtime in this file): read as UTC, so the reference's
 * wall-clock first/last message are those instants in UTC, and its calendar dates
 * are the UTC days of a group whose time zone is UTC. Same definitions otherwise.
 */
interface ReferenceFigures {
  messages: number;
  distinct_senders: number;
  joins: number;
  leaves: number;
  replies: number;
  first_message: string;
  last_message: string;
  active_days: number;
  longest_gap_hours: number;
  top20pct_share_of_messages: number;
}

function reference() {
  const [r] = JSON.parse(readFileSync(join(DATA, 'reference_figures.json'), 'utf8')) as [ReferenceFigures];
  return {
    messages: r.messages,
    senders: r.distinct_senders,
    joins: r.joins,
    leaves: r.leaves,
    replies: r.replies,
    firstMessageAt: `${r.first_message}.000Z`,
    lastMessageAt: `${r.last_message}.000Z`,
    activeDays: r.active_days,
    longestSilenceHours: r.longest_gap_hours,
    top20Share: r.top20pct_share_of_messages,
  };
}

describe.each(backends)('telegram-json import on $name', (backend) => {
  const f = importFixture(backend);

  it.skipIf(!hasData)('gives the reference figures for the real export', async () => {
    const summary = await importHistory(f.runtime, 'telegram-json', [EXPORT], { workspaceId: f.workspaceId });
    expect(summary).toMatchObject({ events: 216, stored: 216, duplicates: 0 });
    const groups = await f.report();
    expect(groups).toHaveLength(1);
    expect(figures(groups[0]!)).toEqual(reference());
    expect(groups[0]).toMatchObject({ platform: 'telegram', name: 'CUDA' });
  });

  it.skipIf(!hasData)('changes nothing when the same export is imported again', async () => {
    await importHistory(f.runtime, 'telegram-json', [EXPORT], { workspaceId: f.workspaceId });
    const events = await f.eventCount();
    const before = await f.report();
    const again = await importHistory(f.runtime, 'telegram-json', [EXPORT], { workspaceId: f.workspaceId });
    expect(again).toMatchObject({ stored: 0, duplicates: 216 });
    expect(await f.eventCount()).toBe(events);
    expect(await f.report()).toEqual(before);
  });

  it.skipIf(!hasData)('reads wall-clock times in --tz and gives the group that zone, keeping calendar days as written', async () => {
    await importHistory(f.runtime, 'telegram-json', [EXPORT], { workspaceId: f.workspaceId, tz: 'Asia/Tehran' });
    const [g] = await f.report();
    // 2019-05-12 15:00:04 in Tehran (+04:30 in summer 2019) is 10:30:04 UTC.
    expect(g).toMatchObject({ timezone: 'Asia/Tehran', firstMessageAt: '2019-05-12T10:30:04.000Z', activeDays: reference().activeDays, messages: 205 });
    // The longest silence spans the March 2021 clock change: one real hour shorter than on the wall clock.
    expect(g?.longestSilenceHours).toBe(Math.round((reference().longestSilenceHours - 1) * 100) / 100);
  });

  it.skipIf(!hasData)('fails on a truncated copy naming file and message, storing nothing', async () => {
    const bytes = readFileSync(EXPORT);
    const truncated = join(f.tmp, 'truncated.json');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const error = await importHistory(f.runtime, 'telegram-json', [truncated], { workspaceId: f.workspaceId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).file).toBe(truncated);
    expect((error as ImportError).entry).toMatch(/message \d+/);
    expect((error as Error).message).toMatch(/truncated/);
    expect(await f.eventCount()).toBe(0);
  });

  it.skipIf(!hasData)('fails on corrupted copies naming file, message and reason, storing nothing', async () => {
    const text = readFileSync(EXPORT, 'utf8');
    // A date that is no date, in message 4139.
    const at = text.indexOf('"date": "', text.indexOf('"id": 4139,'));
    const badDate = join(f.tmp, 'bad-date.json');
    writeFileSync(badDate, `${text.slice(0, at)}"date": "2020-13-45T99:00:00"${text.slice(at + '"date": "2020-01-01T00:00:00"'.length)}`);
    // A stray comma inside message 153.
    const id = text.indexOf('"id": 153,') + '"id": 153,'.length;
    const badSyntax = join(f.tmp, 'bad-syntax.json');
    writeFileSync(badSyntax, `${text.slice(0, id)},${text.slice(id)}`);
    // A byte that is not UTF-8.
    const bytes = Buffer.from(readFileSync(EXPORT));
    bytes[Math.floor(bytes.length / 2)] = 0xff;
    const badBytes = join(f.tmp, 'bad-bytes.json');
    writeFileSync(badBytes, bytes);

    for (const [file, entry, reason] of [
      [badDate, /message 4139/, /unreadable date/],
      [badSyntax, /message 153/, /not valid JSON/],
      [badBytes, /message \d+/, /not valid UTF-8/],
    ] as const) {
      const error = await importHistory(f.runtime, 'telegram-json', [file], { workspaceId: f.workspaceId }).catch((e: unknown) => e);
      expect(error, file).toBeInstanceOf(ImportError);
      expect((error as ImportError).file).toBe(file);
      expect((error as ImportError).entry).toMatch(entry);
      expect((error as ImportError).reason).toMatch(reason);
    }
    expect(await f.eventCount()).toBe(0);
  });

  it('makes one group per group chat of a full-account export, skipping personal chats and channels', async () => {
    const file = join(f.tmp, 'result.json');
    writeFileSync(file, JSON.stringify(fullAccountExport(), null, 1));
    const summary = await importHistory(f.runtime, 'telegram-json', [file], { workspaceId: f.workspaceId });
    expect(summary.groups.map((g) => [g.externalId, g.title])).toEqual([
      ['-3001', 'Bakers'],
      ['-1004001', 'Runners'],
      ['-1006001', 'Old club'],
    ]);
    expect(summary.skipped).toMatchObject({ 'chats that are not groups (personal_chat)': 1, 'chats that are not groups (public_channel)': 1, 'chats that are not groups (saved_messages)': 1 });

    const byName = Object.fromEntries((await f.report()).map((g) => [g.name, g]));
    expect(Object.keys(byName).sort()).toEqual(['Bakers', 'Old club', 'Runners']);
    // invite_members with two names is two joins; remove_members one leave per name.
    expect(byName.Bakers).toMatchObject({ messages: 3, senders: 2, joins: 2, leaves: 1, replies: 1, firstMessageAt: '2024-01-02T10:00:00.000Z', activeDays: 2 });
    // date_unixtime is the instant (the wall-clock `date` is the exporter's +03:00);
    // a sender without from_id counts by name; a self-invite is a join, a self-removal a leave.
    expect(byName.Runners).toMatchObject({ messages: 3, senders: 2, joins: 2, leaves: 1, firstMessageAt: '2024-02-01T09:00:00.000Z', longestSilenceHours: 2 });
    expect(byName['Old club']).toMatchObject({ messages: 1, senders: 1 });

    // A member's id is the Telegram user id, as a live bot sees it.
    const ids = (await f.runtime.store.db.selectFrom('identity').select('external_id').execute()).map((r) => r.external_id);
    expect(ids).toEqual(expect.arrayContaining(['10', '11', '12']));
  });

  it('stores nothing of an import whose second file is malformed, and leaves earlier imports as they were', async () => {
    const good = join(f.tmp, 'result.json');
    writeFileSync(good, JSON.stringify(fullAccountExport()));
    await importHistory(f.runtime, 'telegram-json', [good], { workspaceId: f.workspaceId });
    const events = await f.eventCount();
    const before = await f.report();

    const other = fullAccountExport();
    other.chats.list[1]!.id = 9001; // another group, whose events would be new
    const otherFile = join(f.tmp, 'other.json');
    writeFileSync(otherFile, JSON.stringify(other));
    const broken = join(f.tmp, 'broken.json');
    writeFileSync(broken, JSON.stringify(other).slice(0, -40));
    const error = await importHistory(f.runtime, 'telegram-json', [otherFile, broken], { workspaceId: f.workspaceId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).file).toBe(broken);
    expect(await f.eventCount()).toBe(events);
    expect(await f.report()).toEqual(before);
  });
});

describe('the streaming JSON parser', () => {
  const doc = {
    name: 'Tea \u00e9 "club" \\ \n',
    id: -12.5e3,
    ok: [true, false, null],
    messages: [{ id: 1, text: ['a', { type: 'bold', text: '\ud83d\ude00 \u0000' }] }, { id: 2, nested: { deep: [[], {}] } }, 3],
  };

  it('yields each captured element and checks the rest, whatever the chunk boundaries', () => {
    const text = JSON.stringify(doc, null, 2);
    for (const size of [1, 2, 3, 7, 64, text.length]) {
      const got: [string, JsonValue][] = [];
      const closed: string[] = [];
      const parser = new JsonStreamParser({
        capture: (path) => (path.length === 2 && path[0] === 'messages') || (path.length === 1 && path[0] === 'name'),
        onValue: (path, value) => got.push([path.join('.'), value]),
        onClose: (path) => closed.push(path.join('.')),
      });
      for (let i = 0; i < text.length; i += size) parser.write(text.slice(i, i + size));
      parser.end();
      expect(got).toEqual([
        ['name', doc.name],
        ['messages.0', doc.messages[0]],
        ['messages.1', doc.messages[1]],
        ['messages.2', 3],
      ]);
      expect(closed).toEqual(['ok', 'messages', '']);
    }
  });

  it('rejects what JSON.parse rejects, with the position', () => {
    for (const bad of ['{"a":1,}', '{"a" 1}', '[1 2]', '{"a":tru}', '{"a":01}', '{"a":"x\ty"}', '{"a":1}}', '[', '']) {
      const parser = new JsonStreamParser({ capture: () => false, onValue: () => {} });
      expect(() => {
        parser.write(bad);
        parser.end();
      }, bad).toThrow(/line 1|empty input/);
      expect(() => JSON.parse(bad), bad).toThrow();
    }
  });
});

/** A synthetic full-account export ("Export Telegram data" → JSON), names invented. */
function fullAccountExport() {
  const msg = (id: number, date: string, from: string | null, fromId: string | null, extra: Record<string, unknown> = {}) => ({
    id,
    type: 'message',
    date,
    ...(from !== null ? { from } : {}),
    ...(fromId !== null ? { from_id: fromId } : {}),
    text: `message ${id}`,
    ...extra,
  });
  const service = (id: number, date: string, actor: string, actorId: string, action: string, extra: Record<string, unknown> = {}) => ({
    id,
    type: 'service',
    date,
    actor,
    actor_id: actorId,
    action,
    text: '',
    ...extra,
  });
  return {
    about: 'Here is the data you requested.',
    personal_information: { user_id: 1, first_name: 'Op', last_name: '', phone_number: '+0', bio: '' },
    contacts: { about: 'contacts', list: [{ user_id: 10, first_name: 'Ann', last_name: '', phone_number: '+1', date: '2023-01-01T00:00:00' }] },
    chats: {
      about: 'chats',
      list: [
        { name: 'Ann', type: 'personal_chat', id: 10, messages: [msg(1, '2024-01-01T08:00:00', 'Ann', 'user10')] },
        {
          name: 'Bakers',
          type: 'private_group',
          id: 3001,
          messages: [
            service(1, '2024-01-02T09:00:00', 'Ann', 'user10', 'invite_members', { members: ['Cy', 'Di'] }),
            msg(2, '2024-01-02T10:00:00', 'Ann', 'user10', { text: ['hi ', { type: 'bold', text: 'all' }] }),
            msg(3, '2024-01-02T10:05:00', 'Bob', 'user11', { reply_to_message_id: 2, photo: 'photos/1.jpg' }),
            service(4, '2024-01-03T09:00:00', 'Ann', 'user10', 'remove_members', { members: ['Cy'] }),
            msg(5, '2024-01-03T11:00:00', 'Ann', 'user10'),
            service(6, '2024-01-03T12:00:00', 'Ann', 'user10', 'pin_message', { message_id: 5 }),
          ],
        },
        {
          name: 'Runners',
          type: 'private_supergroup',
          id: 4001,
          messages: [
            service(1, '2024-02-01T11:00:00', 'Bob', 'user11', 'join_group_by_link', { inviter: 'Group', date_unixtime: '1706774400' }),
            msg(2, '2024-02-01T12:00:00', 'Bob', 'user11', { date_unixtime: '1706778000' }),
            msg(3, '2024-02-01T13:00:00', 'Ghost', null, { date_unixtime: '1706781600' }),
            msg(4, '2024-02-01T15:00:00', 'Ghost', null, { date_unixtime: '1706788800' }),
            service(5, '2024-02-01T16:00:00', 'Cy', 'user12', 'invite_members', { members: ['Cy'], date_unixtime: '1706792400' }),
            service(6, '2024-02-01T17:00:00', 'Cy', 'user12', 'remove_members', { members: ['Cy'], date_unixtime: '1706796000' }),
          ],
        },
        { name: 'News', type: 'public_channel', id: 5001, messages: [msg(1, '2024-01-05T08:00:00', 'News', 'channel5001')] },
        { name: 'Saved Messages', type: 'saved_messages', id: 1, messages: [] },
      ],
    },
    left_chats: { about: 'left', list: [{ name: 'Old club', type: 'public_supergroup', id: 6001, messages: [msg(7, '2023-06-01T08:00:00', 'Bob', 'user11')] }] },
  };
}
