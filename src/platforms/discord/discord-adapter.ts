import type { Logger } from 'pino';
import type { EventSink, OutboundAction, RateLimit, SendReceipt } from '../platform-adapter.js';
import type { PlatformConnection } from '../platform-module.js';
import { ChannelDirectory } from './channel-directory.js';
import { DISCORD_CAPABILITIES, DISCORD_RATE_LIMITS, parseDiscordSettings, type DiscordSettings } from './config.js';
import { normalizeDiscordDispatch } from './normalizer.js';
import { DiscordReceiver } from './receiver.js';
import { DiscordSender } from './sender.js';

export interface DiscordAdapterOptions {
  /** Epoch ms: stamps received dispatches, dates timeouts. */
  clock?: () => number;
  logger?: Logger;
  /** Discord's REST base URL (default https://discord.com/api); tests point it at a local fake. */
  api?: string;
  /** Where received events go (the runtime's event queue). */
  sink?: EventSink;
  /** The stored connection this serves. */
  connectionId?: number | null;
  /**
   * Connect to the gateway on `start` (default true). A worker that only dispatches
   * passes false: sending is stateless REST, and two gateway sessions of one bot
   * would receive everything twice.
   */
  listen?: boolean;
}

/**
 * A Discord bot's connection (opened by `discordPlatform`): guild text channels are
 * groups (a thread's traffic goes to its parent channel), joins and leaves are counted
 * in each guild's home channel. Sends, replies, deletes, times out, kicks and bans
 * through the REST API.
 *
 * @example
 * const bot = new DiscordAdapter(connection.settings, { logger, sink });
 * await bot.start();
 */
export class DiscordAdapter implements PlatformConnection {
  readonly platform = 'discord' as const;
  readonly rateLimits: readonly RateLimit[];
  readonly capabilities = DISCORD_CAPABILITIES;
  readonly connectionId: number | null;
  /** What the gateway said about guilds, channels and threads. */
  readonly directory = new ChannelDirectory();
  readonly #settings: DiscordSettings;
  readonly #sender: DiscordSender;
  readonly #receiver: DiscordReceiver;
  readonly #sink: EventSink;
  readonly #listen: boolean;

  /** `settings` as stored in the connection; validated here (InvalidSettingsError names bad fields, never values). */
  constructor(settings: unknown, options: DiscordAdapterOptions = {}) {
    this.#settings = parseDiscordSettings(settings);
    this.connectionId = options.connectionId ?? null;
    this.#sink = options.sink ?? (async () => {});
    this.#listen = options.listen ?? true;
    this.rateLimits = this.#settings.rateLimits ?? DISCORD_RATE_LIMITS;
    const clock = options.clock ?? Date.now;
    const api = options.api ?? this.#settings.api;
    this.#sender = new DiscordSender({ token: this.#settings.token, directory: this.directory, clock, ...(api ? { api } : {}) });
    this.#receiver = new DiscordReceiver({
      token: this.#settings.token,
      directory: this.directory,
      normalize: (payload) => this.normalize(payload),
      clock,
      ...(api ? { api } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  /** A gateway dispatch (as discord.js emits it on `raw`, plus `received_at`) → Events. */
  normalize(payload: unknown) {
    return normalizeDiscordDispatch(payload, this.directory, this.#settings.homeChannels);
  }

  send(outbound: OutboundAction): Promise<SendReceipt> {
    return this.#sender.send(outbound);
  }

  /** Logs in to the gateway and listens (unless it only sends). Rejects with a PlatformError (bad token, privileged intents not enabled). */
  async start(): Promise<void> {
    if (this.#listen) await this.#receiver.start(this.#sink);
  }

  /** Whether this process holds the gateway session (a worker only sends). */
  get receives(): boolean {
    return this.#listen;
  }

  async stop(): Promise<void> {
    await this.#receiver.stop();
    this.#sender.close();
  }

  /** Resolves when every dispatch received so far has reached the sink. */
  settled(): Promise<void> {
    return this.#receiver.settled();
  }
}
