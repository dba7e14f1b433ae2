import type { Connection, OpenContext, PlatformModule } from '../platform-module.js';
import { TELEGRAM_CAPABILITIES, TELEGRAM_MAX_TEXT, telegramSettingsSchema } from './config.js';
import { telegramWebhookRoutes } from './receiver.js';
import { TelegramAdapter } from './telegram-adapter.js';
import { attachTelegramConnection, detachTelegramConnection, prepareTelegramConnection, telegramGroupStanding } from './telegram-setup.js';

/**
 * Telegram as a platform module: a bot (token from @BotFather) receiving by webhook
 * or long polling. A group that becomes a supergroup gets a new chat id; the module
 * asks the store to move the Hearth group to it (`context.moveGroup`) and reports a
 * move it could not make (both ids already have history).
 */
export const telegramPlatform = {
  platform: 'telegram',
  title: 'Telegram',
  settingsSchema: telegramSettingsSchema,
  capabilities: TELEGRAM_CAPABILITIES,
  maxTextLength: TELEGRAM_MAX_TEXT,
  /** `POST /hooks/telegram/:connection`, with the connection's secret token. */
  webhooks: telegramWebhookRoutes,
  /** getMe checks the token; the mode follows HEARTH_PUBLIC_URL (webhook with a generated secret) unless given. */
  prepare: prepareTelegramConnection,
  /** setWebhook with the secret token, when Hearth has a public URL. */
  attach: attachTelegramConnection,
  detach: detachTelegramConnection,
  standing: telegramGroupStanding,
  open(connection: Connection, context: OpenContext): TelegramAdapter {
    const log = context.log;
    return new TelegramAdapter({
      settings: connection.settings,
      connection: { id: connection.id, workspaceId: connection.workspaceId },
      clock: context.clock,
      sink: (events) => context.sink(events),
      receive: context.receive,
      onChatMigration: async (migration) => {
        const outcome = await context.moveGroup({ from: migration.from, to: migration.to });
        if (outcome.status === 'conflict') {
          log.warn({ from: outcome.fromGroupId, to: outcome.toGroupId }, `telegram group ${migration.from} became supergroup ${migration.to}, but both already have history in Hearth; left unmerged`);
        }
      },
      onError: (error) => log.error({ err: error }, 'telegram polling'),
    });
  },
} satisfies PlatformModule;
