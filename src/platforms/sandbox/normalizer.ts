import type { EventInput } from '../../core/event.js';
import { InvalidPayloadError } from '../platform-adapter.js';
import { sandboxPayloadSchema, type SandboxPayload, type SandboxPerson } from './sandbox-payload.js';

const person = (p: SandboxPerson) => ({ id: p.id, name: p.name, ...(p.bot ? { isBot: true } : {}) });

/** Validates a sandbox payload; throws InvalidPayloadError naming each bad field. */
export function parseSandboxPayload(payload: unknown): SandboxPayload {
  const parsed = sandboxPayloadSchema.safeParse(payload);
  if (!parsed.success) throw new InvalidPayloadError('sandbox', parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`));
  return parsed.data;
}

/** Sandbox payload → Event. A message starting with "/" is a command, as on Telegram. */
export function normalizeSandboxPayload(payload: unknown): EventInput[] {
  const p = parseSandboxPayload(payload);
  const base = {
    platform: 'sandbox' as const,
    dedupKey: `sandbox:${p.updateId}`,
    occurredAt: new Date(p.at).toISOString(),
    group: { id: p.room, ...(p.roomTitle ? { title: p.roomTitle } : {}) },
  };
  switch (p.type) {
    case 'message': {
      const command = /^\/([a-z0-9_]{1,64})(?:@\S+)?(?:\s+([\s\S]*))?$/i.exec(p.text);
      if (command) return [{ ...base, kind: 'command', actor: person(p.from), messageId: p.messageId, name: command[1]!.toLowerCase(), args: command[2] ?? '' }];
      return [
        {
          ...base,
          kind: 'message',
          actor: person(p.from),
          messageId: p.messageId,
          text: p.text,
          ...(p.media ? { media: p.media } : {}),
          ...(p.replyTo ? { replyTo: p.replyTo } : {}),
          mentions: p.mentions ?? [],
        },
      ];
    }
    case 'join':
      return [
        {
          ...base,
          kind: 'member.joined',
          member: person(p.member),
          method: p.via ?? 'unknown',
          ...(p.inviter ? { inviter: person(p.inviter) } : {}),
          ...(p.code ? { code: p.code } : {}),
        },
      ];
    case 'leave':
      return [{ ...base, kind: 'member.left', member: person(p.member), ...(p.removedBy ? { removedBy: person(p.removedBy) } : {}) }];
    case 'reaction':
      return [{ ...base, kind: 'reaction', actor: person(p.from), messageId: p.messageId, emoji: p.emoji, added: true }];
    case 'rename':
      return [{ ...base, kind: 'member.renamed', member: person(p.member), ...(p.oldName ? { oldName: p.oldName } : {}), newName: p.member.name }];
  }
}
