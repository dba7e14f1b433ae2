import { basename } from 'node:path';
import type { EventInput } from '../core/event.js';
import { csvRecords, headerKey } from './csv-records.js';
import { ImportError, clipName, clipText, nameId, type ImportItem, type ImportSource, type ReadContext } from './import-source.js';
import { epochFromUnix, isoOf, parseIsoDateTime } from './wall-clock.js';

/**
 * WeChat chat history as CSV, from the common PC export tools. Columns are found by
 * name (case, spaces and punctuation ignored), so these are read as they come:
 * - WeChatMsg / MemoTrace (留痕) per-chat CSV `<name>_utf8.csv`:
 *   `localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender`
 *   (CreateTime unix seconds; Sender the speaker's wxid; Remark/NickName their names);
 * - PyWxDump `export_csv` (`<wxid>_<from>_<to>.csv`):
 *   `id,MsgSvrID,type_name,is_sender,talker,room_name,content|msg,src,CreateTime`
 *   (talker the speaker's wxid or 我; room_name the chat's wxid; CreateTime local time);
 * - any CSV with a time column, a sender (id or name, or an is-sender flag) and a
 *   content or type column, under the names listed in ROLES below (English or
 *   Chinese headers), ',' ';' or tab separated, UTF-8.
 *
 * Chats: a `…@chatroom` id (StrTalker/room_name) is the group; a numeric TalkerId
 * or no chat column makes the file (and TalkerId) the group, named after the file.
 * Rows of one-to-one chats (a chat id that is a person's wxid) are skipped; a
 * WeChatMsg file of a one-to-one chat cannot be told apart — give group chats only.
 *
 * Ids: MsgSvrID (the server's id, the same on every device) gives the dedup key
 * `wechat:msg:<MsgSvrID>`; without it localId (stable for one phone's database):
 * `wechat-csv:<group>:<localId>`. Times: a unix CreateTime is the instant; a
 * written time (StrTime, PyWxDump's CreateTime) is wall clock in --tz (UTC default).
 *
 * Events: Type 10000 system lines that say someone joined ("X"邀请"Y、Z"加入了群聊,
 * "Y"通过扫描"X"分享的二维码加入群聊, "Y"加入了群聊, and the English client's forms)
 * become joins, one per name; "X"将"Y"移出了群聊 a removal. WeChat shows no line for
 * a member who leaves by themselves. Recalls (10002), pats and calls are not
 * events; every other row is a message (Type → media kind).
 */

const ROLES = {
  svrId: ['msgsvrid', 'svrid', 'newmsgid', 'serverid'],
  localId: ['localid', 'id', 'msgid', 'messageid', 'msglocalid', '消息id', '序号'],
  chat: ['strtalker', 'roomname', 'talkerid', 'chatroom', 'roomid', 'chatroomid', 'groupid', 'chatid', 'conversationid', '群聊id', '群id', '会话id'],
  chatName: ['roomnickname', 'groupname', 'chatname', 'roomtopic', 'topic', '群名称', '群名', '群聊名称', '会话名称'],
  senderId: ['sender', 'senderid', 'senderwxid', 'talker', 'wxid', 'fromuser', 'fromusername', '发送者id', '发送人id', '发送人wxid', '发送者wxid'],
  senderName: ['remark', 'nickname', 'sendername', 'displayname', 'groupnickname', 'talkername', 'name', '发送者', '发送人', '昵称', '备注', '群昵称'],
  time: ['createtime', 'timestamp', 'msgtime', 'strtime', 'time', 'datetime', 'date', 'sendtime', '时间', '发送时间', '消息时间'],
  type: ['type', 'msgtype', 'typename', 'messagetype', '类型', '消息类型'],
  subType: ['subtype', 'msgsubtype'],
  isSender: ['issender', 'issend', 'isself', 'isme', 'self', '是否发送', '是否自己发送', '是否为自己'],
  content: ['strcontent', 'content', 'msg', 'message', 'text', 'displaycontent', '内容', '消息内容', '消息'],
} as const;
type Role = keyof typeof ROLES;
type Columns = Record<Role, number[]> & { width: number };

