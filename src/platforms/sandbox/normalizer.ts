import type { EventInput, EventOf, PersonRef } from '../../core/event.js';
import { NOT_STORABLE, unstorablePath } from '../../core/stored-text.js';
import { InvalidPayloadError } from '../platform-adapter.js';
import { sandboxPayloadSchema, type SandboxPayload, type SandboxPerson } from './sandbox-payload.js';

function person(p: SandboxPerson): PersonRef {
  const ref: PersonRef = { id: p.id, name: p.name };
  if (p.bot) ref.isBot = true;
  return ref;
}

/**
 * Validates a sandbox payload; throws InvalidPayloadError naming each bad field. Text
 * its store (Hearth's database) cannot keep unchanged is refused too (see
 * core/stored-text.ts): the sandbox's rooms are written before Hearth sees the events.
 */
export function parseSandboxPayload(payload: unknown): SandboxPayload {
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

/**
 * Sandbox payload → Event. A message starting with "/" is a command, as on Telegram.
 * Built field by field (no object spreads): this runs for every simulated event.
 */
export function normalizeSandboxPayload(payload: unknown): EventInput[] {
  const p = parseSandboxPayload(payload);
  const group: { id: string; title?: string } = { id: p.room };
  if (p.roomTitle) group.title = p.roomTitle;
  const base = { platform: 'sandbox' as const, dedupKey: `sandbox:${p.updateId}`, occurredAt: new Date(p.at).toISOString(), group };
  switch (p.type) {
    case 'message': {
      const command = p.text.startsWith('/') ? /^\/([a-z0-9_]{1,64})(?:@\S+)?(?:\s+([\s\S]*))?$/i.exec(p.text) : null;
      if (command) return [{ ...base, kind: 'command', actor: person(p.from), messageId: p.messageId, name: command[1]!.toLowerCase(), args: command[2] ?? '' }];
      const event: EventOf<'message'> = { ...base, v: 1, kind: 'message', actor: person(p.from), messageId: p.messageId, text: p.text, mentions: p.mentions ?? [] };
      if (p.media) event.media = p.media;
      if (p.replyTo) event.replyTo = p.replyTo;
      return [event];
    }
    case 'join': {
      const event: EventOf<'member.joined'> = { ...base, v: 1, kind: 'member.joined', member: person(p.member), method: p.via ?? 'unknown' };
      if (p.inviter) event.inviter = person(p.inviter);
      if (p.code) event.code = p.code;
      return [event];
    }
    case 'leave': {
      const event: EventOf<'member.left'> = { ...base, v: 1, kind: 'member.left', member: person(p.member) };
      if (p.removedBy) event.removedBy = person(p.removedBy);
      return [event];
    }
    case 'reaction':
      return [{ ...base, kind: 'reaction', actor: person(p.from), messageId: p.messageId, emoji: p.emoji, added: true }];
    case 'rename': {
      const event: EventOf<'member.renamed'> = { ...base, v: 1, kind: 'member.renamed', member: person(p.member), newName: p.member.name };
      if (p.oldName) event.oldName = p.oldName;
      return [event];
    }
  }
}
