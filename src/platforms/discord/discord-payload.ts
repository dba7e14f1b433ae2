import { z } from 'zod';
import { snowflake } from './config.js';

/**
 * The parts of Discord's gateway dispatches (op 0) that Hearth reads, in Discord's
 * own field names (https://discord.com/developers/docs/topics/gateway-events).
 * Fields Hearth does not use are not checked. The receiver adds one field of its
 * own, `received_at` (epoch ms), because reactions and member removals carry no time.
 */
const user = z.object({
  id: snowflake,
  username: z.string().max(200),
  global_name: z.string().max(200).nullish(),
  bot: z.boolean().optional(),
});

const member = z.object({
  nick: z.string().max(200).nullish(),
  user: user.optional(),
});

const channel = z.object({
  id: snowflake,
  type: z.number().int(),
  guild_id: snowflake.optional(),
  name: z.string().max(200).nullish(),
  parent_id: snowflake.nullish(),
});

export const messageCreateSchema = z.object({
  id: snowflake,
  channel_id: snowflake,
  guild_id: snowflake.optional(),
  author: user,
  member: member.optional(),
  content: z.string().max(65536),
  timestamp: z.iso.datetime({ offset: true }),
  type: z.number().int(),
  mentions: z.array(user).max(500),
  attachments: z.array(z.object({ id: snowflake, content_type: z.string().max(200).optional() })).max(50),
  sticker_items: z.array(z.object({ id: snowflake })).optional(),
  poll: z.object({}).optional(),
  message_reference: z.object({ type: z.number().int().optional(), message_id: snowflake.optional() }).optional(),
  flags: z.number().int().optional(),
  webhook_id: snowflake.optional(),
});

export const reactionSchema = z.object({
  user_id: snowflake,
  channel_id: snowflake,
  message_id: snowflake,
  guild_id: snowflake.optional(),
  member: member.optional(),
  emoji: z.object({ id: snowflake.nullish(), name: z.string().max(64).nullish() }),
});

export const memberAddSchema = z.object({
  guild_id: snowflake,
  user,
  nick: z.string().max(200).nullish(),
  joined_at: z.iso.datetime({ offset: true }),
});

export const memberRemoveSchema = z.object({
  guild_id: snowflake,
  user,
});

export const threadSchema = channel.extend({ guild_id: snowflake, parent_id: snowflake });

export const guildCreateSchema = z.object({
  id: snowflake,
  name: z.string().max(200).optional(),
  system_channel_id: snowflake.nullish(),
  channels: z.array(channel).optional(),
  threads: z.array(channel).optional(),
});

export const guildUpdateSchema = guildCreateSchema.pick({ id: true, name: true, system_channel_id: true });

export const channelSchema = channel;

export const threadListSyncSchema = z.object({
  guild_id: snowflake,
  threads: z.array(channel),
});

export const readySchema = z.object({ user: z.object({ id: snowflake }) });

/** A gateway dispatch as discord.js emits it on `raw`, plus the receiver's `received_at`. */
export const dispatchSchema = z.object({
  op: z.literal(0),
  t: z.string().min(1).max(100),
  s: z.number().int().nullish(),
  d: z.unknown(),
  received_at: z.number().int().nonnegative().optional(),
});

export type DiscordDispatch = z.infer<typeof dispatchSchema>;
export type DiscordUser = z.infer<typeof user>;
export type DiscordMember = z.infer<typeof member>;
