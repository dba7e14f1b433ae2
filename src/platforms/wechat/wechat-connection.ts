import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Connection } from '../../connections/connection-store.js';
import { runConnection, type ConnectionRuntime } from '../platform-adapter.js';
import type { WechatStatus } from './receiver.js';
import { WechatAdapter } from './wechat-adapter.js';

/** What a Wechat connection needs of the runtime. */
export type WechatRuntime = ConnectionRuntime;

export interface OpenWechatConnectionOptions {
  logger?: Logger;
  /** Hearth's data directory: the login session is kept there (`wechat-<connection id>.memory-card.json`) so a restart needs no new scan. */
  dataDir?: string;
  /** The account's state: show `qrcode` to the operator while it is `waiting-for-scan`. */
  onStatus?: (status: WechatStatus) => void;
}

/**
 * Brings a stored WeChat connection to life: the adapter is registered in
 * `runtime.connections` (the dispatcher sends through it) and what the account sees
 * is received for the connection's workspace. Resolves once the puppet runs; the
 * account may still be waiting for its QR code to be scanned. The sending side needs
 * the running puppet, so WeChat groups are dispatched in the process that runs the bot.
 *
 * @example
 *   for (const c of await connections.list()) if (c.platform === 'wechat' && c.status === 'active')
 *     await openWechatConnection(runtime, await connections.get(c.id), { logger, dataDir: config.dataDir });
 */
export async function openWechatConnection(runtime: WechatRuntime, connection: Connection, options: OpenWechatConnectionOptions = {}): Promise<WechatAdapter> {
  const { id, workspaceId } = connection;
  const adapter = new WechatAdapter(connection.settings, {
    clock: runtime.clock,
    ...(options.logger ? { logger: options.logger.child({ connection: id }) } : {}),
    ...(options.dataDir ? { sessionFile: join(options.dataDir, `wechat-${id}`) } : {}),
    ...(options.onStatus ? { onStatus: options.onStatus } : {}),
  });
  return runConnection(runtime, connection, adapter, true);
}
