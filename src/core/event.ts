import { z } from 'zod';

/**
 * The platform-neutral Event: everything Hearth learns from a platform, an import
 * or the simulator arrives as one of these. Versioned (`v`) so stored events can be
 * read back after the model grows; validated with zod at the edge, trusted after.
 *
 * People and groups are referred to by their platform ids (`ref`); ingest resolves
 * them to workspace members and groups.
 */
export const EVENT_VERSION = 1;

export const PLATFORMS = ['sandbox', 'telegram', 'wechat', 'discord'] as const;
export const platformSchema = z.enum(PLATFORMS);
export type Platform = z.infer<typeof platformSchema>;

const externalId = z.string().min(1).max(200);
const displayName = z.string().max(512);

/** A person on a platform, as the platform names them. */
export const personRefSchema = z.object({
  id: externalId,
  name: displayName.optional(),
  username: z.string().max(200).optional(),
  isBot: z.boolean().optional(),
});
export type PersonRef = z.infer<typeof personRefSchema>;

/** A group (chat, room, channel) on a platform. */
export const groupRefSchema = z.object({
  id: externalId,
  title: z.string().max(512).optional(),
});
export type GroupRef = z.infer<typeof groupRefSchema>;

export const MEDIA_KINDS = ['photo', 'video', 'audio', 'voice', 'document', 'sticker', 'animation', 'link', 'location', 'contact', 'poll', 'other'] as const;
export const JOIN_METHODS = ['link', 'invite', 'code', 'request', 'unknown'] as const;
export type JoinMethod = (typeof JOIN_METHODS)[number];

const base = {
  v: z.literal(EVENT_VERSION).default(EVENT_VERSION),
  platform: platformSchema,
  /** Stable across redeliveries: Telegram update id, Wechaty message id, import file + entry. */
  dedupKey: z.string().min(1).max(300),
  occurredAt: z.iso.datetime({ offset: true }),
  group: groupRefSchema,
};

export const messageEventSchema = z.object({
  ...base,
  kind: z.literal('message'),
  actor: personRefSchema,
  messageId: externalId,
  text: z.string().max(65536).default(''),
  media: z.enum(MEDIA_KINDS).optional(),
  replyTo: externalId.optional(),
  mentions: z.array(externalId).max(200).default([]),
  forwarded: z.boolean().optional(),
  /** This event is an edit of an earlier message (its own new dedup key): logged, not counted again. */
  edited: z.boolean().optional(),
});

export const memberJoinedEventSchema = z.object({
  ...base,
  kind: z.literal('member.joined'),
  member: personRefSchema,
  method: z.enum(JOIN_METHODS).default('unknown'),
  inviter: personRefSchema.optional(),
  /** Invite link name or invitation code the member came through. */
  code: z.string().max(200).optional(),
});

export const memberLeftEventSchema = z.object({
  ...base,
  kind: z.literal('member.left'),
  member: personRefSchema,
  /** Set when someone removed the member rather than the member leaving. */
  removedBy: personRefSchema.optional(),
});

export const reactionEventSchema = z.object({
  ...base,
  kind: z.literal('reaction'),
  actor: personRefSchema,
  messageId: externalId,
  emoji: z.string().min(1).max(64),
  added: z.boolean().default(true),
});

export const nameChangedEventSchema = z.object({
  ...base,
  kind: z.literal('member.renamed'),
  member: personRefSchema,
  oldName: displayName.optional(),
  newName: displayName,
});

export const commandEventSchema = z.object({
  ...base,
  kind: z.literal('command'),
  actor: personRefSchema,
  messageId: externalId,
  name: z.string().regex(/^[a-z0-9_]{1,64}$/i, 'a command name is letters, digits or _'),
  args: z.string().max(4096).default(''),
});

/** The group's title changed (a Telegram new_chat_title, a WeChat room topic). */
export const groupRenamedEventSchema = z.object({
  ...base,
  kind: z.literal('group.renamed'),
  /** Who renamed it, when the platform says. */
  actor: personRefSchema.optional(),
  title: z.string().min(1).max(512),
});

export const eventSchema = z.discriminatedUnion('kind', [
  messageEventSchema,
  memberJoinedEventSchema,
  memberLeftEventSchema,
  reactionEventSchema,
  nameChangedEventSchema,
  commandEventSchema,
  groupRenamedEventSchema,
]);

/** An Event as callers write it (defaults may be left out). */
export type EventInput = z.input<typeof eventSchema>;
/** A validated Event. */
export type Event = z.infer<typeof eventSchema>;
export type EventKind = Event['kind'];
export type EventOf<K extends EventKind> = Extract<Event, { kind: K }>;

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(
    readonly issues: string[],
    readonly dedupKey?: string,
  ) {
    super(`invalid event${dedupKey ? ` ${dedupKey}` : ''}: ${issues.join('; ')}`);
  }
}

/** Validates untrusted input into an Event, or throws an InvalidEventError naming every problem. */
export function parseEvent(input: unknown): Event {
  const result = eventSchema.safeParse(input);
  if (result.success) return result.data;
  const key = typeof input === 'object' && input && 'dedupKey' in input ? String((input as { dedupKey: unknown }).dedupKey) : undefined;
  throw new InvalidEventError(
    result.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`),
    key,
  );
}

/** The person an event is about: the speaker of a message, the member who joined or left; none for a group's own change without a known actor. */
export function subjectOf(event: Event): PersonRef | undefined {
  switch (event.kind) {
    case 'group.renamed':
      return event.actor;
    case 'message':
    case 'reaction':
    case 'command':
      return event.actor;
    case 'member.joined':
    case 'member.left':
    case 'member.renamed':
      return event.member;
  }
}
