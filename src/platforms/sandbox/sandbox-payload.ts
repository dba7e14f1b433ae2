import { z } from 'zod';

/**
 * The sandbox platform's own wire format: what its "servers" deliver to a bot, the
 * way a Telegram Update or a Wechaty message is delivered. The community simulator
 * and the operator's sandbox chat (dashboard and CLI) both speak it; the sandbox
 * normalizer turns it into Events like any other adapter would.
 */
const person = z.object({
  id: z.string().min(1).max(200),
  name: z.string().max(512),
  bot: z.boolean().optional(),
});

const common = {
  /** Unique per delivery subject; redelivering the same update reuses it. */
  updateId: z.string().min(1).max(200),
  room: z.string().min(1).max(200),
  roomTitle: z.string().max(512).optional(),
  /** Epoch milliseconds on the sandbox clock. */
  at: z.number().int().nonnegative().max(253_402_300_799_999, 'is not a time before the year 10000'),
};

export const sandboxPayloadSchema = z.discriminatedUnion('type', [
  z.object({
    ...common,
    type: z.literal('message'),
    from: person,
    messageId: z.string().min(1).max(200),
    text: z.string().max(65536),
    media: z.enum(['photo', 'video', 'voice', 'document', 'sticker', 'link']).optional(),
    replyTo: z.string().max(200).optional(),
    mentions: z.array(z.string().max(200)).max(200).optional(),
  }),
  z.object({
    ...common,
    type: z.literal('join'),
    member: person,
    via: z.enum(['link', 'invite', 'code']).optional(),
    inviter: person.optional(),
    code: z.string().max(200).optional(),
  }),
  z.object({
    ...common,
    type: z.literal('leave'),
    member: person,
    removedBy: person.optional(),
  }),
  z.object({
    ...common,
    type: z.literal('reaction'),
    from: person,
    messageId: z.string().min(1).max(200),
    emoji: z.string().min(1).max(64),
  }),
  z.object({
    ...common,
    type: z.literal('rename'),
    member: person,
    oldName: z.string().max(512).optional(),
  }),
]);

export type SandboxPayload = z.infer<typeof sandboxPayloadSchema>;
export type SandboxPerson = z.infer<typeof person>;

const MEDIA: ReadonlySet<string> = new Set(['photo', 'video', 'voice', 'document', 'sticker', 'link']);
const VIA: ReadonlySet<string> = new Set(['link', 'invite', 'code']);
const LATEST_AT = 253_402_300_799_999;

/**
 * The payload `sandboxPayloadSchema` would return for well-formed input, built without
 * zod (the simulator sends every event through here), or null to let the schema decide
 * and word the problem. It accepts a subset of what the schema accepts (no optional key
 * present but undefined) and returns the same object, keys in the schema's order;
 * test/sandbox-payload-quick-parse.test.ts holds it to the schema.
 */
export function quickSandboxPayload(input: unknown): SandboxPayload | null {
  if (!isObject(input)) return null;
  const { updateId, room, roomTitle, at } = input;
  if (!isString(updateId, 1, 200) || !isString(room, 1, 200)) return null;
  if (roomTitle !== undefined ? !isString(roomTitle, 0, 512) : 'roomTitle' in input) return null;
  if (typeof at !== 'number' || !Number.isInteger(at) || at < 0 || at > LATEST_AT) return null;
  const title = roomTitle as string | undefined;
  switch (input.type) {
    case 'message': {
      const from = quickPerson(input.from);
      const { messageId, text, media, replyTo, mentions } = input;
      if (from === null || !isString(messageId, 1, 200) || !isString(text, 0, 65536)) return null;
      if (media !== undefined ? !MEDIA.has(media as string) : 'media' in input) return null;
      if (replyTo !== undefined ? !isString(replyTo, 0, 200) : 'replyTo' in input) return null;
      let list: string[] | undefined;
      if (mentions !== undefined) {
        if (!Array.isArray(mentions) || mentions.length > 200) return null;
        list = new Array(mentions.length);
        for (let n = 0; n < mentions.length; n++) {
          const m = mentions[n];
          if (!isString(m, 0, 200)) return null;
          list[n] = m;
        }
      } else if ('mentions' in input) return null;
      const p = (title === undefined ? { updateId, room, at, type: 'message', from, messageId, text } : { updateId, room, roomTitle: title, at, type: 'message', from, messageId, text }) as Extract<
        SandboxPayload,
        { type: 'message' }
      >;
      if (media !== undefined) p.media = media as typeof p.media;
      if (replyTo !== undefined) p.replyTo = replyTo as string;
      if (list !== undefined) p.mentions = list;
      return p;
    }
    case 'join': {
      const member = quickPerson(input.member);
      const { via, code } = input;
      if (member === null) return null;
      if (via !== undefined ? !VIA.has(via as string) : 'via' in input) return null;
      const inviter = input.inviter === undefined ? undefined : quickPerson(input.inviter);
      if (inviter === null || (inviter === undefined && 'inviter' in input)) return null;
      if (code !== undefined ? !isString(code, 0, 200) : 'code' in input) return null;
      const p = (title === undefined ? { updateId, room, at, type: 'join', member } : { updateId, room, roomTitle: title, at, type: 'join', member }) as Extract<SandboxPayload, { type: 'join' }>;
      if (via !== undefined) p.via = via as typeof p.via;
      if (inviter !== undefined) p.inviter = inviter;
      if (code !== undefined) p.code = code as string;
      return p;
    }
    case 'leave': {
      const member = quickPerson(input.member);
      if (member === null) return null;
      const removedBy = input.removedBy === undefined ? undefined : quickPerson(input.removedBy);
      if (removedBy === null || (removedBy === undefined && 'removedBy' in input)) return null;
      const p = (title === undefined ? { updateId, room, at, type: 'leave', member } : { updateId, room, roomTitle: title, at, type: 'leave', member }) as Extract<SandboxPayload, { type: 'leave' }>;
      if (removedBy !== undefined) p.removedBy = removedBy;
      return p;
    }
    case 'reaction': {
      const from = quickPerson(input.from);
      const { messageId, emoji } = input;
      if (from === null || !isString(messageId, 1, 200) || !isString(emoji, 1, 64)) return null;
      return title === undefined ? { updateId, room, at, type: 'reaction', from, messageId, emoji } : { updateId, room, roomTitle: title, at, type: 'reaction', from, messageId, emoji };
    }
    case 'rename': {
      const member = quickPerson(input.member);
      const { oldName } = input;
      if (member === null) return null;
      if (oldName !== undefined ? !isString(oldName, 0, 512) : 'oldName' in input) return null;
      const p = (title === undefined ? { updateId, room, at, type: 'rename', member } : { updateId, room, roomTitle: title, at, type: 'rename', member }) as Extract<
        SandboxPayload,
        { type: 'rename' }
      >;
      if (oldName !== undefined) p.oldName = oldName as string;
      return p;
    }
    default:
      return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

function quickPerson(input: unknown): SandboxPerson | null {
  if (!isObject(input)) return null;
  const { id, name, bot } = input;
  if (!isString(id, 1, 200) || !isString(name, 0, 512)) return null;
  if (bot === undefined) return 'bot' in input ? null : { id, name };
  return typeof bot === 'boolean' ? { id, name, bot } : null;
}
