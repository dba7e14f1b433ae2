import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GroupMetrics } from '../src/analytics/metrics-report.js';
import { parseDceDate } from '../src/importers/discord-csv-source.js';
import { importHistory } from '../src/importers/history-import.js';
import { ImportError } from '../src/importers/import-source.js';
import { backends } from './helpers/backends.js';
import { importFixture } from './helpers/import-fixture.js';

const DATA = fileURLToPath(new URL('../../shared/data/discord-csv-komodo/talk-general/', import.meta.url));
const hasData = existsSync(join(DATA, '1.csv'));
if (!hasData) console.log(`[hearth tests] skipping the discord-csv real-export tests: ${DATA} is absent`);

function figures(g: GroupMetrics) {
  const { messages, senders, joins, leaves, replies, firstMessageAt, lastMessageAt, activeDays, longestSilenceHours, top20Share } = g;
  return { messages, senders, joins, leaves, replies, firstMessageAt, lastMessageAt, activeDays, longestSilenceHours, top20Share };
}

/**
 * The reference figures of #talk-general: SOURCE.md's table, with first/last message
 * as `python3 ref_figures.py discord-csv talk-general/*.csv` prints them (this
 * folder has no reference_figures.json). Same definitions: every row a message,
 * senders distinct AuthorID, dates as written (no offset: read as UTC, so the
 * calendar days are UTC days). The old CSV format has no ids, replies, joins or
 * leaves, hence zeros.
 */
const TALK_GENERAL = {
  messages: 45_707,
  senders: 1_459,
  joins: 0,
  leaves: 0,
  replies: 0,
  firstMessageAt: '2018-04-03T01:48:00.000Z',
  lastMessageAt: '2019-12-04T19:25:00.000Z',
  activeDays: 553,
  longestSilenceHours: 836.2,
  top20Share: 0.896,
};