type Media = (EventInput & { kind: 'message' })['media'];
type Kind = { as: 'message'; media?: Media; keepText: boolean } | { as: 'system' } | { as: 'skip'; reason: string };

const SELF_WORDS = new Set(['我', 'me', 'self', '自己']);

export class WechatCsvSource implements ImportSource {
  constructor(readonly files: readonly string[]) {}

  async *read(ctx: ReadContext): AsyncIterable<ImportItem> {
    for (const file of this.files) yield* this.#readFile(file, ctx);
  }

  async *#readFile(file: string, ctx: ReadContext): AsyncGenerator<ImportItem> {
    const stem = basename(file).replace(/\.csv$/i, '');
    const fileTitle = stem.replace(/_utf8$/i, '').replace(/_\d+_\d+$/, '') || stem;
    const selfKey = `${file}#self`;
    let selfId = (ctx.memo.get(selfKey) as string | undefined) ?? null;
    let columns: Columns | null = null;

    for await (const records of csvRecords(file, (n) => ctx.progress(n))) {
      const items: ImportItem[] = [];
      for (const { fields, line } of records) {
        const entry = `line ${line}`;
        if (!columns) {
          columns = mapColumns(fields, file);
          continue;
        }
        if (fields.length !== columns.width) throw new ImportError(file, entry, `expected ${columns.width} fields, found ${fields.length} (a broken or truncated row)`);
        const get = (role: Role): string => {
          for (const i of columns![role]) {
            const v = fields[i]!.trim();
            if (v) return v;
          }
          return '';
        };

        const chat = get('chat');
        if (chat && !chat.endsWith('@chatroom') && !/^\d+$/.test(chat)) {
          if (ctx.pass === 1) ctx.passOver('rows of one-to-one chats');
          continue;
        }
        const groupId = chat.endsWith('@chatroom') ? chat : `csv:${fileTitle}${chat ? `:${chat}` : ''}`;
        const group = { id: groupId.slice(0, 200), title: (get('chatName') || fileTitle).slice(0, 512) };

        const at = readTime(columns, fields, ctx.tz);
        if (at === null) throw new ImportError(file, entry, `no readable time (${columns.time.map((i) => JSON.stringify(fields[i]?.slice(0, 30))).join(', ')})`);

        const svrId = get('svrId');
        const localId = get('localId');
        const hasSvr = svrId !== '' && svrId !== '0';
        if (!hasSvr && !localId) throw new ImportError(file, entry, 'no message id (MsgSvrID or localId)');
        if (hasSvr && !/^-?\d{1,25}$/.test(svrId)) throw new ImportError(file, entry, `MsgSvrID ${JSON.stringify(svrId.slice(0, 30))} is not a number`);
        const messageId = hasSvr ? svrId : `local:${localId}`;
        const dedupKey = hasSvr ? `wechat:msg:${svrId}` : `wechat-csv:${group.id}:${localId}`;
        const base = { platform: 'wechat' as const, occurredAt: isoOf(at), group };

        const kind = kindOf(get('type'), get('subType'));
        if (kind.as === 'skip') {
          if (ctx.pass === 1) ctx.passOver(kind.reason);
          continue;
        }
        const content = columns.content.length ? fields[columns.content[0]!]! : '';
        if (kind.as === 'system') {
          const self = () => ({ id: selfId ?? nameId(group.id, 'me'), name: '我' });
          const changes = membershipChanges(content, group.id, self);
          if (!changes) {
            if (ctx.pass === 1) ctx.passOver('system lines that are not joins or removals');
            continue;
          }
          changes.forEach((c, i) => items.push({ event: { ...base, ...c, dedupKey: `${dedupKey}:${i}` } as EventInput, file, entry }));
          continue;
        }

        const mine = /^(1|true|yes|是)$/i.test(get('isSender'));
        let senderId = get('senderId');
        if (SELF_WORDS.has(senderId)) senderId = '';
        const senderName = get('senderName');
        let actor: { id: string; name?: string };
        if (mine) {
          if (senderId && !selfId && ctx.pass === 1) ctx.memo.set(selfKey, (selfId = senderId.slice(0, 200)));
          actor = { id: senderId || selfId || nameId(group.id, 'me'), name: clipName(senderName || '我')! };
        } else if (senderId) actor = { id: senderId.slice(0, 200), ...(senderName ? { name: clipName(senderName)! } : {}) };
        else if (senderName) actor = { id: nameId(group.id, senderName), name: clipName(senderName)! };
        else throw new ImportError(file, entry, 'no sender (no sender id, no name, not sent by the exporting account)');

        items.push({
          event: { ...base, kind: 'message', dedupKey, actor, messageId, text: kind.keepText ? clipText(content) : '', ...(kind.media ? { media: kind.media } : {}) },
          file,
          entry,
        });
      }
      yield* items;
    }
    if (!columns) throw new ImportError(file, null, 'the file is empty (no header)');
  }
}

