import { randomBytes } from 'node:crypto';
import { Api } from 'grammy';
import type { ChatMember } from 'grammy/types';
import type { Capability } from '../../core/capabilities.js';
import { PlatformError } from '../platform-adapter.js';
import type { Connection, GroupStanding, SetupContext } from '../platform-module.js';
import { TELEGRAM_ALLOWED_UPDATES, parseTelegramSettings, type TelegramSettings } from './config.js';
import { toPlatformError } from './sender.js';

/** A setup call that takes longer than this fails, so adding a connection never hangs on a dead API root. */
const SETUP_TIMEOUT_SECONDS = 15;

const apiFor = (settings: TelegramSettings) => new Api(settings.token, { ...(settings.apiRoot ? { apiRoot: settings.apiRoot } : {}), timeoutSeconds: SETUP_TIMEOUT_SECONDS });

async function call<T>(settings: TelegramSettings, method: string, run: (api: Api) => Promise<T>): Promise<T> {
  try {
    return await run(apiFor(settings));
  } catch (error) {
    const refused = toPlatformError(method, error, settings.token);
    // Telegram answers 401/404 to a token it does not know: say so in the operator's terms.
    if (refused.code === 401 || refused.code === 404) throw new PlatformError('telegram', method, 'Telegram does not accept this bot token (check it with @BotFather)', false, undefined, refused.code);
    throw refused;
  }
}

/** Where Telegram delivers a connection's updates under Hearth's public URL. */
export const telegramWebhookUrl = (publicUrl: string, connectionId: number) => `${publicUrl}/hooks/telegram/${connectionId}`;

/**
 * Checks a token with getMe before the connection is stored, and completes the
 * settings: the bot's username, and how it receives when the operator did not say —
 * by webhook when Hearth has a public URL (with a generated secret unless one is
 * given), by long polling otherwise.
 */
export async function prepareTelegramConnection(input: Record<string, unknown>, context: SetupContext): Promise<Record<string, unknown>> {
  const mode = input.mode ?? (context.publicUrl ? 'webhook' : 'polling');
  const completed: Record<string, unknown> = { ...input, mode };
  // Only Hearth registering the webhook can use a secret nobody saw; without a public URL the operator gives theirs.
  if (mode === 'webhook' && completed.webhookSecret === undefined && context.publicUrl) completed.webhookSecret = randomBytes(32).toString('base64url');
  const settings = parseTelegramSettings(completed);
  const me = await call(settings, 'getMe', (api) => api.getMe());
  return { ...completed, botUsername: me.username };
}

/** Points the bot's webhook at Hearth, with the connection's secret token: only for a webhook connection, and only when Hearth has a public URL. */
export async function attachTelegramConnection(connection: Connection, context: SetupContext): Promise<void> {
  const settings = parseTelegramSettings(connection.settings);
  if (settings.mode !== 'webhook' || !context.publicUrl || !settings.webhookSecret) return;
  const url = telegramWebhookUrl(context.publicUrl, connection.id);
  const secret = settings.webhookSecret;
  await call(settings, 'setWebhook', (api) => api.setWebhook(url, { secret_token: secret, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] }));
}

/** Removes the webhook Hearth registered, so Telegram stops calling a connection that is gone or paused. */
export async function detachTelegramConnection(connection: Connection, context: SetupContext): Promise<void> {
  const settings = parseTelegramSettings(connection.settings);
  if (settings.mode !== 'webhook' || !context.publicUrl) return;
  await call(settings, 'deleteWebhook', (api) => api.deleteWebhook());
}

/** Each capability and the administrator right it needs (Telegram's field names; the dashboard names them in the operator's language). */
const RIGHTS: { capability: Capability; right: keyof ChatMemberRights }[] = [
  { capability: 'mute', right: 'can_restrict_members' },
  { capability: 'remove', right: 'can_restrict_members' },
  { capability: 'ban', right: 'can_restrict_members' },
  { capability: 'delete', right: 'can_delete_messages' },
  { capability: 'invite_link', right: 'can_invite_users' },
  { capability: 'pin', right: 'can_pin_messages' },
];

interface ChatMemberRights {
  can_restrict_members?: boolean;
  can_delete_messages?: boolean;
  can_invite_users?: boolean;
  can_pin_messages?: boolean;
}

const SENDING: Capability[] = ['send', 'reply', 'mention', 'send_unattended'];

/** What a bot in `member`'s place lacks: pure, from Telegram's ChatMember and whether the bot's privacy mode is off. */
export function telegramStanding(externalId: string, member: ChatMember, readsAllMessages: boolean): GroupStanding {
  const missing: GroupStanding['missing'] = [];
  if (member.status === 'left' || member.status === 'kicked') {
    for (const capability of [...SENDING, 'read_messages' as const, ...RIGHTS.map((r) => r.capability)]) missing.push({ capability, right: 'membership' });
    return { externalId, role: member.status, missing };
  }
  if (member.status === 'restricted' && !member.can_send_messages) for (const capability of SENDING) missing.push({ capability, right: 'can_send_messages' });
  const admin = member.status === 'creator' || member.status === 'administrator';
  // Without admin rights a bot sees only commands and replies to it, unless its privacy mode is off.
  if (!admin && !readsAllMessages) missing.push({ capability: 'read_messages', right: 'privacy_mode_off', administrator: true });
  const rights = member.status === 'administrator' ? (member as ChatMemberRights) : {};
  for (const r of RIGHTS) if (member.status !== 'creator' && !rights[r.right]) missing.push({ capability: r.capability, right: r.right, ...(admin ? {} : { administrator: true }) });
  return { externalId, role: member.status, missing };
}

/** The bot's rights in each group, asked of Telegram (getChatMember for the bot itself). */
export async function telegramGroupStanding(connection: Connection, groups: readonly string[]): Promise<GroupStanding[]> {
  const settings = parseTelegramSettings(connection.settings);
  const me = await call(settings, 'getMe', (api) => api.getMe());
  return Promise.all(
    groups.map(async (externalId): Promise<GroupStanding> => {
      try {
        const member = await call(settings, 'getChatMember', (api) => api.getChatMember(externalId, me.id));
        return telegramStanding(externalId, member, me.can_read_all_group_messages === true);
      } catch (error) {
        return { externalId, role: 'unknown', missing: [], error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}
