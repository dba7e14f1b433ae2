import type { Action } from './action.js';
import { needsCapabilityReason } from '../shared/rule-problem-reasons.js';
import { capabilitiesFor, type Capability } from './capabilities.js';

/** What a fallback may say about the people and place an action concerns. */
export interface FallbackNames {
  /** The platform's name, for the operator's alert ("cannot mute on wechat"). */
  platform?: string;
  /** A member's display name, when the context knows it. */
  member?: (memberId: number) => string | undefined;
}

/**
 * What to plan instead of an action the platform cannot carry out, so a rule that
 * asks for one never becomes a silent no-op. Each action type has a ladder:
 *
 * - a reply becomes a plain message; a mention becomes the member's name in the text;
 *   a message on a platform that cannot post becomes an alert asking to post it by hand;
 * - a ban becomes a removal where removing is possible (and the operator is told the
 *   member may come back), else an alert;
 * - a mute, a removal or a deletion becomes an alert asking the operator to do it by hand.
 *
 * Pure: the same action and capabilities give the same plan. An action the platform
 * can carry out is returned as it is.
 *
 * @example planWithFallback({ type: 'mute_member', groupId: 4, memberId: 9 }, new Set(['send']), { platform: 'wechat', member: () => 'Li' })
 *   // [{ type: 'alert_operator', groupId: 4, severity: 'warning', text: 'cannot mute on wechat: please mute Li by hand' }]
 */
export function planWithFallback(action: Action, capabilities: ReadonlySet<Capability>, names: FallbackNames = {}): Action[] {
  const on = names.platform ?? 'this platform';
  const who = (id: number) => names.member?.(id) ?? `member #${id}`;
  const alert = (text: string, severity: 'info' | 'warning' = 'warning'): Action => ({ type: 'alert_operator', groupId: action.groupId, severity, text: clip(text) });

  switch (action.type) {
    case 'send_message': {
      if (!capabilities.has('send')) return [alert(`cannot post on ${on}: please post this by hand: ${action.text}`)];
      let message = action;
      if (message.replyTo !== undefined && !capabilities.has('reply')) {
        const { replyTo: _dropped, ...rest } = message;
        message = rest;
      }
      if (message.mentions.length > 0 && !capabilities.has('mention')) {
        const named = message.mentions.map((id) => names.member?.(id)).filter((n): n is string => n !== undefined && !message.text.includes(n));
        message = { ...message, text: named.length > 0 ? `${named.map((n) => `@${n}`).join(' ')} ${message.text}` : message.text, mentions: [] };
      }
      return [message];
    }
    case 'delete_message':
      return capabilities.has('delete') ? [action] : [alert(`cannot delete messages on ${on}: please delete message ${action.messageId} by hand`)];
    case 'mute_member': {
      if (capabilities.has('mute')) return [action];
      const span = action.seconds !== undefined ? ` for ${action.seconds} seconds` : '';
      return [alert(`cannot mute on ${on}: please mute ${who(action.memberId)}${span} by hand`)];
    }
    case 'remove_member':
      return capabilities.has('remove') ? [action] : [alert(`cannot remove members on ${on}: please remove ${who(action.memberId)} by hand`)];
    case 'ban_member':
      if (capabilities.has('ban')) return [action];
      if (capabilities.has('remove')) {
        return [{ type: 'remove_member', groupId: action.groupId, memberId: action.memberId }, alert(`cannot ban on ${on}: ${who(action.memberId)} was removed instead and may join again`, 'info')];
      }
      return [alert(`cannot ban or remove members on ${on}: please ban ${who(action.memberId)} by hand`)];
    case 'unmute_member':
      return capabilities.has('mute') ? [action] : [alert(`cannot mute on ${on}: please lift ${who(action.memberId)}'s restrictions by hand`)];
    case 'unban_member':
      return capabilities.has('ban') ? [action] : [alert(`cannot ban on ${on}: please let ${who(action.memberId)} back in by hand`)];
    case 'create_invite_link':
      return capabilities.has('invite_link') ? [action] : [alert(`cannot create invite links on ${on}: please share the group's own link or QR code by hand`)];
    case 'alert_operator':
      return [action];
  }
}

/**
 * Why a fallback ran and what was planned instead, stable for one rule's one missing
 * capability (so the operator's problem list counts it instead of growing), or null
 * when the platform can do it all.
 *
 * @example fallbackReason(mute, new Set(['send']), 'wechat', planWithFallback(mute, new Set(['send'])))
 *   // 'mute_member needs mute, which wechat cannot do: alerted the operator to do it by hand'
 */
export function fallbackReason(action: Action, capabilities: ReadonlySet<Capability>, platform: string | undefined, planned: readonly Action[]): string | null {
  const missing = capabilitiesFor(action).filter((c) => !capabilities.has(c));
  if (missing.length === 0) return null;
  const instead = planned.some((a) => a.type === 'remove_member') ? 'removed' : planned.some((a) => a.type === 'send_message') ? 'plain_message' : 'alert';
  return needsCapabilityReason(action.type, missing, platform ?? 'this platform', instead);
}

const ALERT_TEXT_MAX = 2000;

function clip(text: string): string {
  return text.length <= ALERT_TEXT_MAX ? text : `${text.slice(0, ALERT_TEXT_MAX - 1)}…`;
}
