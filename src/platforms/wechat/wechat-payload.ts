import { z } from 'zod';

/**
 * What the WeChat receiver hands the normalizer: Wechaty's messages and room events
 * copied into plain data (no SDK objects), so the normalizer is a pure function that
 * tests and imports can feed directly. Times are epoch milliseconds.
 */
const id = z.string().min(1).max(200);

const person = z.object({
  id,
  name: z.string().max(512).default(''),
  /** The bot's own account. */
  bot: z.boolean().optional(),
});

const room = {
  roomId: id,
  roomTopic: z.string().max(512).optional(),
  at: z.number().int().nonnegative(),
};

/** Wechaty's message types, by name. */
export const WECHAT_MESSAGE_KINDS = [
  'text',
  'image',
  'video',
  'audio',
  'attachment',
  'emoticon',
  'url',
  'mini-program',
  'location',
  'contact',
  'chat-history',
  'red-envelope',
  'transfer',
  'post',
  'recalled',
  'group-note',
  'unknown',
] as const;
export type WechatMessageKind = (typeof WECHAT_MESSAGE_KINDS)[number];

export const wechatPayloadSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    ...room,
    /** Wechaty's message id: stable across redeliveries of the same message. */
    id,
    talker: person,
    kind: z.enum(WECHAT_MESSAGE_KINDS),
    text: z.string().max(65536).default(''),
    mentionIds: z.array(id).max(200).default([]),
    /** The quoted message's id, when the puppet exposes it. */
    quoteId: id.optional(),
  }),
  z.object({
    type: z.literal('room-join'),
    ...room,
    inviteeList: z.array(person).min(1).max(500),
    inviter: person.optional(),
  }),
  z.object({
    type: z.literal('room-leave'),
    ...room,
    leaverList: z.array(person).min(1).max(500),
    remover: person.optional(),
  }),
  z.object({
    type: z.literal('room-topic'),
    ...room,
    topic: z.string().max(512),
    oldTopic: z.string().max(512).default(''),
    changer: person,
  }),
]);

export type WechatPayload = z.input<typeof wechatPayloadSchema>;
export type ParsedWechatPayload = z.infer<typeof wechatPayloadSchema>;
export type WechatPerson = z.infer<typeof person>;