function mapColumns(header: string[], file: string): Columns {
  const keys = header.map(headerKey);
  const columns = { width: header.length } as Columns;
  const taken = new Set<number>();
  // Specific roles first, so that "talkerid" is the chat and "talker" the sender.
  const order: Role[] = ['svrId', 'chat', 'chatName', 'senderId', 'isSender', 'subType', 'type', 'time', 'content', 'localId', 'senderName'];
  for (const role of order) {
    columns[role] = [];
    for (const alias of ROLES[role]) {
      keys.forEach((k, i) => {
        if (k === alias && !taken.has(i)) {
          columns[role].push(i);
          taken.add(i);
        }
      });
    }
  }
  const missing: string[] = [];
  if (!columns.time.length) missing.push('a time (CreateTime, StrTime, time, 时间 …)');
  if (!columns.senderId.length && !columns.senderName.length && !columns.isSender.length) missing.push('a sender (Sender, talker, NickName, 发送人 …)');
  if (!columns.content.length && !columns.type.length) missing.push('a content or type (StrContent, content, msg, Type, 内容 …)');
  if (!columns.svrId.length && !columns.localId.length) missing.push('a message id (MsgSvrID, localId, id …)');
  if (missing.length)
    throw new ImportError(file, 'line 1', `not a WeChat chat CSV this importer knows: the header needs ${missing.join(', ')}; found ${header.map((h) => JSON.stringify(h)).join(', ')}`);
  return columns;
}

function readTime(columns: Columns, fields: string[], tz: string): number | null {
  for (const i of columns.time) {
    const v = fields[i]!.trim();
    if (!v) continue;
    const t = /^\d{9,13}$/.test(v)
      ? epochFromUnix(v)
      : parseIsoDateTime(
          v.replace(/^(\d{4})\/(\d{1,2})\/(\d{1,2})/, (_, y: string, m: string, d: string) => `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`),
          tz,
        );
    if (t !== null) return t;
  }
  return null;
}

const NUMERIC_MEDIA: Record<string, Media> = { '3': 'photo', '34': 'voice', '42': 'contact', '43': 'video', '47': 'sticker', '48': 'location' };

