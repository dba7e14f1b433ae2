import type { ImportFormat } from '../../src/importers/import-formats.js';

/*
 * A small, valid export of every format `hearth import` reads, written in the shapes
 * the export tools write, names and text invented: the starting points the fuzz suite
 * corrupts.
 */

const csvLine = (cells: (string | number)[]) => cells.map((c) => (/[",\r\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',');

/** A small valid export of each format, and the file name the format expects. */
export function importSeeds(): Record<ImportFormat, { name: string; text: string; json?: unknown }> {
  const tgJson = {
    name: 'Bakers',
    type: 'private_supergroup',
    id: 3001,
    messages: [
      { id: 1, type: 'service', date: '2024-01-02T09:00:00', date_unixtime: '1704186000', actor: 'Ann', actor_id: 'user10', action: 'invite_members', members: ['Cy', 'Di'], text: '' },
      {
        id: 2,
        type: 'message',
        date: '2024-01-02T10:00:00',
        date_unixtime: '1704189600',
        from: 'Ann',
        from_id: 'user10',
        text: ['hi ', { type: 'bold', text: 'all' }, { type: 'mention', text: '@bob' }],
      },
      { id: 3, type: 'message', date: '2024-01-02T10:05:00', date_unixtime: '1704189900', from: 'Bob', from_id: 'user11', reply_to_message_id: 2, photo: 'photos/1.jpg', text: 'look' },
      { id: 4, type: 'service', date: '2024-01-03T09:00:00', date_unixtime: '1704272400', actor: 'Ann', actor_id: 'user10', action: 'remove_members', members: ['Cy'], text: '' },
      { id: 5, type: 'message', date: '2024-01-03T11:00:00', date_unixtime: '1704279600', from: 'Ann', from_id: 'user10', text: 'bye', edited: '2024-01-03T11:01:00' },
      { id: 6, type: 'service', date: '2024-01-03T12:00:00', date_unixtime: '1704283200', actor: 'Bob', actor_id: 'user11', action: 'join_group_by_link', inviter: 'Group', text: '' },
    ],
  };
  const message = (id: number, date: string, from: string | null, text: string, inner = '') => `     <div class="message default clearfix${from === null ? ' joined' : ''}" id="message${id}">
      <div class="body">
       <div class="pull_right date details" title="${date}">
${date.slice(11, 16)}
       </div>
${from === null ? '' : `       <div class="from_name">\n${from}\n       </div>\n`}${inner}
       <div class="text">
${text}
       </div>
      </div>
     </div>`;
  const service = (id: number, text: string) => `     <div class="message service" id="message${id}">\n      <div class="body details">\n${text}\n      </div>\n     </div>`;
  const html = `<!DOCTYPE html>
<html>
 <head>
  <meta charset="utf-8"/>
  <title>Exported Data</title>
 </head>
 <body>
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
     <div class="message service" id="message-1">
      <div class="body details">
1 March 2024
      </div>
     </div>
${[
  service(1, 'Ann created group &laquo;Garden club&raquo;'),
  message(2, '01.03.2024 10:00:00 UTC+03:00', 'Ann', 'words &amp; more<br>second line'),
  message(
    3,
    '01.03.2024 10:01:00 UTC+03:00',
    null,
    'again',
    '       <div class="reply_to details">\nIn reply to <a href="#go_to_message2" onclick="return GoToMessage(2)">this message</a>\n       </div>',
  ),
  service(4, 'Bob joined group by link from Ann'),
  service(5, 'Ann invited Cy, Di and Ed'),
  message(6, '01.03.2024 12:00:00 UTC+03:00', 'Bob', 'hello'),
  service(7, 'Ann removed Di'),
].join('\n')}
    </div>
   </div>
  </div>
 </body>
</html>
`;
  const T0 = 1_704_074_400;
  const strTime = (unix: number) => new Date((unix + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  const wechatRow = (localId: number, type: number, isSender: number, at: number, content: string, nick: string, sender: string) => [
    localId,
    5,
    type,
    0,
    isSender,
    at,
    2,
    content,
    strTime(at),
    '',
    nick,
    sender,
  ];
  const wechat = `\ufeff${[
    ['localId', 'TalkerId', 'Type', 'SubType', 'IsSender', 'CreateTime', 'Status', 'StrContent', 'StrTime', 'Remark', 'NickName', 'Sender'],
    wechatRow(1, 10000, 0, T0, '"张三"邀请"李四、王五"加入了群聊', '', ''),
    wechatRow(2, 1, 0, T0 + 60, '大家好, 欢迎!', '张三', 'wxid_zhang'),
    wechatRow(3, 3, 0, T0 + 120, '<?xml version="1.0"?><msg><img length="1"/></msg>', '李四', 'wxid_li'),
    wechatRow(4, 1, 1, T0 + 3600, '谢谢\n第二行', '我', 'wxid_me'),
    wechatRow(5, 10000, 0, T0 + 86_520, '你将"王五"移出了群聊', '', ''),
  ]
    .map(csvLine)
    .join('\r\n')}\r\n`;
  const person = (id: string, name: string, nickname: string | null, isBot = false) => ({ id, name, discriminator: '0001', nickname, color: null, isBot, avatarUrl: '' });
  const annD = person('11', 'ann', 'Ann');
  const bobD = person('12', 'bob', null);
  const discordJson = {
    guild: { id: '1', name: 'Guild', iconUrl: '' },
    channel: { id: '100', type: 'GuildTextChat', categoryId: '5', category: 'Text', name: 'general', topic: null },
    dateRange: { after: null, before: null },
    exportedAt: '2024-02-01T00:00:00+00:00',
    messages: [
      {
        id: '1001',
        type: 'Default',
        timestamp: '2024-01-01T10:00:00+00:00',
        timestampEdited: null,
        isPinned: false,
        content: 'hi',
        author: annD,
        attachments: [],
        embeds: [],
        stickers: [],
        reactions: [],
        mentions: [],
      },
      { id: '1002', type: 'GuildMemberJoin', timestamp: '2024-01-01T10:05:00+00:00', content: 'Joined the server.', author: bobD, attachments: [], reactions: [], mentions: [] },
      {
        id: '1003',
        type: 'Reply',
        timestamp: '2024-01-01T12:30:00+02:00',
        content: 'hello @Ann',
        author: bobD,
        attachments: [],
        reactions: [{ emoji: { id: null, name: '👍', code: 'thumbsup', isAnimated: false, imageUrl: '' }, count: 2, users: [annD, bobD] }],
        mentions: [annD],
        reference: { messageId: '1001', channelId: '100', guildId: '1' },
      },
    ],
    messageCount: 3,
  };
  const discordCsv = [
    'AuthorID,Author,Date,Content,Attachments,Reactions',
    '"111","ann","4/3/2018 1:48 AM","hello, all","",""',
    '"222","bob","4/3/2018 1:50 PM","two',
    'lines","https://cdn.example/a.png","👍 (2)"',
    '"111","ann","4/5/2018 9:00 AM","bye ""quoted""","",""',
    '',
  ].join('\r\n');
  return {
    'telegram-json': { name: 'result.json', text: JSON.stringify(tgJson, null, 1), json: tgJson },
    'telegram-html': { name: 'messages.html', text: html },
    'wechat-csv': { name: '读书会_utf8.csv', text: wechat },
    'discord-json': { name: 'Guild - general [100].json', text: JSON.stringify(discordJson, null, 2), json: discordJson },
    'discord-csv': { name: 'Guild - Text - general [123456789012345678].csv', text: discordCsv },
  };
}
