import { createHash } from 'node:crypto';
import type { EventInput } from '../../core/event.js';
import { InvalidPayloadError } from '../platform-adapter.js';
import { wechatPayloadSchema, type ParsedWechatPayload, type WechatMessageKind, type WechatPerson } from './wechat-payload.js';

type Media = Extract<EventInput, { kind: 'message' }>['media'];

/** Wechaty's message kinds as Hearth media; `null` marks system lines that are not member messages. */
const MEDIA: Record<WechatMessageKind, Media | null> = {
  text: undefined,
  image: 'photo',
  video: 'video',
  audio: 'voice',
  attachment: 'document',
  emoticon: 'sticker',
  url: 'link',
  'mini-program': 'link',
  location: 'location',
  contact: 'contact',
  'chat-history': 'other',
  'red-envelope': 'other',
  transfer: 'other',
  post: 'other',
  unknown: 'other',
  recalled: null,
  'group-note': null,
};

const COMMAND = /^\/([a-z0-9_]{1,64})(?:@\S+)?(?:\s+([\s\S]*))?$/i;

const person = (p: WechatPerson) => ({ id: p.id, ...(p.name ? { name: p.name } : {}), ...(p.bot ? { isBot: true } : {}) });

/** A dedup key from its parts; hashed when ids are long enough to pass the 300-character limit. */
function key(kind: string, ...parts: (string | number)[]): string {
  const plain = `wechat:${kind}:${parts.join(':')}`;
  return plain.length <= 300 ? plain : `wechat:${kind}:sha256:${createHash('sha256').update(parts.join('\u0000')).digest('hex')}`;
}

/** Validates a WeChat payload; throws InvalidPayloadError naming each bad field. */
export function parseWechatPayload(payload: unknown): ParsedWechatPayload {
  const parsed = wechatPayloadSchema.safeParse(payload);
  if (!parsed.success)
    throw new InvalidPayloadError(
      'wechat',
      parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`),
    );
  return parsed.data;
}

/**
 * WeChat payload → Events. A message is keyed by Wechaty's message id; room events,
 * which have no id of their own, by room + member + time, so an invite of three
 * people is three joins (each naming the inviter) and a redelivery changes nothing.
 * A topic change renames the group.
 */
export function normalizeWechatPayload(payload: unknown): EventInput[] {
  const p = parseWechatPayload(payload);
  const occurredAt = new Date(p.at).toISOString();
  const group = { id: p.roomId, ...(p.roomTopic ? { title: p.roomTopic } : {}) };
  switch (p.type) {
    case 'message': {
      const media = MEDIA[p.kind];
      if (media === null) return [];
      const base = { platform: 'wechat' as const, dedupKey: key('msg', p.id), occurredAt, group, actor: person(p.talker), messageId: p.id };
      const command = media === undefined ? COMMAND.exec(p.text.trim()) : null;
      if (command) return [{ ...base, kind: 'command', name: command[1]!.toLowerCase(), args: command[2] ?? '' }];
      return [
        {
          ...base,
          kind: 'message',
          // Media messages carry puppet-specific XML or file names as text: not the member's words.
          text: media === undefined ? p.text : '',
          ...(media ? { media } : {}),
          ...(p.kind === 'chat-history' ? { forwarded: true } : {}),
          ...(p.quoteId ? { replyTo: p.quoteId } : {}),
          mentions: [...new Set(p.mentionIds)],
        },
      ];
    }
    case 'room-join':
      return p.inviteeList.map((invitee) => {
        const invited = p.inviter && p.inviter.id !== invitee.id;
        return {
          platform: 'wechat' as const,
          kind: 'member.joined' as const,
          dedupKey: key('join', p.roomId, invitee.id, p.at),
          occurredAt,
          group,
          member: person(invitee),
          method: invited ? ('invite' as const) : ('unknown' as const),
          ...(invited ? { inviter: person(p.inviter!) } : {}),
        };
      });
    case 'room-leave':
      return p.leaverList.map((leaver) => ({
        platform: 'wechat' as const,
        kind: 'member.left' as const,
        dedupKey: key('leave', p.roomId, leaver.id, p.at),
        occurredAt,
        group,
        member: person(leaver),
        ...(p.remover && p.remover.id !== leaver.id ? { removedBy: person(p.remover) } : {}),
      }));
    case 'room-topic':
      if (!p.topic.trim()) return [];
      return [{ platform: 'wechat', kind: 'group.renamed', dedupKey: key('topic', p.roomId, p.at), occurredAt, group: { id: p.roomId }, actor: person(p.changer), title: p.topic }];
  }
}