describe.each(backends)('discord import on $name', (backend) => {
  const f = importFixture(backend);
  const copyChannel = () => {
    const dir = join(f.tmp, 'talk-general');
    mkdirSync(dir);
    for (const name of readdirSync(DATA).filter((n) => n.endsWith('.csv'))) copyFileSync(join(DATA, name), join(dir, name));
    return dir;
  };

  describe('discord-csv', () => {
    it.skipIf(!hasData)(
      'gives the reference figures for the real 458-file channel export',
      async () => {
        const summary = await importHistory(f.runtime, 'discord-csv', [DATA], { workspaceId: f.workspaceId });
        expect(summary).toMatchObject({ files: 458, events: 45_707, stored: 45_707, duplicates: 0 });
        expect(summary.groups).toMatchObject([{ externalId: 'csv:talk-general', title: 'talk-general' }]);
        const groups = await f.report();
        expect(groups).toHaveLength(1);
        expect(figures(groups[0]!)).toEqual(TALK_GENERAL);
      },
      120_000,
    );

    it.skipIf(!hasData)(
      'changes nothing when the same export is imported again',
      async () => {
        await importHistory(f.runtime, 'discord-csv', [DATA], { workspaceId: f.workspaceId });
        const before = await f.report();
        const again = await importHistory(f.runtime, 'discord-csv', [DATA], { workspaceId: f.workspaceId });
        expect(again).toMatchObject({ stored: 0, duplicates: 45_707 });
        expect(await f.eventCount()).toBe(45_707);
        expect(await f.report()).toEqual(before);
      },
      120_000,
    );

    it.skipIf(!hasData)(
      'fails on a truncated file naming file and line, storing nothing of the channel',
      async () => {
        const dir = copyChannel();
        const file = join(dir, '200.csv');
        const text = readFileSync(file, 'utf8');
        let cut = Math.floor(text.length / 2);
        while (text[cut - 1] === '\n' || text[cut - 1] === '"') cut++;
        writeFileSync(file, text.slice(0, cut));
        const error = await importHistory(f.runtime, 'discord-csv', [dir], { workspaceId: f.workspaceId }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ImportError);
        expect((error as ImportError).file).toBe(file);
        expect((error as ImportError).entry).toMatch(/^line \d+/);
        expect((error as ImportError).reason).toMatch(/truncated/);
        expect(await f.eventCount()).toBe(0);
      },
      120_000,
    );

    it.skipIf(!hasData)(
      'fails on a corrupted date naming file, line and reason, storing nothing',
      async () => {
        const dir = copyChannel();
        const file = join(dir, '300.csv');
        const lines = readFileSync(file, 'utf8').split('\n');
        lines[1] = lines[1]!.replace(/"\d\d-[A-Z][a-z]{2}-\d\d \d\d:\d\d [AP]M"/, '"31-Feb-19 10:00 AM"');
        writeFileSync(file, lines.join('\n'));
        const error = await importHistory(f.runtime, 'discord-csv', [dir], { workspaceId: f.workspaceId }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ImportError);
        expect((error as ImportError).file).toBe(file);
        expect((error as ImportError).entry).toBe('line 2');
        expect((error as ImportError).reason).toBe('unreadable date "31-Feb-19 10:00 AM"');
        expect(await f.eventCount()).toBe(0);
      },
      120_000,
    );

    it('reads the newer comma format, takes the channel id from the file name, and keeps identical rows apart', async () => {
      const file = join(f.tmp, 'Guild - Text - general [123456789012345678].csv');
      writeFileSync(
        file,
        [
          'AuthorID,Author,Date,Content,Attachments,Reactions',
          '"111","ann","4/3/2018 1:48 AM","hello, all","",""',
          '"222","bob","4/3/2018 1:50 PM","two',
          'lines","https://cdn.example/a.png","👍 (2)"',
          '"222","bob","4/3/2018 1:50 PM","same","",""',
          '"222","bob","4/3/2018 1:50 PM","same","",""',
          '"111","ann","4/5/2018 9:00 AM","bye ""quoted""","",""',
          '',
        ].join('\r\n'),
      );
      const summary = await importHistory(f.runtime, 'discord-csv', [file], { workspaceId: f.workspaceId });
      expect(summary.groups).toEqual([{ platform: 'discord', externalId: '123456789012345678', title: 'Guild - Text - general', events: 5 }]);
      const [g] = await f.report();
      expect(figures(g!)).toEqual({
        messages: 5,
        senders: 2,
        joins: 0,
        leaves: 0,
        replies: 0,
        firstMessageAt: '2018-04-03T01:48:00.000Z',
        lastMessageAt: '2018-04-05T09:00:00.000Z',
        activeDays: 2,
        longestSilenceHours: 43.17,
        top20Share: 0.6,
      });
      expect((await importHistory(f.runtime, 'discord-csv', [file], { workspaceId: f.workspaceId })).duplicates).toBe(5);
    });
  });

  describe('discord-json', () => {
    it('imports messages, replies, joins and reactions, skipping system entries', async () => {
      const file = join(f.tmp, 'Guild - general [100].json');
      writeFileSync(file, JSON.stringify(dceJson(), null, 2));
      const summary = await importHistory(f.runtime, 'discord-json', [file], { workspaceId: f.workspaceId });
      expect(summary).toMatchObject({ events: 6, stored: 6, skipped: { 'system entries (ChannelPinnedMessage)': 1 } });
      expect(summary.groups).toEqual([{ platform: 'discord', externalId: '100', title: 'Guild #general', events: 6 }]);
      const [g] = await f.report();
      // As ref_figures.py counts a DCE JSON: Default/Reply are messages, GuildMemberJoin a join.
      expect(figures(g!)).toEqual({
        messages: 3,
        senders: 3,
        joins: 1,
        leaves: 0,
        replies: 1,
        firstMessageAt: '2024-01-01T10:00:00.000Z',
        lastMessageAt: '2024-01-03T09:00:00.123Z',
        activeDays: 2,
        longestSilenceHours: 46.5,
        top20Share: 0.3333,
      });
      expect(g!.reactions).toBe(2);
      const bot = await f.runtime.store.db.selectFrom('member').select(['display_name', 'is_bot']).where('is_bot', '=', 1).execute();
      expect(bot).toEqual([{ display_name: 'Helper', is_bot: 1 }]);

      const again = await importHistory(f.runtime, 'discord-json', [file], { workspaceId: f.workspaceId });
      expect(again).toMatchObject({ stored: 0, duplicates: 6 });
      expect(await f.report()).toEqual([g]);
    });

    it('maps a group DM recipient being added or removed to a join and a leave (beyond the reference, on purpose)', async () => {
      const doc = dceJson();
      doc.messages.push(
        {
          id: '1006',
          type: 'RecipientAdd',
          timestamp: '2024-01-04T09:00:00+00:00',
          content: 'Added Dee to the group.',
          author: ann,
          mentions: [{ id: '14', name: 'dee', nickname: null, isBot: false }],
        },
        { id: '1007', type: 'RecipientRemove', timestamp: '2024-01-04T10:00:00+00:00', content: 'Left the group.', author: bob, mentions: [] },
      );
      const file = join(f.tmp, 'dm.json');
      writeFileSync(file, JSON.stringify(doc));
      await importHistory(f.runtime, 'discord-json', [file], { workspaceId: f.workspaceId });
      expect((await f.report())[0]).toMatchObject({ joins: 2, leaves: 1 });
    });

    it('fails on a truncated or corrupted file naming file, message and reason, storing nothing', async () => {
      const text = JSON.stringify(dceJson(), null, 2);
      const truncated = join(f.tmp, 'truncated.json');
      writeFileSync(truncated, text.slice(0, text.indexOf('"id": "1003"') + 40));
      const badTime = join(f.tmp, 'bad-time.json');
      writeFileSync(badTime, text.replace('2024-01-03T09:00:00.123+00:00', 'yesterday'));
      const badAuthor = join(f.tmp, 'bad-author.json');
      writeFileSync(badAuthor, text.replace('"id": "12"', '"id": "bob"'));
      for (const [file, entry, reason] of [
        [truncated, /^message 1003/, /truncated/],
        [badTime, /^message 1005$/, /unreadable timestamp "yesterday"/],
        [badAuthor, /^message 1002$/, /author\.id: a Discord id is digits/],
      ] as const) {
        const error = await importHistory(f.runtime, 'discord-json', [file], { workspaceId: f.workspaceId }).catch((e: unknown) => e);
        expect(error, file).toBeInstanceOf(ImportError);
        expect((error as ImportError).file).toBe(file);
        expect((error as ImportError).entry).toMatch(entry);
        expect((error as ImportError).reason).toMatch(reason);
      }
      expect(await f.eventCount()).toBe(0);
    });
  });
});

