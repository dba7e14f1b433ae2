import { parseSettings } from '../connection-settings.js';
import { z } from 'zod';
import type { Capability } from '../../core/capabilities.js';
import type { RateLimit } from '../platform-adapter.js';

/**
 * What a Telegram bot can do in a group where it is an admin: everything Hearth asks
 * for. A message reaches the bot only with privacy mode off or as an admin.
 */
export const TELEGRAM_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
  'send',
  'reply',
  'mention',
  'mute',
  'remove',
  'ban',
  'delete',
  'invite_link',
  'pin',
  'read_messages',
  'send_unattended',
]);

/** Telegram's longest message text. */
export const TELEGRAM_MAX_TEXT = 4096;

/**
 * Telegram's documented send limits: about one message per second in a chat, 20 per
 * minute in a group, 30 per second for the whole bot. The dispatcher enforces them
 * from `adapter.rateLimits`; every Hearth group is a Telegram group, so "per chat"
 * and "per group" are both `scope: 'group'`.
 */
export const TELEGRAM_RATE_LIMITS: readonly RateLimit[] = [
  { scope: 'group', limit: 1, windowMs: 1_000 },
  { scope: 'group', limit: 20, windowMs: 60_000 },
  { scope: 'global', limit: 30, windowMs: 1_000 },
];

/**
 * The update types Hearth asks for, by polling or webhook. `chat_member` and
 * `message_reaction` are only delivered when named here (and the bot is an admin).
 */
export const TELEGRAM_ALLOWED_UPDATES = ['message', 'edited_message', 'message_reaction', 'chat_member', 'my_chat_member'] as const;

const TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{20,100}$/;
/** Telegram's own rule for `secret_token`: 1–256 of A–Z, a–z, 0–9, _ and -. */
const SECRET = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * A Telegram connection's settings, as stored (encrypted) in the connection store.
 * `webhookSecret` is required for webhook mode (it is what tells Telegram's calls
 * from anyone else's); polling needs none. `apiRoot` points grammY at another Bot
 * API server: a local one, or the fake in tests.
 */
export const telegramSettingsSchema = z
  .object({
    token: z.string().regex(TOKEN, 'a bot token looks like 123456789:AA… (from @BotFather)'),
    webhookSecret: z.string().regex(SECRET, 'a webhook secret is 1–256 letters, digits, _ or -').optional(),
    mode: z.enum(['webhook', 'polling']).default('webhook'),
    apiRoot: z
      .url({ protocol: /^https?$/ })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    /** Long-poll wait per getUpdates call, seconds (Telegram allows up to 50). Default 30. */
    pollTimeoutSeconds: z.number().int().min(0).max(50).optional(),
    /** The bot's @username (without @): commands addressed to another bot are then plain messages. */
    botUsername: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,64}$/)
      .optional(),
  })
  .superRefine((s, ctx) => {
    if (s.mode === 'webhook' && !s.webhookSecret) ctx.addIssue({ code: 'custom', path: ['webhookSecret'], message: 'a webhook connection needs a webhookSecret' });
  });

export type TelegramSettings = z.output<typeof telegramSettingsSchema>;
export type TelegramSettingsInput = z.input<typeof telegramSettingsSchema>;

/** Validates a connection's settings; the error names each field but never echoes a value (the token is secret). */
export function parseTelegramSettings(settings: unknown): TelegramSettings {
  return parseSettings('telegram', telegramSettingsSchema, settings);
}
