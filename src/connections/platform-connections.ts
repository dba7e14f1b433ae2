import type { Logger } from 'pino';
import type { Platform } from '../core/event.js';
import { openDiscordConnection } from '../platforms/discord/discord-connection.js';
import { parseDiscordSettings } from '../platforms/discord/config.js';
import { openTelegramConnection } from '../platforms/telegram/telegram-connection.js';
import { parseTelegramSettings } from '../platforms/telegram/config.js';
import { openWechatConnection } from '../platforms/wechat/wechat-connection.js';
import { parseWechatSettings } from '../platforms/wechat/config.js';
import type { HearthRuntime } from '../runtime/hearth-runtime.js';
import type { Connection, ConnectionStore } from './connection-store.js';

/** The platforms an operator connects an account of (the sandbox needs none). */
export const CONNECTABLE = ['telegram', 'wechat', 'discord'] as const;
export type ConnectablePlatform = (typeof CONNECTABLE)[number];

export class ConnectionSettingsError extends Error {
  override readonly name = 'ConnectionSettingsError';
}

/**
 * Checks a connection's settings with its platform's own schema before they are
 * stored. The error names the fields, never their values (they hold tokens).
 */
export function validateConnectionSettings(platform: string, settings: unknown): Record<string, unknown> {
  if (!(CONNECTABLE as readonly string[]).includes(platform)) throw new ConnectionSettingsError(`cannot connect a ${platform} account; platforms: ${CONNECTABLE.join(', ')}`);
  try {
    if (platform === 'telegram') parseTelegramSettings(settings);
    else if (platform === 'wechat') parseWechatSettings(settings);
    else parseDiscordSettings(settings);
  } catch (error) {
    throw new ConnectionSettingsError(error instanceof Error ? error.message : String(error));
  }
  return settings as Record<string, unknown>;
}

export interface OpenConnectionsOptions {
  /** Receive (poll, gateway, puppet) in this process: the `bots` role. */
  receive: boolean;
  /** Take Telegram webhooks in this process: the `web` role. */
  webhooks: boolean;
  logger: Logger;
  dataDir: string;
  /** Where to show a WeChat login QR code (the server's console), never the log. */
  print?: (line: string) => void;
}

/**
 * Brings every active connection to life in this process: each adapter is registered
 * for the dispatcher to send through, and receives where this process's roles say.
 * A connection that fails to start is logged and skipped; the others go on.
 */
export async function openConnections(runtime: HearthRuntime, store: ConnectionStore, options: OpenConnectionsOptions): Promise<{ opened: number[]; failed: { id: number; error: string }[] }> {
  const opened: number[] = [];
  const failed: { id: number; error: string }[] = [];
  for (const summary of await store.list()) {
    if (summary.status !== 'active') continue;
    try {
      await openConnection(runtime, await store.get(summary.id), options);
      opened.push(summary.id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      options.logger.error({ connection: summary.id, platform: summary.platform, reason: message }, 'connection did not start');
      failed.push({ id: summary.id, error: message });
    }
  }
  return { opened, failed };
}

async function openConnection(runtime: HearthRuntime, connection: Connection, options: OpenConnectionsOptions): Promise<void> {
  const log = options.logger.child({ connection: connection.id, platform: connection.platform });
  const platform: Platform = connection.platform;
  switch (platform) {
    case 'telegram':
      await openTelegramConnection(runtime, connection, { poll: options.receive, webhook: options.webhooks, onError: (err) => log.error({ err }, 'telegram') });
      return;
    case 'discord':
      await openDiscordConnection(runtime, connection, { logger: log, listen: options.receive });
      return;
    case 'wechat':
      // WeChat sends through the logged-in puppet, so only the process running the bot can.
      if (options.receive) await openWechatConnection(runtime, connection, { logger: log, dataDir: options.dataDir, onStatus: (status) => {
          log.info({ state: status.state }, 'wechat account');
          if (status.state === 'waiting-for-scan' && status.qrcode) options.print?.(`WeChat connection ${connection.name}: scan to log in: ${status.qrcode}`);
        } });
      return;
    case 'sandbox':
      return;
  }
}

/** After a connection changed (added, paused, resumed, removed): stop its adapter, and start it again if it is active. */
export async function reloadConnection(runtime: HearthRuntime, store: ConnectionStore, id: number, options: OpenConnectionsOptions): Promise<void> {
  await runtime.connections.get(id)?.stop?.();
  runtime.connections.delete(id);
  const summary = (await store.list()).find((c) => c.id === id);
  if (summary?.status === 'active') await openConnection(runtime, await store.get(id), options);
}

/** Stops every connection this process runs (polling, gateways, puppets). */
export async function closeConnections(runtime: HearthRuntime): Promise<void> {
  await Promise.allSettled([...runtime.connections.values()].map((adapter) => adapter.stop?.()));
  runtime.connections.clear();
}
