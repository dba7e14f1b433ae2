import { parseSettings, rateLimitSettingSchema } from '../connection-settings.js';
import { z } from 'zod';
import { isTimeZone } from '../../core/calendar.js';
import type { Capability } from '../../core/capabilities.js';
import type { RateLimit } from '../platform-adapter.js';

/**
 * How fast Hearth sends on WeChat. WeChat has no published limits; it restricts or
 * bans accounts its risk control finds bot-like, and the signals operators report are
 * bursts in one group and a steady high rate across groups. So, well below what
 * people running Wechaty bots report as safe:
 * - per group, 1 message per 3 s: no bursts, a room never sees the bot "machine-gun";
 * - per group, 10 per minute: a busy automation cannot flood one room;
 * - for the whole account, 20 per minute (1 every 3 s on average, 1,200 an hour):
 *   an account in 200 rooms sending a welcome to each cannot spike;
 * - for the whole account, 600 per rolling day: the daily volume risk control counts
 *   stays that of a busy person, not a broadcaster.
 * Operators whose accounts are older and trusted may raise them in the connection's
 * settings (`rateLimits`); new accounts should stay at or below these.
 */
export const WECHAT_RATE_LIMITS: readonly RateLimit[] = [
  { scope: 'group', limit: 1, windowMs: 3_000 },
  { scope: 'group', limit: 10, windowMs: 60_000 },
  { scope: 'global', limit: 20, windowMs: 60_000 },
  { scope: 'global', limit: 600, windowMs: 86_400_000 },
];

/**
 * What a WeChat bot account can do in a room: post (a reply is an @ of the replied
 * member, since bots cannot quote), @mention, and remove members where it owns or
 * manages the room. WeChat has no mute, ban or deleting others' messages: rules that
 * ask get their fallback.
 */
export const WECHAT_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>(['send', 'reply', 'mention', 'remove', 'read_messages', 'send_unattended']);

/** After a send the puppet could not perform (no wait given), wait at least this long: WeChat errors under load are risk signals too. */
export const WECHAT_FAILURE_COOLDOWN_MS = 60_000;

/**
 * An npm package name that names a puppet. The settings choose a module Hearth
 * imports, so only plain registry names containing "puppet" are accepted: no paths,
 * no URLs, nothing else that `import()` would happily load.
 */
const puppetName = z
  .string()
  .regex(/^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/, 'must be an npm package name, e.g. wechaty-puppet-service')
  .refine((name) => name.includes('puppet'), 'must be a Wechaty puppet package (its name contains "puppet")');

/** A WeChat / WeCom connection's settings, as stored (sealed) in the connection. */
export const wechatSettingsSchema = z.object({
  /** The puppet package the operator installed: wechaty-puppet-service (token), wechaty-puppet-wechat4u, a WeCom puppet… */
  puppet: puppetName,
  /** Passed to the puppet's constructor: e.g. `{ token }` for wechaty-puppet-service. May hold credentials. */
  puppetOptions: z.record(z.string(), z.unknown()).default({}),
  /** The bot's name in Hearth (logs, the session file). */
  botName: z.string().min(1).max(64).default('hearth'),
  /** The day the send counters roll over in. */
  timezone: z.string().refine(isTimeZone, 'must be a time zone such as Asia/Shanghai').default('Asia/Shanghai'),
  rateLimits: z.array(rateLimitSettingSchema).min(1).optional(),
});

export type WechatSettings = z.infer<typeof wechatSettingsSchema>;

/** Validates a connection's settings. The message names fields, never their values (they may hold a token). */
export function parseWechatSettings(input: unknown): WechatSettings {
  return parseSettings('wechat', wechatSettingsSchema, input);
}
