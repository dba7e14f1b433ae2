import type { Connection, OpenContext, PlatformModule } from '../platform-module.js';
import { DISCORD_CAPABILITIES, DISCORD_MAX_CONTENT, discordSettingsSchema } from './config.js';
import { DiscordAdapter } from './discord-adapter.js';

/**
 * Discord as a platform module: a bot with the Server Members and Message Content
 * intents. The gateway session runs where this process polls (`receive.poll`, the
 * `bots` role); any process can send, through the REST API.
 */
export const discordPlatform = {
  platform: 'discord',
  title: 'Discord',
  settingsSchema: discordSettingsSchema,
  capabilities: DISCORD_CAPABILITIES,
  maxTextLength: DISCORD_MAX_CONTENT,
  open(connection: Connection, context: OpenContext): DiscordAdapter {
    return new DiscordAdapter(connection.settings, { clock: context.clock, logger: context.log, connectionId: connection.id, sink: (events) => context.sink(events), listen: context.receive.poll });
  },
} satisfies PlatformModule;
