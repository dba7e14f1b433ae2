import type { OutboundAction, SendReceipt } from '../platform-adapter.js';
import { SANDBOX_BOT } from './config.js';
import type { SandboxWorld } from './sandbox-world.js';

/** What the bot's action looks like in the room: a message, or a moderation line. */
export function renderSandboxAction(outbound: OutboundAction): { kind: string; text: string; replyTo: string | null } {
  const { action, members } = outbound;
  const name = (id: number) => members.get(id)?.name ?? `member ${id}`;
  switch (action.type) {
    case 'send_message': {
      const mentions = action.mentions.map((id) => `@${name(id)}`).filter((m) => !action.text.includes(m));
      return { kind: 'message', text: [...mentions, action.text].join(' '), replyTo: action.replyTo ?? null };
    }
    case 'delete_message':
      return { kind: 'moderation', text: `deleted message ${action.messageId}`, replyTo: action.messageId };
    case 'mute_member':
      return { kind: 'moderation', text: `muted ${name(action.memberId)}${action.seconds ? ` for ${action.seconds}s` : ''}`, replyTo: null };
    case 'remove_member':
      return { kind: 'moderation', text: `removed ${name(action.memberId)}`, replyTo: null };
    case 'ban_member':
      return { kind: 'moderation', text: `banned ${name(action.memberId)}`, replyTo: null };
    case 'unmute_member':
      return { kind: 'moderation', text: `unmuted ${name(action.memberId)}`, replyTo: null };
    case 'unban_member':
      return { kind: 'moderation', text: `unbanned ${name(action.memberId)}`, replyTo: null };
    case 'alert_operator':
      return { kind: 'alert', text: action.text, replyTo: null };
    case 'create_invite_link':
      return { kind: 'invite_link', text: `created invite link ${sandboxInviteLink(outbound.group.externalId, action.name)}`, replyTo: null };
  }
}

/**
 * Performs actions in the sandbox's rooms. The message id is derived from the
 * action's idempotency key, so a resend after a crash does not post twice.
 */
export function createSandboxSender(world: SandboxWorld, clock: () => number) {
  return async (outbound: OutboundAction): Promise<SendReceipt> => {
    const { kind, text, replyTo } = renderSandboxAction(outbound);
    const messageId = `bot:${outbound.idempotencyKey}`;
    await world.botSays(outbound.group.externalId, messageId, kind, text, replyTo, clock(), SANDBOX_BOT);
    if (outbound.action.type === 'create_invite_link') return { messageId, inviteLink: sandboxInviteLink(outbound.group.externalId, outbound.action.name) };
    return { messageId };
  };
}

/** The sandbox's invite link for a room and a link name (joining through it is `sandbox join --code <name>`). */
export function sandboxInviteLink(room: string, name: string): string {
  return `https://sandbox.hearth.invalid/join/${encodeURIComponent(room)}/${encodeURIComponent(name)}`;
}
