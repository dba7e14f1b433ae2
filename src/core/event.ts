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
  const quick = quickEvent(input);
  if (quick !== null) {
    const issues: string[] = [];
    const event = storableEvent(quick, issues);
    if (issues.length === 0) return event;
  }
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

/**
 * The Event `eventSchema` would return for well-formed input, built without zod, or null
 * to let the schema decide (and word the problem). It accepts a subset of what the schema
 * accepts (e.g. only `…Z` datetimes, no optional key present but undefined) and returns
 * the same object, keys in the schema's order; test/event-quick-parse.test.ts holds it to
 * the schema. Exported for that test; callers use {@link parseEvent}.
 */
export function quickEvent(input: unknown): Event | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return null;
  const i = input as Record<string, unknown>;
  const v = i.v;
  if (v !== undefined && v !== EVENT_VERSION) return null;
  const { platform, dedupKey, occurredAt } = i;
  if (!isPlatform(platform) || !isString(dedupKey, 1, 300) || typeof occurredAt !== 'string' || !isUtcDatetime(occurredAt)) return null;
  const group = quickGroup(i.group);
  if (group === null) return null;
  switch (i.kind) {
    case 'message': {
      const actor = quickPerson(i.actor);
      const { messageId, text, media, replyTo, mentions, forwarded, edited } = i;
      if (actor === null || !isString(messageId, 1, 200)) return null;
      if (text !== undefined && !isString(text, 0, 65536)) return null;
      if (media !== undefined ? !MEDIA_SET.has(media as string) : 'media' in i) return null;
      if (replyTo !== undefined ? !isString(replyTo, 1, 200) : 'replyTo' in i) return null;
      let list: string[] = [];
      if (mentions !== undefined) {
        if (!Array.isArray(mentions) || mentions.length > 200) return null;
        list = new Array(mentions.length);
        for (let n = 0; n < mentions.length; n++) {
          const m = mentions[n];
          if (!isString(m, 1, 200)) return null;
          list[n] = m;
        }
      }
      if (forwarded !== undefined ? typeof forwarded !== 'boolean' : 'forwarded' in i) return null;
      if (edited !== undefined ? typeof edited !== 'boolean' : 'edited' in i) return null;
      // mentions is set below, after the optional fields the schema lists before it (same key order).
      const event = { v: EVENT_VERSION, platform, dedupKey, occurredAt, group, kind: 'message', actor, messageId, text: text === undefined ? '' : (text as string) } as EventOf<'message'>;
      if (media !== undefined) event.media = media as EventOf<'message'>['media'];
      if (replyTo !== undefined) event.replyTo = replyTo as string;
      event.mentions = list;
      if (forwarded !== undefined) event.forwarded = forwarded as boolean;
      if (edited !== undefined) event.edited = edited as boolean;
      return event;
    }
    case 'member.joined': {
      const member = quickPerson(i.member);
      const { method, code } = i;
      if (member === null) return null;
      if (method !== undefined && !JOIN_SET.has(method as string)) return null;
      const inviter = i.inviter === undefined ? undefined : quickPerson(i.inviter);
      if (inviter === null || (inviter === undefined && 'inviter' in i)) return null;
      if (code !== undefined ? !isString(code, 0, 200) : 'code' in i) return null;
      const event: EventOf<'member.joined'> = {
        v: EVENT_VERSION,
        platform,
        dedupKey,
        occurredAt,
        group,
        kind: 'member.joined',
        member,
        method: method === undefined ? 'unknown' : (method as JoinMethod),
      };
      if (inviter !== undefined) event.inviter = inviter;
      if (code !== undefined) event.code = code as string;
      return event;
    }
    case 'member.left': {
      const member = quickPerson(i.member);
      if (member === null) return null;
      const removedBy = i.removedBy === undefined ? undefined : quickPerson(i.removedBy);
      if (removedBy === null || (removedBy === undefined && 'removedBy' in i)) return null;
      const event: EventOf<'member.left'> = { v: EVENT_VERSION, platform, dedupKey, occurredAt, group, kind: 'member.left', member };
      if (removedBy !== undefined) event.removedBy = removedBy;
      return event;
    }
    case 'reaction': {
      const actor = quickPerson(i.actor);
      const { messageId, emoji, added } = i;
      if (actor === null || !isString(messageId, 1, 200) || !isString(emoji, 1, 64)) return null;
      if (added !== undefined && typeof added !== 'boolean') return null;
      return { v: EVENT_VERSION, platform, dedupKey, occurredAt, group, kind: 'reaction', actor, messageId, emoji, added: added === undefined ? true : added };
    }
    case 'member.renamed': {
      const member = quickPerson(i.member);
      const { oldName, newName } = i;
      if (member === null || !isString(newName, 0, 512)) return null;
      if (oldName !== undefined ? !isString(oldName, 0, 512) : 'oldName' in i) return null;
      // Two literals keep the schema's key order (oldName before newName).
      if (oldName !== undefined) return { v: EVENT_VERSION, platform, dedupKey, occurredAt, group, kind: 'member.renamed', member, oldName: oldName as string, newName };
      return { v: EVENT_VERSION, platform, dedupKey, occurredAt, group, kind: 'member.renamed', member, newName };
    }
    case 'command': {
      const actor = quickPerson(i.actor);
      const { messageId, name, args } = i;
      if (actor === null || !isString(messageId, 1, 200) || typeof name !== 'string' || !COMMAND_NAME.test(name)) return null;
      if (args !== undefined && !isString(args, 0, 4096)) return null;
      return { v: EVENT_VERSION, platform, dedupKey, occurredAt, group, kind: 'command', actor, messageId, name, args: args === undefined ? '' : (args as string) };
    }
    default:
      return null;
  }
}

