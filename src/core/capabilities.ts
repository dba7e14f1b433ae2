import type { Action } from './action.js';

/**
 * What a platform can do in a group. Each platform module declares its set, so rules
 * know before they plan (and the dashboard before an operator configures) whether an
 * action can be carried out there, and a missing one gets a planned fallback instead
 * of a silent no-op.
 */
export type Capability =
  /** Post a message in the group. */
  | 'send'
  /** Post a message as a reply to a given message (quoted / threaded). */
  | 'reply'
  /** Mention a member so they are notified (WeChat @, Telegram text mention). */
  | 'mention'
  /** Silence a member for a while or until lifted. */
  | 'mute'
  /** Remove a member from the group; they may join again. */
  | 'remove'
  /** Remove a member and keep them out. */
  | 'ban'
  /** Delete a member's message. */
  | 'delete'
  /** Create an invite link to the group. */
  | 'invite_link'
  /** Pin a message. */
  | 'pin'
  /**
   * The platform delivers message text. WeCom customer groups deliver it only with a
   * paid chat-archive licence; without it Hearth sees joins and leaves, not messages.
   */
  | 'read_messages'
  /** A bot may post without a person: what Telegram, Discord and a WeChat puppet do. */
  | 'send_unattended'
  /**
   * A group send is a template a staff member confirms in their app (WeCom customer
   * groups), so a planned send waits "pending a person" until they do.
   */
  | 'send_confirmed';

/** Every capability, in a stable order (for the dashboard's tables and settings). */
export const CAPABILITIES: readonly Capability[] = ['send', 'reply', 'mention', 'mute', 'remove', 'ban', 'delete', 'invite_link', 'pin', 'read_messages', 'send_unattended', 'send_confirmed'];

/** The full set: what a platform that can do everything (the sandbox) declares. */
export const ALL_CAPABILITIES: ReadonlySet<Capability> = new Set(CAPABILITIES);

/**
 * The capability an action needs at its core, or null for an action Hearth handles
 * itself (`alert_operator`). A reply or mention inside a `send_message` is an extra:
 * see {@link capabilitiesFor}.
 */
export function capabilityFor(action: Action): Capability | null {
  switch (action.type) {
    case 'send_message':
      return 'send';
    case 'delete_message':
      return 'delete';
    case 'mute_member':
    case 'unmute_member':
      return 'mute';
    case 'remove_member':
      return 'remove';
    case 'ban_member':
    case 'unban_member':
      return 'ban';
    case 'create_invite_link':
      return 'invite_link';
    case 'alert_operator':
      return null;
  }
}

/**
 * Every capability an action needs: its core one plus, for a message, `reply` when it
 * replies to a message and `mention` when it mentions members. Empty for internal
 * actions.
 *
 * @example capabilitiesFor({ type: 'send_message', groupId: 1, text: 'hi', replyTo: '9', mentions: [] }) // ['send', 'reply']
 */
export function capabilitiesFor(action: Action): Capability[] {
  const core = capabilityFor(action);
  if (core === null) return [];
  const needed: Capability[] = [core];
  if (action.type === 'send_message') {
    if (action.replyTo !== undefined) needed.push('reply');
    if (action.mentions.length > 0) needed.push('mention');
  }
  return needed;
}

/**
 * What the automations need to know about a platform before they plan: what it can do
 * and the longest message text it takes. Declared by each platform module; the
 * automation registry asks for it by platform name.
 */
export interface PlatformTraits {
  capabilities: ReadonlySet<Capability>;
  /** Unset: the action schema's limit (4096). */
  maxTextLength?: number;
}

/** The traits of a platform that can do everything: the default until a platform declares its own. */
export const UNRESTRICTED: PlatformTraits = { capabilities: ALL_CAPABILITIES };
