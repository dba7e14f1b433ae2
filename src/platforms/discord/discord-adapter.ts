import type { Logger } from 'pino';
import type { ActionType } from '../../core/action.js';
import type { EventSink, OutboundAction, PlatformAdapter, RateLimit, SendReceipt } from '../platform-adapter.js';
import { ChannelDirectory } from './channel-directory.js';
import { DISCORD_RATE_LIMITS, parseDiscordSettings, type DiscordSettings } from './config.js';
import { normalizeDiscordDispatch } from './normalizer.js';
import { DiscordReceiver } from './receiver.js';
import { DISCORD_ACTIONS, DiscordSender } from './sender.js';

export interface DiscordAdapterOptions {
  /** Epoch ms: stamps received dispatches, dates timeouts. */
  clock?: () => number;
  logger?: Logger;
  /** Discord's REST base URL (default https://discord.com/api); tests point it at a local fake. */
  api?: string;
}

/**
 * A Discord bot: guild text channels are groups (a thread's traffic goes to its
 * parent channel), joins and leaves are counted in each guild's home channel. Sends,
 * replies, deletes, times out, kicks and bans through the REST API.
 *
 * @example
 * const adapter = new DiscordAdapter(connection.settings, { logger });
 * runtime.connections.set(connection.id, adapter);
 * await adapter.start((events) => runtime.ingest(events, { workspaceId, connectionId: connection.id }).then(() => {}));
 */
export class DiscordAdapter implements PlatformAdapter {
  readonly platform = 'discord' as const;
  readonly rateLimits: readonly RateLimit[];
  readonly supportedActions: readonly ActionType[] = DISCORD_ACTIONS;
  /** What the gateway said about guilds, channels and threads. */
  readonly directory = new ChannelDirectory();
  readonly #settings: DiscordSettings;
  readonly #sender: DiscordSender;
  readonly #receiver: DiscordReceiver;

  /** `settings` as stored in the connection; validated here (InvalidSettingsError names bad fields, never values). */
  constructor(settings: unknown, options: DiscordAdapterOptions = {}) {
    this.#settings = parseDiscordSettings(settings);
    this.rateLimits = this.#settings.rateLimits ?? DISCORD_RATE_LIMITS;
    const clock = options.clock ?? Date.now;
    this.#sender = new DiscordSender({ token: this.#settings.token, directory: this.directory, clock, ...(options.api ? { api: options.api } : {}) });
    this.#receiver = new DiscordReceiver({
      token: this.#settings.token,
      directory: this.directory,
      normalize: (payload) => this.normalize(payload),
      clock,
      ...(options.api ? { api: options.api } : {}),
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

  /** Logs in to the gateway and listens. Rejects with a PlatformError (bad token, privileged intents not enabled). */
  start(sink: EventSink): Promise<void> {
    return this.#receiver.start(sink);
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