const MEDIA_SET: ReadonlySet<string> = new Set(MEDIA_KINDS);
const JOIN_SET: ReadonlySet<string> = new Set(JOIN_METHODS);
const COMMAND_NAME = /^[a-z0-9_]{1,64}$/i;

function isString(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

function quickGroup(input: unknown): GroupRef | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return null;
  const { id, title } = input as Record<string, unknown>;
  if (!isString(id, 1, 200)) return null;
  if (title === undefined) return 'title' in input ? null : { id };
  return isString(title, 0, 512) ? { id, title } : null;
}

function quickPerson(input: unknown): PersonRef | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return null;
  const p = input as Record<string, unknown>;
  const { id, name, username, isBot } = p;
  if (!isString(id, 1, 200)) return null;
  const ref: PersonRef = { id };
  if (name !== undefined) {
    if (!isString(name, 0, 512)) return null;
    ref.name = name;
  } else if ('name' in p) return null;
  if (username !== undefined) {
    if (!isString(username, 0, 200)) return null;
    ref.username = username;
  } else if ('username' in p) return null;
  if (isBot !== undefined) {
    if (typeof isBot !== 'boolean') return null;
    ref.isBot = isBot;
  } else if ('isBot' in p) return null;
  return ref;
}

/** `YYYY-MM-DDTHH:MM:SSZ` or `…SS.sssZ` naming a real day and time (what `toISOString` writes); anything else goes to the schema. */
function isUtcDatetime(s: string): boolean {
  const n = s.length;
  if ((n !== 24 && n !== 20) || s.charCodeAt(n - 1) !== 90 /* Z */) return false;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  if (n === 24 && (s.charCodeAt(19) !== 46 || !digits(s, 20, 23))) return false;
  if (!digits(s, 0, 4) || !digits(s, 5, 7) || !digits(s, 8, 10) || !digits(s, 11, 13) || !digits(s, 14, 16) || !digits(s, 17, 19)) return false;
  const year = number(s, 0, 4);
  const month = number(s, 5, 7);
  const day = number(s, 8, 10);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days && number(s, 11, 13) <= 23 && number(s, 14, 16) <= 59 && number(s, 17, 19) <= 59;
}

function digits(s: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function number(s: string, from: number, to: number): number {
  let value = 0;
  for (let k = from; k < to; k++) value = value * 10 + (s.charCodeAt(k) - 48);
  return value;
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
