import { GrammyError, HttpError, type Api } from 'grammy';
import type { MessageEntity } from 'grammy/types';
import { redactSecrets } from '../../core/redact-secrets.js';
import type { OutboundAction, SendReceipt } from '../platform-adapter.js';
import { PlatformError } from '../platform-adapter.js';
import type { TelegramChatMigration } from './normalizer.js';

export interface TelegramSenderOptions {
  /** The bot token, redacted from every error message. */
  token: string;
  /** Epoch ms; used for mute end times. */
  clock: () => number;
  /**
   * Telegram refused because the group became a supergroup: re-key the group so the
   * dispatcher's retry goes to the new chat. Without it such sends fail for good.
   */
  onChatMigration?: (migration: TelegramChatMigration) => Promise<void>;
}

/** A member may send nothing while muted. */
const MUTED = {
  can_send_messages: false,
  can_send_audios: false,
  can_send_documents: false,
  can_send_photos: false,
  can_send_videos: false,
  can_send_video_notes: false,
  can_send_voice_notes: false,
  can_send_polls: false,
  can_send_other_messages: false,
  can_add_web_page_previews: false,
};

/** What lifting a mute gives back: everything a mute took. */
const UNMUTED = Object.fromEntries(Object.keys(MUTED).map((k) => [k, true])) as { [K in keyof typeof MUTED]: boolean };

/**
 * Performs Actions through grammY's `Api`. Remove is Telegram's "kick": ban, then
 * unban so the member may come back through a link. Errors become PlatformError:
 * 429 and 5xx and network failures are retryable (429 with Telegram's own
 * retry_after), 4xx are not; the token never appears in a message.
 *
 * Telegram has no idempotency key for sendMessage, so a crash between Telegram's
 * answer and the outbox update can post a message twice; nothing here can prevent it.
 */
export function createTelegramSender(api: Api, options: TelegramSenderOptions) {
  const call = async <T>(method: string, chatId: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      const migratedTo = error instanceof GrammyError ? error.parameters.migrate_to_chat_id : undefined;
      if (migratedTo !== undefined && options.onChatMigration) {
        await options.onChatMigration({ from: chatId, to: String(migratedTo), occurredAt: new Date(options.clock()).toISOString() });
        throw new PlatformError('telegram', method, `the group moved to supergroup ${migratedTo}; retrying there`, true, 0, 400);
      }
      throw toPlatformError(method, error, options.token);
    }
  };

  return async (outbound: OutboundAction): Promise<SendReceipt> => {
    const { action, group } = outbound;
    const chat = chatIdOf(group.externalId);
    const userOf = (memberId: number, method: string): number => {
      const externalId = outbound.members.get(memberId)?.externalId;
      if (!externalId || !/^\d+$/.test(externalId)) throw new PlatformError('telegram', method, `member ${memberId} has no Telegram user id`, false);
      return Number(externalId);
    };
    switch (action.type) {
      case 'send_message': {
        const { text, entities } = withMentions(
          action.text,
          action.mentions.map((id) => outbound.members.get(id)).filter((m) => m !== undefined),
        );
        const replyTo = action.replyTo !== undefined && /^\d+$/.test(action.replyTo) ? Number(action.replyTo) : undefined;
        const sent = await call('sendMessage', group.externalId, () =>
          api.sendMessage(chat, text, {
            ...(entities.length > 0 ? { entities } : {}),
            ...(replyTo !== undefined ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
          }),
        );
        return { messageId: String(sent.message_id) };
      }
      case 'delete_message': {
        if (!/^\d+$/.test(action.messageId)) throw new PlatformError('telegram', 'deleteMessage', `message id ${JSON.stringify(action.messageId)} is not a Telegram message id`, false);
        await call('deleteMessage', group.externalId, () => api.deleteMessage(chat, Number(action.messageId)));
        return {};
      }
      case 'mute_member': {
        const user = userOf(action.memberId, 'restrictChatMember');
        // Telegram reads < 30 s or > 366 days as "forever"; unset seconds means until lifted.
        const until = action.seconds ? Math.floor(options.clock() / 1000) + Math.max(30, action.seconds) : undefined;
        await call('restrictChatMember', group.externalId, () => api.restrictChatMember(chat, user, MUTED, { use_independent_chat_permissions: true, ...(until ? { until_date: until } : {}) }));
        return {};
      }
      case 'remove_member': {
        const user = userOf(action.memberId, 'banChatMember');
        await call('banChatMember', group.externalId, () => api.banChatMember(chat, user));
        await call('unbanChatMember', group.externalId, () => api.unbanChatMember(chat, user, { only_if_banned: true }));
        return {};
      }
      case 'ban_member': {
        const user = userOf(action.memberId, 'banChatMember');
        await call('banChatMember', group.externalId, () => api.banChatMember(chat, user));
        return {};
      }
      case 'unmute_member': {
        const user = userOf(action.memberId, 'restrictChatMember');
        await call('restrictChatMember', group.externalId, () => api.restrictChatMember(chat, user, UNMUTED, { use_independent_chat_permissions: true }));
        return {};
      }
      case 'unban_member': {
        const user = userOf(action.memberId, 'unbanChatMember');
        await call('unbanChatMember', group.externalId, () => api.unbanChatMember(chat, user, { only_if_banned: true }));
        return {};
      }
      case 'create_invite_link': {
        const link = await call('createChatInviteLink', group.externalId, () =>
          api.createChatInviteLink(chat, { name: action.name, ...(action.memberLimit !== undefined ? { member_limit: action.memberLimit } : {}) }),
        );
        return { inviteLink: link.invite_link };
      }
      case 'alert_operator':
        throw new PlatformError('telegram', 'alert_operator', 'operator alerts are handled inside Hearth, not sent to Telegram', false);
    }
  };
}

