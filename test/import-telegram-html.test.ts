import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GroupMetrics } from '../src/analytics/metrics-report.js';
import { importHistory } from '../src/importers/history-import.js';
import { ImportError } from '../src/importers/import-source.js';
import { backends } from './helpers/backends.js';
import { importFixture } from './helpers/import-fixture.js';

const DATA = fileURLToPath(new URL('../../shared/data/tg-html-quoxent-community/', import.meta.url));
const hasData = existsSync(join(DATA, 'messages.html'));
if (!hasData) console.log(`[hearth tests] skipping the telegram-html real-export tests: ${DATA} is absent`);

function figures(g: GroupMetrics) {
  const { messages, senders, joins, leaves, replies, firstMessageAt, lastMessageAt, activeDays, longestSilenceHours, top20Share } = g;
  return { messages, senders, joins, leaves, replies, firstMessageAt, lastMessageAt, activeDays, longestSilenceHours, top20Share };
}

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

/** "08.04.2019 16:46:01" (no offset: read as UTC) → ISO. */
const iso = (s: string) => s.replace(/^(\d\d)\.(\d\d)\.(\d{4}) (\d\d:\d\d:\d\d)$/, '$3-$2-$1T$4.000Z');

/**
 * reference_figures.json in Hearth's terms. Same definitions: messages are
 * div.message.default, senders distinct display names with continuation messages
 * inheriting the previous sender, joins the names after " invited " plus "joined
 * group" lines, day separators excluded. The export's times have no offset, so they
 * are read as UTC and the reference's wall-clock dates are UTC days.
 */
function reference() {
  const [r] = JSON.parse(readFileSync(join(DATA, 'reference_figures.json'), 'utf8')) as [ReferenceFigures];
  return {
    messages: r.messages,
    senders: r.distinct_senders,
    joins: r.joins,
    leaves: r.leaves,
    replies: r.replies,
    firstMessageAt: iso(r.first_message),
    lastMessageAt: iso(r.last_message),
    activeDays: r.active_days,
    longestSilenceHours: r.longest_gap_hours,
    top20Share: r.top20pct_share_of_messages,
  };
}

