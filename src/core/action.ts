import { z } from 'zod';
import { tooLongReason } from '../shared/rule-problem-reasons.js';

/**
 * What an automation asks the platform to do. Actions name Hearth's own ids (group,
 * member); the dispatcher resolves them to platform ids when it sends. They are
 * persisted in the outbox before anything is sent.
 */
const groupId = z.number().int().positive();
const memberId = z.number().int().positive();

/** The longest message text any action may carry; a platform may allow less (see {@link checkAction}). */
export const MAX_MESSAGE_TEXT = 4096;

export const sendMessageActionSchema = z.object({
  type: z.literal('send_message'),
  groupId,
  text: z.string().min(1).max(MAX_MESSAGE_TEXT),
  /** Platform message id to reply to. */
  replyTo: z.string().optional(),
  /** Members to mention (WeChat @, Telegram text mention). */
  mentions: z.array(memberId).default([]),
});

export const deleteMessageActionSchema = z.object({
  type: z.literal('delete_message'),
  groupId,
  messageId: z.string().min(1),
});

export const muteMemberActionSchema = z.object({
  type: z.literal('mute_member'),
  groupId,
  memberId,
  /** How long; unset means until lifted. */
  seconds: z.number().int().positive().optional(),
});

export const removeMemberActionSchema = z.object({
  type: z.literal('remove_member'),
  groupId,
  memberId,
});

export const banMemberActionSchema = z.object({
  type: z.literal('ban_member'),
  groupId,
  memberId,
});

/** Lifts a mute (an operator undid an enforcement); needs the platform's `mute`. */
export const unmuteMemberActionSchema = z.object({
  type: z.literal('unmute_member'),
  groupId,
  memberId,
});

/** Lifts a ban so the member may join again (an operator undid an enforcement); needs the platform's `ban`. */
export const unbanMemberActionSchema = z.object({
  type: z.literal('unban_member'),
  groupId,
  memberId,
});

export const alertOperatorActionSchema = z.object({
  type: z.literal('alert_operator'),
  groupId,
  severity: z.enum(['info', 'warning', 'critical']),
  text: z.string().min(1).max(2000),
});

/**
 * Creates an invite link to the group for a growth code (src/growth/): named after the
 * code so joins through it arrive with `code` = the name; `memberLimit` caps its uses.
 * The platform's link comes back in the receipt (`inviteLink`).
 */
export const createInviteLinkActionSchema = z.object({
  type: z.literal('create_invite_link'),
  groupId,
  name: z.string().min(1).max(32),
  memberLimit: z.number().int().min(1).max(99_999).optional(),
});

export const actionSchema = z.discriminatedUnion('type', [
  sendMessageActionSchema,
  deleteMessageActionSchema,
  muteMemberActionSchema,
  removeMemberActionSchema,
  banMemberActionSchema,
  unmuteMemberActionSchema,
  unbanMemberActionSchema,
  alertOperatorActionSchema,
  createInviteLinkActionSchema,
]);

export type ActionInput = z.input<typeof actionSchema>;
export type Action = z.infer<typeof actionSchema>;
export type ActionType = Action['type'];

/** Actions that are handled inside Hearth and never reach a platform. */
export function isInternalAction(action: Action): boolean {
  return action.type === 'alert_operator';
}

/** What a group's platform allows, as far as checking an action needs to know. */
export interface ActionLimits {
  platform?: string;
  /** The longest message text the platform accepts, when it is less than {@link MAX_MESSAGE_TEXT}. */
  maxTextLength?: number;
}

/**
 * An action checked where it is planned: the parsed action, or why it cannot be sent.
 * `reason` is stable for one mistake (it names the field and the limit, not the
 * value), so the same broken rule firing many times is one problem; `detail` says
 * what this one instance held.
 */
export type ActionCheck = { ok: true; action: Action } | { ok: false; reason: string; detail?: string };

/**
 * Checks an action a rule planned against the schema and the platform's limits. A
 * `send_message` (nearly every planned action) is checked by hand and built without
 * zod; anything else, or anything the quick check does not accept, goes through
 * `actionSchema`, which also writes the reason.
 *
 * @example checkAction({ type: 'send_message', groupId: 1, text: 'x'.repeat(5000) }) // { ok: false, reason: 'message text longer than 4096 characters', detail: '5000 characters' }
 */
export function checkAction(input: ActionInput | unknown, limits: ActionLimits = {}): ActionCheck {
  const candidate = input as { type?: unknown; text?: unknown } | null;
  if (candidate !== null && typeof candidate === 'object' && candidate.type === 'send_message' && typeof candidate.text === 'string') {
    const max = limits.maxTextLength !== undefined && limits.maxTextLength < MAX_MESSAGE_TEXT ? limits.maxTextLength : MAX_MESSAGE_TEXT;
    if (candidate.text.length > max) {
      const reason = tooLongReason(max, max < MAX_MESSAGE_TEXT ? (limits.platform ?? 'this platform') : null);
      return { ok: false, reason, detail: `${candidate.text.length} characters` };
    }
    const quick = quickSendMessage(input as Record<string, unknown>);
    if (quick) return { ok: true, action: quick };
  }
  const parsed = actionSchema.safeParse(input);
  if (parsed.success) return { ok: true, action: parsed.data };
  return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || '(action)'}: ${i.message}`).join('; ') };
}

/** The common `send_message` built without zod, or null to let the schema decide (and explain). */
function quickSendMessage(input: Record<string, unknown>): Action | null {
  const { groupId: group, text, replyTo, mentions } = input;
  if (typeof group !== 'number' || !Number.isInteger(group) || group <= 0) return null;
  if (typeof text !== 'string' || text.length === 0) return null;
  if (replyTo !== undefined && typeof replyTo !== 'string') return null;
  if (mentions !== undefined) {
    if (!Array.isArray(mentions)) return null;
    for (const m of mentions) if (typeof m !== 'number' || !Number.isInteger(m) || m <= 0) return null;
  }
  return {
    type: 'send_message',
    groupId: group,
    text,
    ...(replyTo !== undefined ? { replyTo } : {}),
    mentions: mentions === undefined ? [] : [...(mentions as number[])],
  };
}
