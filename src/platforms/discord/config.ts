import { parseSettings, rateLimitSettingSchema } from '../connection-settings.js';
import { z } from 'zod';
import type { Capability } from '../../core/capabilities.js';
import type { RateLimit } from '../platform-adapter.js';

/** A Discord bot with the right permissions can do everything Hearth asks; pins and invites exist too. */
export const DISCORD_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
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

/**
 * Discord's own limits, a little inside them: 5 messages per 5 s per channel (the
 * documented per-channel send bucket) and 50 requests per second for the whole bot
 * (the global limit). Discord answers 429 with retry_after when crossed anyway; the
 * sender turns that into a retry after exactly that wait.
 */
export const DISCORD_RATE_LIMITS: readonly RateLimit[] = [
  { scope: 'group', limit: 5, windowMs: 5_000 },
  { scope: 'global', limit: 50, windowMs: 1_000 },
];

/** Discord's longest timeout is 28 days; a minute less, so clock skew never makes Discord refuse it. A mute "until lifted" becomes this. */
export const DISCORD_MAX_TIMEOUT_MS = 28 * 24 * 3_600_000 - 60_000;

/** Discord's message length limit (Hearth's actions allow 4,096). */
export const DISCORD_MAX_CONTENT = 2_000;

export const snowflake = z.string().regex(/^\d{1,25}$/, 'must be a Discord id (digits)');

/** A Discord connection's settings, as stored (sealed) in the connection. */
export const discordSettingsSchema = z.object({
  /** The bot token from the Developer Portal. Never printed. */
  token: z
    .string()
    .min(20, 'must be a bot token')
    .max(200)
    .regex(/^[\w.-]+$/, 'must be a bot token'),
  /**
   * guild id → the channel where that guild's member joins and leaves are counted.
   * Unset for a guild: its system channel (where Discord posts "X joined").
   */
  homeChannels: z.record(snowflake, snowflake).default({}),
  rateLimits: z.array(rateLimitSettingSchema).min(1).optional(),
  /** Discord's REST base URL (the gateway address is asked of it): a proxy, or a local fake in tests. Default https://discord.com/api. */
  api: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
});

export type DiscordSettings = z.infer<typeof discordSettingsSchema>;

/** Validates a connection's settings. The message names fields, never their values. */
export function parseDiscordSettings(input: unknown): DiscordSettings {
  return parseSettings('discord', discordSettingsSchema, input);
}