function kindOf(type: string, subType: string): Kind {
  if (type === '' || type === '1') return { as: 'message', keepText: true };
  if (/^\d+$/.test(type)) {
    if (type === '10000') return { as: 'system' };
    if (type === '10002') return { as: 'skip', reason: 'recalls and system notices (type 10002)' };
    if (type === '50') return { as: 'skip', reason: 'calls (type 50)' };
    if (NUMERIC_MEDIA[type]) return { as: 'message', media: NUMERIC_MEDIA[type], keepText: false };
    if (type === '49') {
      if (subType === '57') return { as: 'message', keepText: true }; // a quoting reply
      if (subType === '6') return { as: 'message', media: 'document', keepText: false };
      if (subType === '62') return { as: 'skip', reason: 'pats (拍一拍)' };
      return { as: 'message', media: 'link', keepText: false };
    }
    return { as: 'message', media: 'other', keepText: false };
  }
  // Type names (PyWxDump's type_name).
  if (/撤回/.test(type)) return { as: 'skip', reason: 'recalls' };
  if (/拍一拍/.test(type)) return { as: 'skip', reason: 'pats (拍一拍)' };
  if (/系统/.test(type) || /^system/i.test(type)) return { as: 'system' };
  if (/通话/.test(type)) return { as: 'skip', reason: 'calls' };
  if (/文本|引用|^text/i.test(type)) return { as: 'message', keepText: true };
  const named: [RegExp, Media][] = [
    [/图片|image|photo/i, 'photo'],
    [/语音|voice/i, 'voice'],
    [/视频|video/i, 'video'],
    [/表情|sticker|emoji/i, 'sticker'],
    [/位置|location/i, 'location'],
    [/文件|file/i, 'document'],
    [/名片|contact/i, 'contact'],
    [/链接|卡片|分享|link/i, 'link'],
  ];
  for (const [re, media] of named) if (re.test(type)) return { as: 'message', media, keepText: true };
  return { as: 'message', media: 'other', keepText: true };
}

type Change =
  | Omit<Extract<EventInput, { kind: 'member.joined' }>, 'platform' | 'occurredAt' | 'group' | 'dedupKey'>
  | Omit<Extract<EventInput, { kind: 'member.left' }>, 'platform' | 'occurredAt' | 'group' | 'dedupKey'>;

/** The joins and removals a system line announces, or null. */
export function membershipChanges(text: string, scope: string, self: () => { id: string; name: string }): Change[] | null {
  const t = text.trim().replace(/[“”「」]/g, '"');
  const who = (quoted: string | undefined) => (quoted === undefined ? self() : { id: nameId(scope, quoted), name: clipName(quoted)! });
  const list = (part: string) => {
    const out: { id: string; name: string }[] = [];
    const rest = part.replace(/"([^"]*)"/g, (_, names: string) => {
      for (const n of names.split('、')) if (n.trim()) out.push(who(n.trim()));
      return ' ';
    });
    if (/(^|\s|和|、)(你|you)(\s|和|、|$)/i.test(rest)) out.unshift(self());
    return out;
  };
  const actorRe = '(?:"([^"]+)"|你|You)';

  let m = new RegExp(`^${actorRe} ?(?:将(.+)移出了群聊|removed (.+) from the group chat)`, 'i').exec(t);
  if (m) {
    const actor = who(m[1]);
    return list(m[2] ?? m[3]!).map((member) => ({ kind: 'member.left', member, removedBy: actor }));
  }
  m = new RegExp(`^${actorRe} ?(?:通过扫描(?:"([^"]+)"|你)?(?:分享的)?二维码加入群聊|joined the group chat via (?:the )?QR code(?: shared by (?:"([^"]+)"|you))?)`, 'i').exec(t);
  if (m) {
    const inviterName = m[2] ?? m[3];
    const inviter = inviterName !== undefined ? who(inviterName) : /扫描你分享|shared by you/i.test(t) ? self() : undefined;
    return [{ kind: 'member.joined', member: who(m[1]), method: 'code', ...(inviter ? { inviter } : {}) }];
  }
  m = new RegExp(`^${actorRe} ?(?:邀请(.+?)加入了群聊|invited (.+?) to (?:join )?the group chat)`, 'i').exec(t);
  if (m) {
    const actor = who(m[1]);
    return list(m[2] ?? m[3]!).map((member) => ({ kind: 'member.joined', member, method: 'invite', inviter: actor }));
  }
  m = /^"([^"]+)" ?(?:加入了群聊|joined the group chat)/i.exec(t);
  if (m) return [{ kind: 'member.joined', member: who(m[1]), method: 'link' }];
  return null;
}