describe('DiscordChatExporter dates', () => {
  it('reads the old default, ISO and the common culture formats', () => {
    const utc = (s: string) => new Date(parseDceDate(s, 'UTC')!).toISOString();
    expect(utc('03-Apr-18 01:48 AM')).toBe('2018-04-03T01:48:00.000Z');
    expect(utc('03-Apr-18 12:05 PM')).toBe('2018-04-03T12:05:00.000Z');
    expect(utc('03-Apr-18 12:05 AM')).toBe('2018-04-03T00:05:00.000Z');
    expect(utc('4/3/2018 1:48 PM')).toBe('2018-04-03T13:48:00.000Z');
    expect(utc('03/04/2018 13:48')).toBe('2018-04-03T13:48:00.000Z');
    expect(utc('03.04.2018 13:48:09')).toBe('2018-04-03T13:48:09.000Z');
    expect(utc('2018/4/3 13:48')).toBe('2018-04-03T13:48:00.000Z');
    expect(utc('2018-04-03T13:48:00.5+02:00')).toBe('2018-04-03T11:48:00.500Z');
    expect(new Date(parseDceDate('03-Apr-18 01:48 AM', 'Asia/Shanghai')!).toISOString()).toBe('2018-04-02T17:48:00.000Z');
    for (const bad of ['31-Feb-19 10:00 AM', '03-Apr-18 13:48 PM', '13/13/2018 10:00', 'yesterday', '']) expect(parseDceDate(bad, 'UTC'), bad).toBeNull();
  });
});

const ann = { id: '11', name: 'ann', discriminator: '0001', nickname: 'Ann', color: null, isBot: false, avatarUrl: '' };
const bob = { id: '12', name: 'bob', discriminator: '0002', nickname: null, color: null, isBot: false, avatarUrl: '' };
const helper = { id: '13', name: 'helper', discriminator: '0000', nickname: 'Helper', color: null, isBot: true, avatarUrl: '' };

/** A DiscordChatExporter JSON export of one channel, invented. */
function dceJson() {
  const messages: Record<string, unknown>[] = [
    {
      id: '1001',
      type: 'Default',
      timestamp: '2024-01-01T10:00:00+00:00',
      timestampEdited: null,
      isPinned: false,
      content: 'hi',
      author: ann,
      attachments: [],
      embeds: [],
      stickers: [],
      reactions: [],
      mentions: [],
    },
    { id: '1002', type: 'GuildMemberJoin', timestamp: '2024-01-01T10:05:00+00:00', content: 'Joined the server.', author: bob, attachments: [], reactions: [], mentions: [] },
    {
      id: '1003',
      type: 'Reply',
      timestamp: '2024-01-01T12:30:00+02:00',
      content: 'hello @Ann',
      author: bob,
      attachments: [],
      reactions: [{ emoji: { id: null, name: '👍', code: 'thumbsup', isAnimated: false, imageUrl: '' }, count: 2, users: [ann, bob] }],
      mentions: [ann],
      reference: { messageId: '1001', channelId: '100', guildId: '1' },
    },
    { id: '1004', type: 'ChannelPinnedMessage', timestamp: '2024-01-01T11:00:00+00:00', content: 'Pinned a message.', author: ann, reference: { messageId: '1001', channelId: '100', guildId: '1' } },
    {
      id: '1005',
      type: 'Default',
      timestamp: '2024-01-03T09:00:00.123+00:00',
      content: '',
      author: helper,
      attachments: [{ id: '9', url: 'https://cdn.example/x.png', fileName: 'x.png', fileSizeBytes: 10 }],
      reactions: [],
      mentions: [],
    },
  ];
  return {
    guild: { id: '1', name: 'Guild', iconUrl: '' },
    channel: { id: '100', type: 'GuildTextChat', categoryId: '5', category: 'Text', name: 'general', topic: null },
    dateRange: { after: null, before: null },
    exportedAt: '2024-02-01T00:00:00+00:00',
    messages,
    messageCount: messages.length,
  };
}
