import type { EventInput, EventOf, PersonRef } from '../../core/event.js';
import { isStorable, NOT_STORABLE, unstorablePath } from '../../core/stored-text.js';
import { InvalidPayloadError } from '../platform-adapter.js';
import { quickSandboxPayload, sandboxPayloadSchema, type SandboxPayload, type SandboxPerson } from './sandbox-payload.js';

function person(p: SandboxPerson): PersonRef {
  const ref: PersonRef = { id: p.id, name: p.name };
  if (p.bot) ref.isBot = true;
  return ref;
}

/**
 * Validates a sandbox payload; throws InvalidPayloadError naming each bad field. Text
 * its store (Hearth's database) cannot keep unchanged is refused too (see
 * core/stored-text.ts): the sandbox's rooms are written before Hearth sees the events.
 * Well-formed payloads are checked by hand ({@link quickSandboxPayload}); anything that
 * check is unsure of goes through the schema, which words the problem.
 */
export function parseSandboxPayload(payload: unknown): SandboxPayload {
  const quick = quickSandboxPayload(payload);
  if (quick !== null && storable(quick)) return quick;
  const parsed = sandboxPayloadSchema.safeParse(payload);
  if (!parsed.success)
    throw new InvalidPayloadError(
      'sandbox',
      parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`),
    );
  const unstorable = unstorablePath(parsed.data);
  if (unstorable !== null) throw new InvalidPayloadError('sandbox', [`${unstorable}: ${NOT_STORABLE}`]);
  return parsed.data;
}

/** Every string of a parsed payload is storable (what `unstorablePath` finds, without walking it generically). */
function storable(p: SandboxPayload): boolean {
  if (!isStorable(p.updateId) || !isStorable(p.room) || (p.roomTitle !== undefined && !isStorable(p.roomTitle))) return false;
  switch (p.type) {
    case 'message':
      if (!storablePerson(p.from) || !isStorable(p.messageId) || !isStorable(p.text) || (p.replyTo !== undefined && !isStorable(p.replyTo))) return false;
      if (p.mentions) for (const m of p.mentions) if (!isStorable(m)) return false;
      return true;
    case 'join':
      return storablePerson(p.member) && (p.inviter === undefined || storablePerson(p.inviter)) && (p.code === undefined || isStorable(p.code));
    case 'leave':
      return storablePerson(p.member) && (p.removedBy === undefined || storablePerson(p.removedBy));
    case 'reaction':
      return storablePerson(p.from) && isStorable(p.messageId) && isStorable(p.emoji);
    case 'rename':
      return storablePerson(p.member) && (p.oldName === undefined || isStorable(p.oldName));
  }
}

function storablePerson(p: SandboxPerson): boolean {
  return isStorable(p.id) && isStorable(p.name);
}

const COMMAND = /^\/([a-z0-9_]{1,64})(?:@\S+)?(?:\s+([\s\S]*))?$/i;

/**
 * Sandbox payload → Event. A message starting with "/" is a command, as on Telegram.
 * Each Event is one object literal (an object spread took ~10 µs here on Node 20, and
 * this runs for every simulated event).
 */
export function normalizeSandboxPayload(payload: unknown): EventInput[] {
  const p = parseSandboxPayload(payload);
  const group: { id: string; title?: string } = p.roomTitle ? { id: p.room, title: p.roomTitle } : { id: p.room };
  const dedupKey = `sandbox:${p.updateId}`;
  const occurredAt = new Date(p.at).toISOString();
  switch (p.type) {
    case 'message': {
      const command = p.text.startsWith('/') ? COMMAND.exec(p.text) : null;
      if (command)
        return [{ v: 1, platform: 'sandbox', dedupKey, occurredAt, group, kind: 'command', actor: person(p.from), messageId: p.messageId, name: command[1]!.toLowerCase(), args: command[2] ?? '' }];
      const event: EventOf<'message'> = {
        v: 1,
        platform: 'sandbox',
        dedupKey,
        occurredAt,
        group,
        kind: 'message',
        actor: person(p.from),
        messageId: p.messageId,
        text: p.text,
        mentions: p.mentions ?? [],
      };
      if (p.media) event.media = p.media;
      if (p.replyTo) event.replyTo = p.replyTo;
      return [event];
    }
    case 'join': {
      const event: EventOf<'member.joined'> = { v: 1, platform: 'sandbox', dedupKey, occurredAt, group, kind: 'member.joined', member: person(p.member), method: p.via ?? 'unknown' };
      if (p.inviter) event.inviter = person(p.inviter);
      if (p.code) event.code = p.code;
      return [event];
    }
    case 'leave': {
      const event: EventOf<'member.left'> = { v: 1, platform: 'sandbox', dedupKey, occurredAt, group, kind: 'member.left', member: person(p.member) };
      if (p.removedBy) event.removedBy = person(p.removedBy);
      return [event];
    }
    case 'reaction':
      return [{ v: 1, platform: 'sandbox', dedupKey, occurredAt, group, kind: 'reaction', actor: person(p.from), messageId: p.messageId, emoji: p.emoji, added: true }];
    case 'rename':
      return [
        p.oldName
          ? { v: 1, platform: 'sandbox', dedupKey, occurredAt, group, kind: 'member.renamed', member: person(p.member), oldName: p.oldName, newName: p.member.name }
          : { v: 1, platform: 'sandbox', dedupKey, occurredAt, group, kind: 'member.renamed', member: person(p.member), newName: p.member.name },
      ];
  }
}
