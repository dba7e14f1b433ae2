import { join } from 'node:path';
import type { Connection, OpenContext, PlatformModule } from '../platform-module.js';
import { WECHAT_CAPABILITIES, wechatSettingsSchema } from './config.js';
import { WechatAdapter } from './wechat-adapter.js';

/**
 * WeChat / WeCom as a platform module: an account run through a Wechaty puppet the
 * operator installs. Sends go through the logged-in puppet, so only the process that
 * runs the account (the `bots` role) opens it. The login session is kept in the data
 * directory, so a restart needs no new scan; the QR code to scan is printed to the
 * server's console (never the log) and shown on the dashboard's Connections page.
 */
export const wechatPlatform = {
  platform: 'wechat',
  title: 'WeChat',
  settingsSchema: wechatSettingsSchema,
  capabilities: WECHAT_CAPABILITIES,
  sendsOnlyWhereReceiving: true,
  open(connection: Connection, context: OpenContext): WechatAdapter {
    const log = context.log;
    return new WechatAdapter(connection.settings, {
      clock: context.clock,
      logger: log,
      connectionId: connection.id,
      sink: (events) => context.sink(events),
      ...(context.dataDir ? { sessionFile: join(context.dataDir, `wechat-${connection.id}`) } : {}),
      onStatus: (status) => {
        log.info({ state: status.state }, 'wechat account');
        if (status.state === 'waiting-for-scan' && status.qrcode) {
          context.print?.(`WeChat connection ${connection.name}: scan to log in: ${status.qrcode}`);
          context.loginPrompt?.({ qrcode: status.qrcode });
        } else context.loginPrompt?.(null);
      },
    });
  },
} satisfies PlatformModule;
