import type { Logger } from 'pino';
import type { Connection } from '../../connections/connection-store.js';
import { runConnection, type ConnectionRuntime } from '../platform-adapter.js';
import { DiscordAdapter } from './discord-adapter.js';

/** What a Discord connection needs of the runtime. */
export type DiscordRuntime = ConnectionRuntime;

export interface OpenDiscordConnectionOptions {
  logger?: Logger;
  /**
   * Connect to the gateway (default true). A worker process that only dispatches
   * passes false: sending is stateless REST and needs no gateway session — and two
   * sessions of one bot would receive everything twice.
   */
  listen?: boolean;
  /** Discord's REST base URL; tests point it at a fake. */
  api?: string;
}

/**
 * Brings a stored Discord connection to life: the adapter is registered in
 * `runtime.connections` (the dispatcher sends through it) and, when listening, the
 * gateway's dispatches are received for the connection's workspace. Rejects with a
 * PlatformError for a bad token or privileged intents not enabled.
 *
 * @example
 *   for (const c of await connections.list()) if (c.platform === 'discord' && c.status === 'active')
 *     await openDiscordConnection(runtime, await connections.get(c.id), { logger, listen: roles.has('bots') });
 */
export async function openDiscordConnection(runtime: DiscordRuntime, connection: Connection, options: OpenDiscordConnectionOptions = {}): Promise<DiscordAdapter> {
  const { id, workspaceId } = connection;
  const adapter = new DiscordAdapter(connection.settings, {
    clock: runtime.clock,
    ...(options.logger ? { logger: options.logger.child({ connection: id }) } : {}),
    ...(options.api ? { api: options.api } : {}),
  });
  return runConnection(runtime, connection, adapter, options.listen !== false);
}
