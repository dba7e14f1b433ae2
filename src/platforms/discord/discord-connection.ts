import type { Logger } from 'pino';
import type { Connection } from '../../connections/connection-store.js';
import type { PlatformAdapter } from '../platform-adapter.js';
import { DiscordAdapter } from './discord-adapter.js';

/** What a Discord connection needs of the runtime, by shape (HearthRuntime has it). */
export interface DiscordRuntime {
  readonly connections: Map<number, PlatformAdapter>;
  readonly clock: () => number;
  /** Live events in: ingested here (embedded) or by a worker (scale mode). */
  receive(batch: { workspaceId: number; connectionId?: number | null; events: readonly unknown[] }): Promise<void>;
}

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
  runtime.connections.set(id, adapter);
  if (options.listen === false) return adapter;
  try {
    await adapter.start((events) => runtime.receive({ workspaceId, connectionId: id, events }));
  } catch (error) {
    runtime.connections.delete(id);
    throw error;
  }
  return adapter;
}
