import { openContextFor, type ConnectionHost } from '../connection-host.js';
import type { Connection } from '../platform-module.js';
import type { TelegramAdapter } from './telegram-adapter.js';
import { telegramPlatform } from './telegram-platform.js';

export interface OpenTelegramConnectionOptions {
  /** Long-poll wait per getUpdates call, seconds (overrides the settings'). */
  pollTimeoutSeconds?: number;
  /** Receive in this process (default both): see TelegramAdapterOptions.receive. */
  poll?: boolean;
  webhook?: boolean;
}

/**
 * Opens a stored Telegram connection in a host (HearthRuntime is one) and starts it
 * at once, rejecting when it cannot start. For tests and scripts that want one bot
 * and its errors in hand; the server opens connections through `connections/`, which
 * keeps retrying one that cannot start instead.
 */
export async function openTelegramConnection(host: ConnectionHost, connection: Connection, options: OpenTelegramConnectionOptions = {}): Promise<TelegramAdapter> {
  const tuned = options.pollTimeoutSeconds === undefined ? connection : { ...connection, settings: { ...connection.settings, pollTimeoutSeconds: options.pollTimeoutSeconds } };
  const adapter = telegramPlatform.open(tuned, openContextFor(host, connection, { receive: { poll: options.poll ?? true, webhook: options.webhook ?? true } }));
  host.connections.set(connection.id, adapter);
  try {
    await adapter.start();
  } catch (error) {
    host.connections.delete(connection.id);
    throw error;
  }
  return adapter;
}
