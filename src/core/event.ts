import { z } from 'zod';
import { isPlatform, platformNames, type Platform } from './platform-names.js';
import { isStorable, NOT_STORABLE, toStorable } from './stored-text.js';

/**
 * The platform-neutral Event: everything Hearth learns from a platform, an import
 * or the simulator arrives as one of these. Versioned (`v`) so stored events can be
 * read back after the model grows; validated with zod at the edge, trusted after.
 *
 * People and groups are referred to by their platform ids (`ref`); ingest resolves
 * them to workspace members and groups.
 */
export const EVENT_VERSION = 1;

export { PLATFORMS, type Platform } from './platform-names.js';
/** A platform Hearth knows: built in, or registered in the platform registry (see platform-names.ts). */
export const platformSchema = z.string().refine(isPlatform, { error: (issue) => `unknown platform ${JSON.stringify(issue.input)}; platforms: ${platformNames().join(', ')}` }) as unknown as z.ZodType<
  Platform,
  string
>;

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

/**
 * Validates untrusted input into an Event, or throws an InvalidEventError naming every
 * problem. Text is then made storable (see stored-text.ts): free text (names, titles,
 * messages) loses U+0000 and has lone surrogates replaced, while an id or key that is
 * not storable is refused, never changed, so two ids cannot become one row.
 */
export function parseEvent(input: unknown): Event {
  const result = eventSchema.safeParse(input);
  const key = () => (typeof input === 'object' && input && 'dedupKey' in input ? String((input as { dedupKey: unknown }).dedupKey) : undefined);
  if (!result.success) {
    throw new InvalidEventError(
      result.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`),
      key(),
    );
  }
  const issues: string[] = [];
  const event = storableEvent(result.data, issues);
  if (issues.length) throw new InvalidEventError(issues, key());
  return event;
}

/** Fields of an Event that hold ids or keys (refused when not storable), and free text (made storable). */
const KEY_FIELDS = ['messageId', 'replyTo', 'emoji'] as const;
const PERSON_FIELDS = ['actor', 'member', 'inviter', 'removedBy'] as const;
const TEXT_FIELDS = ['text', 'args', 'code', 'oldName', 'newName', 'title'] as const;

/**
 * One pass over an Event's strings, instead of a zod transform per field (those made
 * parsing three times slower, and this runs for every event ingested). A string is
 * only written back when it changes.
 */
function storableEvent(event: Event, issues: string[]): Event {
  const e = event as Event & Record<string, unknown>;
  if (!isStorable(e.dedupKey)) issues.push(`dedupKey: ${NOT_STORABLE}`);
  if (!isStorable(e.group.id)) issues.push(`group.id: ${NOT_STORABLE}`);
  if (e.group.title !== undefined && !isStorable(e.group.title)) e.group.title = toStorable(e.group.title);
  for (const field of KEY_FIELDS) {
    const v = e[field];
    if (typeof v === 'string' && !isStorable(v)) issues.push(`${field}: ${NOT_STORABLE}`);
  }
  if (e.kind === 'message') for (let i = 0; i < e.mentions.length; i++) if (!isStorable(e.mentions[i]!)) issues.push(`mentions.${i}: ${NOT_STORABLE}`);
  for (const field of PERSON_FIELDS) {
    const ref = e[field] as PersonRef | undefined;
    if (!ref) continue;
    if (!isStorable(ref.id)) issues.push(`${field}.id: ${NOT_STORABLE}`);
    if (ref.name !== undefined && !isStorable(ref.name)) ref.name = toStorable(ref.name);
    if (ref.username !== undefined && !isStorable(ref.username)) ref.username = toStorable(ref.username);
  }
  for (const field of TEXT_FIELDS) {
    const v = e[field];
    if (typeof v === 'string' && !isStorable(v)) e[field] = toStorable(v);
  }
  if (e.kind === 'group.renamed' && e.title === '') issues.push('title: is empty once U+0000 is removed');
  return event;
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
