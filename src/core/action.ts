import { z } from 'zod';

/**
 * What an automation asks the platform to do. Actions name Hearth's own ids (group,
 * member); the dispatcher resolves them to platform ids when it sends. They are
 * persisted in the outbox before anything is sent.
 */
const groupId = z.number().int().positive();
const memberId = z.number().int().positive();

export const sendMessageActionSchema = z.object({
  type: z.literal('send_message'),
  groupId,
  text: z.string().min(1).max(4096),
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

export const alertOperatorActionSchema = z.object({
  type: z.literal('alert_operator'),
  groupId,
  severity: z.enum(['info', 'warning', 'critical']),
  text: z.string().min(1).max(2000),
});

export const actionSchema = z.discriminatedUnion('type', [
  sendMessageActionSchema,
  deleteMessageActionSchema,
  muteMemberActionSchema,
  removeMemberActionSchema,
  banMemberActionSchema,
  alertOperatorActionSchema,
]);

export type ActionInput = z.input<typeof actionSchema>;
export type Action = z.infer<typeof actionSchema>;
export type ActionType = Action['type'];

/** Actions that are handled inside Hearth and never reach a platform. */
export function isInternalAction(action: Action): boolean {
  return action.type === 'alert_operator';
}