/** Telegram chat ids are integers; a non-numeric id (a public @channel name) goes as is. */
export function chatIdOf(externalId: string): number | string {
  return /^-?\d+$/.test(externalId) ? Number(externalId) : externalId;
}

/**
 * Mentions as Telegram `text_mention` entities (they reach members without a
 * username): on the member's name where the text already says it, otherwise as a
 * name put before the text. Offsets are UTF-16 units, as JavaScript strings count.
 */
export function withMentions(text: string, members: readonly { externalId: string; name: string }[]): { text: string; entities: MessageEntity[] } {
  const inText: MessageEntity[] = [];
  const prefix: { label: string; entity: (offset: number) => MessageEntity | undefined }[] = [];
  const taken: [number, number][] = [];
  for (const m of members) {
    const numeric = /^\d+$/.test(m.externalId);
    const label = numeric ? m.name.trim() || 'member' : `@${m.externalId.replace(/^@/, '')}`;
    const user = { id: Number(m.externalId), is_bot: false, first_name: label };
    const at = numeric && m.name.trim() ? text.indexOf(label) : -1;
    if (at >= 0 && !taken.some(([s, e]) => at < e && at + label.length > s)) {
      taken.push([at, at + label.length]);
      inText.push({ type: 'text_mention', offset: at, length: label.length, user });
    } else {
      // A username mention needs no entity: Telegram links "@name" by itself.
      prefix.push({ label, entity: (offset) => (numeric ? { type: 'text_mention', offset, length: label.length, user } : undefined) });
    }
  }
  let head = '';
  const entities: MessageEntity[] = [];
  for (const p of prefix) {
    const entity = p.entity(head.length);
    if (entity) entities.push(entity);
    head += `${p.label} `;
  }
  for (const e of inText) entities.push({ ...e, offset: e.offset + head.length });
  return { text: head + text, entities: entities.sort((a, b) => a.offset - b.offset) };
}

/**
 * grammY's errors → PlatformError. GrammyError is Telegram's answer: 429 carries
 * `parameters.retry_after` (seconds); 5xx is Telegram's own trouble; other 4xx (bad
 * request, no rights, blocked) will not change on retry. HttpError is the network.
 */
export function toPlatformError(method: string, error: unknown, token: string): PlatformError {
  if (error instanceof PlatformError) return error;
  if (error instanceof GrammyError) {
    const code = error.error_code;
    const description = redactSecrets(error.description, [token]);
    const called = error.method || method;
    if (code === 429) return new PlatformError('telegram', called, description, true, (error.parameters.retry_after ?? 1) * 1000, code);
    return new PlatformError('telegram', called, description, code >= 500, undefined, code);
  }
  if (error instanceof HttpError) {
    const cause = error.error instanceof Error ? `: ${error.error.message}` : '';
    return new PlatformError('telegram', method, redactSecrets(`${error.message}${cause}`, [token]), true, undefined, 'network');
  }
  const message = error instanceof Error ? error.message : String(error);
  return new PlatformError('telegram', method, redactSecrets(message, [token]), true);
}