describe.each(backends)('telegram-html import on $name', (backend) => {
  const f = importFixture(backend);
  /** A copy of the 23 pages in a temp dir, to break one of them. */
  const copyPages = () => {
    const dir = join(f.tmp, 'export');
    mkdirSync(dir);
    for (const name of readdirSync(DATA).filter((n) => /^messages\d*\.html$/.test(n))) copyFileSync(join(DATA, name), join(dir, name));
    return dir;
  };

  it.skipIf(!hasData)(
    'gives the reference figures for the real 23-page export',
    async () => {
      const summary = await importHistory(f.runtime, 'telegram-html', [DATA], { workspaceId: f.workspaceId });
      expect(summary).toMatchObject({ files: 23, stored: summary.events, duplicates: 0 });
      const groups = await f.report();
      expect(groups).toHaveLength(1);
      expect(figures(groups[0]!)).toEqual(reference());
    },
    120_000,
  );

  it.skipIf(!hasData)(
    'reads the pages in page order whatever order they are given in',
    async () => {
      const pages = readdirSync(DATA)
        .filter((n) => /^messages\d*\.html$/.test(n))
        .sort()
        .reverse()
        .map((n) => join(DATA, n));
      await importHistory(f.runtime, 'telegram-html', pages, { workspaceId: f.workspaceId });
      expect(figures((await f.report())[0]!)).toEqual(reference());
    },
    120_000,
  );

  it.skipIf(!hasData)(
    'changes nothing when the same export is imported again',
    async () => {
      await importHistory(f.runtime, 'telegram-html', [DATA], { workspaceId: f.workspaceId });
      const events = await f.eventCount();
      const before = await f.report();
      const again = await importHistory(f.runtime, 'telegram-html', [DATA], { workspaceId: f.workspaceId });
      expect(again).toMatchObject({ stored: 0, duplicates: events });
      expect(await f.eventCount()).toBe(events);
      expect(await f.report()).toEqual(before);
    },
    120_000,
  );

  it.skipIf(!hasData)(
    'fails on a truncated page naming the page and message, storing nothing of the export',
    async () => {
      const dir = copyPages();
      const page = join(dir, 'messages12.html');
      const bytes = readFileSync(page);
      writeFileSync(page, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const error = await importHistory(f.runtime, 'telegram-html', [dir], { workspaceId: f.workspaceId }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImportError);
      expect((error as ImportError).file).toBe(page);
      expect((error as ImportError).entry).toMatch(/^page messages12\.html, (after )?message \d+/);
      expect((error as ImportError).reason).toMatch(/truncated/);
      expect(await f.eventCount()).toBe(0);
    },
    120_000,
  );

  it.skipIf(!hasData)(
    'fails on a corrupted date naming page, message and reason, storing nothing of the export',
    async () => {
      const dir = copyPages();
      const page = join(dir, 'messages9.html');
      const html = readFileSync(page, 'utf8');
      const at = html.indexOf('class="pull_right date details" title="', html.length / 2);
      const messageId = /id="message(\d+)"/g;
      let id = '';
      for (let m = messageId.exec(html); m && m.index < at; m = messageId.exec(html)) id = m[1]!;
      const start = at + 'class="pull_right date details" title="'.length;
      writeFileSync(page, `${html.slice(0, start)}31.02.2019 25:61:00${html.slice(start + '01.01.2019 00:00:00'.length)}`);
      const error = await importHistory(f.runtime, 'telegram-html', [dir], { workspaceId: f.workspaceId }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImportError);
      expect((error as ImportError).file).toBe(page);
      expect((error as ImportError).entry).toMatch(new RegExp(`^page messages9\\.html, message ${id} \\(line \\d+\\)$`));
      expect((error as ImportError).reason).toBe('unreadable date "31.02.2019 25:61:00"');
      expect(await f.eventCount()).toBe(0);
    },
    120_000,
  );

  it('reads the newer page format: UTC offsets, continuations across pages, joins, invites, removals, leaves', async () => {
    const dir = writeSyntheticExport(f.tmp);
    const summary = await importHistory(f.runtime, 'telegram-html', [dir], { workspaceId: f.workspaceId });
    expect(summary.skipped).toEqual({ 'service lines that are not joins or leaves': 1 });
    const [g] = await f.report();
    expect(g).toMatchObject({
      name: 'Garden club',
      messages: 5,
      senders: 3, // Ann, Bob (a forwarded part names Zed, who is not the sender), "Ann & Co"
      joins: 4, // Bob by link; Cy, Di and Ed invited
      leaves: 2, // Di removed, Ed left
      replies: 1,
      firstMessageAt: '2024-03-01T07:00:00.000Z',
      lastMessageAt: '2024-03-02T08:00:00.000Z',
    });
    const senders = await f.runtime.store.db
      .selectFrom('member_group_total')
      .innerJoin('member', 'member.id', 'member_group_total.member_id')
      .select(['member.display_name', 'messages'])
      .orderBy('member.display_name')
      .execute();
    expect(senders).toEqual([
      { display_name: 'Ann', messages: 2 },
      { display_name: 'Ann & Co', messages: 1 },
      { display_name: 'Bob', messages: 2 },
    ]);
  });

  it('shares keys with the JSON export of the same chat when given --chat-id', async () => {
    const dir = writeSyntheticExport(f.tmp);
    const json = join(f.tmp, 'result.json');
    writeFileSync(json, JSON.stringify(syntheticJsonOfSameChat()));
    const first = await importHistory(f.runtime, 'telegram-json', [json], { workspaceId: f.workspaceId });
    const second = await importHistory(f.runtime, 'telegram-html', [dir], { workspaceId: f.workspaceId, chatId: '-100777' });
    expect(first.stored).toBe(11);
    expect(second).toMatchObject({ stored: 0, duplicates: 11 });
    expect((await f.report()).map((g) => g.name)).toEqual(['Garden club']);
  });
});

/** Two pages of the newer HTML format (UTC offsets), names and text invented. */
function writeSyntheticExport(tmp: string): string {
  const dir = join(tmp, 'html-export');
  mkdirSync(dir, { recursive: true });
  const page = (body: string) => `<!DOCTYPE html>
<html>
 <head>
  <meta charset="utf-8"/>
  <title>Exported Data</title>
  <link href="css/style.css" rel="stylesheet"/>
  <script src="js/script.js" type="text/javascript"></script>
 </head>
 <body onload="CheckLocation();">
  <div class="page_wrap">
   <div class="page_header">
    <div class="content">
     <div class="text bold">
Garden club
     </div>
    </div>
   </div>
   <div class="page_body chat_page">
    <div class="history">
${body}
    </div>
   </div>
  </div>
 </body>
</html>
`;
  const separator = (id: number, day: string) => `     <div class="message service" id="message-${id}">\n      <div class="body details">\n${day}\n      </div>\n     </div>`;
  const service = (id: number, text: string) => `     <div class="message service" id="message${id}">\n      <div class="body details">\n${text}\n      </div>\n     </div>`;
  const message = (id: number, date: string, from: string | null, inner = '') => `     <div class="message default clearfix${from === null ? ' joined' : ''}" id="message${id}">
${from === null ? '' : '      <div class="pull_left userpic_wrap">\n       <div class="userpic userpic1" style="width: 42px; height: 42px">\n        <div class="initials" style="line-height: 42px">\nX\n        </div>\n       </div>\n      </div>\n'}      <div class="body">
       <div class="pull_right date details" title="${date}">
${date.slice(11, 16)}
       </div>
${from === null ? '' : `       <div class="from_name">\n${from} <span class="details">via @somebot</span>\n       </div>\n`}${inner}
       <div class="text">
words &amp; more<br>second line
       </div>
      </div>
     </div>`;
  writeFileSync(
    join(dir, 'messages.html'),
    page(
      [
        separator(1, '1 March 2024'),
        service(1, 'Ann created group &laquo;Garden club&raquo;'),
        message(2, '01.03.2024 10:00:00 UTC+03:00', 'Ann'),
        message(
          3,
          '01.03.2024 10:01:00 UTC+03:00',
          null,
          '       <div class="reply_to details">\nIn reply to <a href="#go_to_message2" onclick="return GoToMessage(2)">this message</a>\n       </div>',
        ),
        service(4, 'Bob joined group by link from Ann'),
        service(5, 'Ann invited Cy, Di and Ed'),
        message(
          6,
          '01.03.2024 12:00:00 UTC+03:00',
          'Bob',
          '       <div class="forwarded body">\n        <div class="from_name">\nZed <span class="details"> 01.01.2024 10:00:00</span>\n        </div>\n       </div>',
        ),
      ].join('\n'),
    ),
  );
  writeFileSync(
    join(dir, 'messages2.html'),
    page(
      [
        separator(2, '2 March 2024'),
        message(7, '02.03.2024 09:00:00 UTC+03:00', null),
        service(8, 'Ann removed Di'),
        service(9, 'Ed left group'),
        message(10, '02.03.2024 11:00:00 UTC+03:00', 'Ann &amp; Co'),
      ].join('\n'),
    ),
  );
  return dir;
}

/** The same chat as a JSON export (supergroup 777), with the same message ids. */
function syntheticJsonOfSameChat() {
  const m = (id: number, date: string, from: string, fromId: string, extra: Record<string, unknown> = {}) => ({ id, type: 'message', date, from, from_id: fromId, text: 'words', ...extra });
  const s = (id: number, date: string, actor: string, actorId: string, action: string, extra: Record<string, unknown> = {}) => ({
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
    name: 'Garden club',
    type: 'private_supergroup',
    id: 777,
    messages: [
      s(1, '2024-03-01T09:00:00', 'Ann', 'user1', 'create_group', { title: 'Garden club', members: [] }),
      m(2, '2024-03-01T10:00:00', 'Ann', 'user1'),
      m(3, '2024-03-01T10:01:00', 'Ann', 'user1', { reply_to_message_id: 2 }),
      s(4, '2024-03-01T11:00:00', 'Bob', 'user2', 'join_group_by_link', { inviter: 'Ann' }),
      s(5, '2024-03-01T11:30:00', 'Ann', 'user1', 'invite_members', { members: ['Cy', 'Di', 'Ed'] }),
      m(6, '2024-03-01T12:00:00', 'Bob', 'user2', { forwarded_from: 'Zed' }),
      m(7, '2024-03-02T09:00:00', 'Bob', 'user2'),
      s(8, '2024-03-02T10:00:00', 'Ann', 'user1', 'remove_members', { members: ['Di'] }),
      s(9, '2024-03-02T10:30:00', 'Ed', 'user5', 'remove_members', { members: ['Ed'] }),
      m(10, '2024-03-02T11:00:00', 'Ann & Co', 'user6'),
    ],
  };
}
