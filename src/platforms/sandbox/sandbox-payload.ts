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
