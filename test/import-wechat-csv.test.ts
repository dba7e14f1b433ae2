import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GroupMetrics } from '../src/analytics/metrics-report.js';
import { importHistory } from '../src/importers/history-import.js';
import { ImportError } from '../src/importers/import-source.js';
import { membershipChanges } from '../src/importers/wechat-csv-source.js';
import { backends } from './helpers/backends.js';
import { importFixture } from './helpers/import-fixture.js';

/*
 * No real WeChat export is available (../shared/data has none): these fixtures are
 * synthetic, written in the shapes the export tools write — WeChatMsg/MemoTrace's
 * per-chat CSV and PyWxDump's export_csv — with invented names and ids.
 */

function figures(g: GroupMetrics) {
  const { messages, senders, joins, leaves, replies, firstMessageAt, lastMessageAt, activeDays, longestSilenceHours, top20Share } = g;
  return { messages, senders, joins, leaves, replies, firstMessageAt, lastMessageAt, activeDays, longestSilenceHours, top20Share };
}

/** A CSV line from cells, quoting as Python's csv module does (QUOTE_MINIMAL). */
const csvLine = (cells: (string | number)[]) => cells.map((c) => (/[",\r\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',');

const T0 = 1_704_074_400; // 2024-01-01T02:00:00Z = 10:00 in Shanghai
const strTime = (unix: number) => new Date((unix + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ');

/** WeChatMsg / MemoTrace `<chat>_utf8.csv` of a group chat (utf-8 with BOM, as the tool writes it). */
function wechatMsgCsv(): string {
  const header = ['localId', 'TalkerId', 'Type', 'SubType', 'IsSender', 'CreateTime', 'Status', 'StrContent', 'StrTime', 'Remark', 'NickName', 'Sender'];
  const row = (localId: number, type: number, subType: number, isSender: number, at: number, content: string, remark: string, nick: string, sender: string) => [
    localId,
    5,
    type,
    subType,
    isSender,
    at,
    2,
    content,
    strTime(at),
    remark,
    nick,
    sender,
  ];
  const rows = [
    row(1, 10000, 0, 0, T0, '"张三"邀请"李四、王五"加入了群聊', '', '', ''),
    row(2, 1, 0, 0, T0 + 60, '大家好, 欢迎!', '老张', '张三', 'wxid_zhang'),
    row(3, 3, 0, 0, T0 + 120, '<?xml version="1.0"?><msg><img length="1"/></msg>', '', '李四', 'wxid_li'),
    row(4, 1, 0, 1, T0 + 3600, '谢谢\n第二行', '', '我', 'wxid_me'),
    row(5, 10000, 0, 0, T0 + 86_400, '"赵六"通过扫描"张三"分享的二维码加入群聊', '', '', ''),
    row(6, 10002, 0, 0, T0 + 86_460, '<sysmsg type="revokemsg"><revokemsg>"李四" 撤回了一条消息</revokemsg></sysmsg>', '', '', ''),
    row(7, 10000, 0, 0, T0 + 86_520, '你将"王五"移出了群聊', '', '', ''),
    row(8, 49, 57, 0, T0 + 90_000, '<msg><appmsg><title>同意</title><type>57</type></appmsg></msg>', '', '李四', 'wxid_li'),
    row(9, 10000, 0, 0, T0 + 90_060, '"李四"修改群名为"读书会"', '', '', ''),
    row(10, 50, 0, 0, T0 + 90_120, '<voipmsg/>', '', '李四', 'wxid_li'),
  ];
  return `\ufeff${[header, ...rows].map(csvLine).join('\r\n')}\r\n`;
}

/** PyWxDump `export_csv`: `<wxid>_<from>_<to>.csv`, CreateTime as local time. */
function pyWxDumpCsv(): string {
  const header = ['id', 'MsgSvrID', 'type_name', 'is_sender', 'talker', 'room_name', 'msg', 'src', 'CreateTime'];
  const rows = [
    [1, '7001000000000000001', '文本', 0, 'wxid_a', '12345@chatroom', '早上好', '', '2024-02-01 09:00:00'],
    [2, '7001000000000000002', '图片', 0, 'wxid_b', '12345@chatroom', '图片', 'FileStorage/Image/1.dat', '2024-02-01 09:05:00'],
    [3, '7001000000000000003', '文本', 1, '我', '12345@chatroom', '你们好', '', '2024-02-01 10:00:00'],
    [4, '7001000000000000004', '系统通知', 0, '系统', '12345@chatroom', '"阿C"加入了群聊', '', '2024-02-02 08:00:00'],
    [5, '7001000000000000005', '文本', 0, 'wxid_p', 'wxid_p', '一对一的消息', '', '2024-02-02 09:00:00'],
    [6, '7001000000000000006', '撤回消息', 0, 'wxid_a', '12345@chatroom', '"wxid_a" 撤回了一条消息', '', '2024-02-02 09:30:00'],
  ];
  return `${[header, ...rows].map(csvLine).join('\n')}\n`;
}

describe.each(backends)('wechat-csv import on $name', (backend) => {
  const f = importFixture(backend);

  it('reads a WeChatMsg/MemoTrace group CSV: messages, senders by wxid, joins and removals from system lines', async () => {
    const file = join(f.tmp, '读书会_utf8.csv');
    writeFileSync(file, wechatMsgCsv());
    const summary = await importHistory(f.runtime, 'wechat-csv', [file], { workspaceId: f.workspaceId });
    expect(summary.groups).toEqual([{ platform: 'wechat', externalId: 'csv:读书会:5', title: '读书会', events: 8 }]);
    expect(summary.skipped).toEqual({ 'recalls and system notices (type 10002)': 1, 'system lines that are not joins or removals': 1, 'calls (type 50)': 1 });
    const [g] = await f.report();
    expect(figures(g!)).toEqual({
      messages: 4, // text, image, own text, quoting reply
      senders: 3, // wxid_zhang, wxid_li, the exporting account
      joins: 3, // 李四 and 王五 invited, 赵六 by QR code
      leaves: 1, // 王五 removed
      replies: 0, // a quote carries no id of the message it quotes in these CSVs
      firstMessageAt: '2024-01-01T02:01:00.000Z', // CreateTime (unix) is the instant
      lastMessageAt: '2024-01-02T03:00:00.000Z',
      activeDays: 2,
      longestSilenceHours: 24,
      top20Share: 0.5,
    });
    const own = await f.runtime.store.db.selectFrom('identity').select('external_id').where('external_id', '=', 'wxid_me').execute();
    expect(own).toHaveLength(1);
  });

  it('reads a PyWxDump CSV in the --tz given, skipping one-to-one chat rows', async () => {
    const file = join(f.tmp, '12345@chatroom_0_5001.csv');
    writeFileSync(file, pyWxDumpCsv());
    const summary = await importHistory(f.runtime, 'wechat-csv', [file], { workspaceId: f.workspaceId, tz: 'Asia/Shanghai' });
    expect(summary.groups).toEqual([{ platform: 'wechat', externalId: '12345@chatroom', title: '12345@chatroom', events: 4 }]);
    expect(summary.skipped).toEqual({ 'rows of one-to-one chats': 1, recalls: 1 });
    const [g] = await f.report();
    expect(g).toMatchObject({ timezone: 'Asia/Shanghai', messages: 3, senders: 3, joins: 1, firstMessageAt: '2024-02-01T01:00:00.000Z', activeDays: 1 });
    const keys = (await f.runtime.store.db.selectFrom('event').select('dedup_key').orderBy('id').execute()).map((r) => r.dedup_key);
    expect(keys[0]).toBe('wechat:msg:7001000000000000001');
  });

  it('changes nothing when the same files are imported again', async () => {
    const a = join(f.tmp, '读书会_utf8.csv');
    const b = join(f.tmp, '12345@chatroom_0_5001.csv');
    writeFileSync(a, wechatMsgCsv());
    writeFileSync(b, pyWxDumpCsv());
    const first = await importHistory(f.runtime, 'wechat-csv', [a, b], { workspaceId: f.workspaceId });
    const events = await f.eventCount();
    const before = await f.report();
    const again = await importHistory(f.runtime, 'wechat-csv', [a, b], { workspaceId: f.workspaceId });
    expect(again).toMatchObject({ stored: 0, duplicates: first.events });
    expect(await f.eventCount()).toBe(events);
    expect(await f.report()).toEqual(before);
  });

  it('fails on truncated and corrupted files naming file, line and reason, storing nothing', async () => {
    const good = join(f.tmp, 'good_utf8.csv');
    writeFileSync(good, wechatMsgCsv());
    const text = wechatMsgCsv();
    const truncated = join(f.tmp, 'truncated_utf8.csv');
    writeFileSync(truncated, text.slice(0, text.indexOf('谢谢') + 2)); // inside a quoted, multi-line field
    const badTime = join(f.tmp, 'bad-time_utf8.csv');
    writeFileSync(badTime, text.replace(String(T0 + 120), 'soon').replace(strTime(T0 + 120), '2024-13-01 25:00:00'));
    const shortRow = join(f.tmp, 'short-row_utf8.csv');
    writeFileSync(shortRow, text.replace(`,${T0 + 3600},2,`, `,${T0 + 3600},`));
    const notWechat = join(f.tmp, 'other.csv');
    writeFileSync(notWechat, 'a,b,c\n1,2,3\n');
    const gbk = join(f.tmp, 'gbk.csv');
    writeFileSync(gbk, Buffer.concat([Buffer.from('localId,CreateTime,StrContent,Sender\n1,1704074400,'), Buffer.from([0xc4, 0xe3, 0xba, 0xc3]), Buffer.from(',wxid_a\n')]));
    for (const [file, entry, reason] of [
      [truncated, /^line 5$/, /ends inside a quoted field/],
      [badTime, /^line 4$/, /no readable time/],
      [shortRow, /^line 5$/, /expected 12 fields, found 11/],
      [notWechat, /^line 1$/, /not a WeChat chat CSV/],
      [gbk, /line 2/, /not valid UTF-8/],
    ] as const) {
      // The good file first: nothing of it may be stored either.
      const error = await importHistory(f.runtime, 'wechat-csv', [good, file], { workspaceId: f.workspaceId }).catch((e: unknown) => e);
      expect(error, file).toBeInstanceOf(ImportError);
      expect((error as ImportError).file).toBe(file);
      expect((error as ImportError).entry).toMatch(entry);
      expect((error as ImportError).reason).toMatch(reason);
    }
    expect(await f.eventCount()).toBe(0);
  });
});

describe('WeChat system lines', () => {
  const self = () => ({ id: 'me', name: '我' });
  const names = (text: string) => membershipChanges(text, 'g', self)?.map((c) => [c.kind, c.member.name, 'inviter' in c ? c.inviter?.name : 'removedBy' in c ? c.removedBy?.name : undefined]);

  it('reads joins and removals in the Chinese and English clients, and nothing else', () => {
    expect(names('"张三"邀请"李四、王五"加入了群聊')).toEqual([
      ['member.joined', '李四', '张三'],
      ['member.joined', '王五', '张三'],
    ]);
    expect(names('“张三”邀请你和“李四”加入了群聊')).toEqual([
      ['member.joined', '我', '张三'],
      ['member.joined', '李四', '张三'],
    ]);
    expect(names('你邀请"李四"加入了群聊')).toEqual([['member.joined', '李四', '我']]);
    expect(names('"李四"通过扫描你分享的二维码加入群聊')).toEqual([['member.joined', '李四', '我']]);
    expect(names('你通过扫描二维码加入群聊，群聊参与人还有：张三、李四')).toEqual([['member.joined', '我', undefined]]);
    expect(names('"李四"加入了群聊')).toEqual([['member.joined', '李四', undefined]]);
    expect(names('"张三"将"李四"移出了群聊')).toEqual([['member.left', '李四', '张三']]);
    expect(names('"Ann" invited "Bob, Cy" to the group chat')).toEqual([['member.joined', 'Bob, Cy', 'Ann']]);
    expect(names('"Bob" joined the group chat via the QR Code shared by "Ann"')).toEqual([['member.joined', 'Bob', 'Ann']]);
    expect(names('You removed "Bob" from the group chat')).toEqual([['member.left', 'Bob', '我']]);
    for (const other of ['"李四"撤回了一条消息', '"李四"修改群名为"读书会"', '收到红包，请在手机上查看', '"李四"与群里其他人都不是朋友关系，请注意隐私安全'])
      expect(membershipChanges(other, 'g', self), other).toBeNull();
  });
});
