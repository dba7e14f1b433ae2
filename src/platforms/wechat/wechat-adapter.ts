import type { Logger } from 'pino';
import type { EventSink, OutboundAction, RateLimit, SendReceipt } from '../platform-adapter.js';
import type { PlatformConnection } from '../platform-module.js';
import { parseWechatSettings, WECHAT_CAPABILITIES, WECHAT_RATE_LIMITS, type WechatSettings } from './config.js';
import { normalizeWechatPayload } from './normalizer.js';
import { WechatReceiver, type WechatStatus } from './receiver.js';
import { DailySendCounter, type DailySendCount } from './send-counter.js';
import { WechatSender, type WechatSendFault } from './sender.js';
import { secretsOf } from './wechat-errors.js';

export interface WechatAdapterOptions {
  /** Epoch ms; the day the send counters are kept for. */
  clock?: () => number;
  logger?: Logger;
  /** Keeps the login session between restarts: a path in the data directory, e.g. `${dataDir}/wechat-${connectionId}`. Unset: memory only. */
  sessionFile?: string;
  /** Told when the account waits for a QR scan, logs in or out. */
  onStatus?: (status: WechatStatus) => void;
  /** Where received events go (the runtime's event queue). */
  sink?: EventSink;
  /** The stored connection this serves. */
  connectionId?: number | null;
  /**
   * For tests: a refusal to give instead of calling the puppet (a contract suite's
   * "the platform refuses the next send"). Never set in production.
   */
  sendFault?: (call: { method: string; groupExternalId: string }) => WechatSendFault | undefined;
}

/**
 * A WeChat / WeCom account's connection (opened by `wechatPlatform`), through Wechaty
 * and whichever puppet the operator installed. Receives room messages, joins (one per
 * invitee, with the inviter), leaves and topic changes; sends messages (with
 * @mentions), removes and invites members. Slow on purpose (see WECHAT_RATE_LIMITS),
 * and counts its sends per day.
 *
 * @example
 * const account = new WechatAdapter(connection.settings, { logger, sessionFile: join(dataDir, `wechat-${connection.id}`), sink });
 * await account.start();
 */
export class WechatAdapter implements PlatformConnection {
  readonly platform = 'wechat' as const;
  readonly rateLimits: readonly RateLimit[];
  /** What WeChat lets a bot do: no delete, mute or ban. */
  readonly capabilities = WECHAT_CAPABILITIES;
  readonly connectionId: number | null;
  /** The settings hold the puppet's credentials: kept private. */
  readonly #settings: WechatSettings;
  readonly #receiver: WechatReceiver;
  readonly #sender: WechatSender;
  readonly #counter: DailySendCounter;
  readonly #sink: EventSink;

  /** `settings` as stored in the connection; validated here (InvalidSettingsError names bad fields, never values). */
  constructor(settings: unknown, options: WechatAdapterOptions = {}) {
    this.#settings = parseWechatSettings(settings);
    this.connectionId = options.connectionId ?? null;
    this.#sink = options.sink ?? (async () => {});
    this.rateLimits = this.#settings.rateLimits ?? WECHAT_RATE_LIMITS;
    const secrets = secretsOf(this.#settings.puppetOptions);
    this.#counter = new DailySendCounter(this.#settings.timezone, options.clock ?? Date.now);
    this.#receiver = new WechatReceiver({
      settings: this.#settings,
      secrets,
      ...(options.sessionFile ? { sessionFile: options.sessionFile } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.onStatus ? { onStatus: options.onStatus } : {}),
    });
    this.#sender = new WechatSender({ bot: () => this.#receiver.bot, counter: this.#counter, secrets, ...(options.sendFault ? { fault: options.sendFault } : {}) });
  }

  /** The bot's name from the settings (for logs and the dashboard). */
  get botName(): string {
    return this.#settings.botName;
  }

  /** A plain WeChat payload (see WechatPayload) → Events. */
  normalize(payload: unknown) {
    return normalizeWechatPayload(payload);
  }

  send(outbound: OutboundAction): Promise<SendReceipt> {
    return this.#sender.send(outbound);
  }

  /**
   * Starts the puppet and listens. Resolves once the puppet runs — logging in may
   * still wait for a QR scan (see `status()`). Rejects with a PlatformError when the
   * puppet package is missing or does not start.
   */
  start(): Promise<void> {
    return this.#receiver.start(this.#sink);
  }

  stop(): Promise<void> {
    return this.#receiver.stop();
  }

  /** A WeChat account is only opened where it runs (it sends through its own session). */
  readonly receives = true;

  /** Adds (invites) a member to a room. Counted as `invite_member`; subject to the same caution as sends. */
  invite(groupExternalId: string, memberExternalId: string): Promise<void> {
    return this.#sender.invite(groupExternalId, memberExternalId);
  }

  /** Sends per action type per day (in the settings' time zone), since this process started. */
  dailyCounts(): DailySendCount[] {
    return this.#counter.counts();
  }

  status(): WechatStatus {
    return this.#receiver.status;
  }

  /** Resolves when every event received so far has reached the sink. */
  settled(): Promise<void> {
    return this.#receiver.settled();
  }
}
