import { Client, Events, GatewayIntentBits, Options, type Channel } from 'discord.js';
import type { Logger } from 'pino';
import type { EventInput } from '../../core/event.js';
import { redactSecrets } from '../../core/redact-secrets.js';
import { InvalidPayloadError, PlatformError, type EventSink } from '../platform-adapter.js';
import type { ChannelDirectory, DiscordChannel } from './channel-directory.js';
import { discordError } from './discord-errors.js';
import { unknownChannelOf } from './normalizer.js';

/**
 * The gateway intents Hearth needs. Two are privileged and must be switched on in
 * the Developer Portal (Bot → Privileged Gateway Intents): Server Members (joins and
 * leaves) and Message Content (message text).
 */
export const DISCORD_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions, GatewayIntentBits.MessageContent];

export interface DiscordReceiverOptions {
  token: string;
  directory: ChannelDirectory;
  normalize: (payload: unknown) => EventInput[];
  clock: () => number;
  /** REST base URL for the client (the gateway address comes from it); tests point it at a fake. */
  api?: string;
  logger?: Logger;
}

function plainChannel(channel: Channel | null): DiscordChannel | undefined {
  if (!channel || !('guildId' in channel) || !channel.guildId) return undefined;
  const parentId = 'parentId' in channel ? channel.parentId : null;
  return { id: channel.id, guildId: channel.guildId, type: channel.type, ...('name' in channel && channel.name ? { name: channel.name } : {}), ...(parentId ? { parentId } : {}) };
}

/**
 * Listens to the Discord gateway with a discord.js Client and feeds its raw
 * dispatches, stamped with `received_at`, through the normalizer — in arrival order,
 * so a thread is known before its first message. A channel the directory cannot
 * place (a thread created before this connection) is looked up first.
 */
export class DiscordReceiver {
  #client: Client | undefined;
  #sink: EventSink = async () => {};
  #chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: DiscordReceiverOptions) {}

  async start(sink: EventSink): Promise<void> {
    if (this.#client) throw new PlatformError('discord', 'login', 'already started', false, undefined, 'already_started');
    this.#sink = sink;
    const client = new Client({
      intents: DISCORD_INTENTS,
      // Hearth keeps no messages in memory; channels and threads stay cached for thread → channel lookups.
      makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
      ...(this.options.api ? { rest: { api: this.options.api } } : {}),
    });
    this.#client = client;
    client.on(Events.Raw, (packet: unknown) => this.#receive(packet));
    client.on(Events.ClientReady, (c) => this.options.logger?.info({ platform: 'discord', guilds: c.guilds.cache.size }, 'discord connection ready'));
    client.on(Events.Error, (error) => this.options.logger?.warn({ platform: 'discord', err: redactSecrets(error.message, [this.options.token]) }, 'discord client error'));
    try {
      await client.login(this.options.token);
    } catch (error) {
      this.#client = undefined;
      await client.destroy();
      const message = error instanceof Error ? error.message : String(error);
      if (/disallowed intents/i.test(message)) {
        throw new PlatformError(
          'discord',
          'login',
          'Discord refused the intents: enable "Server Members Intent" and "Message Content Intent" for the bot in the Developer Portal',
          false,
          undefined,
          4014,
        );
      }
      const mapped = discordError('login', error, [this.options.token]);
      throw /invalid token/i.test(message) ? new PlatformError('discord', 'login', 'the bot token is invalid', false, undefined, 'TokenInvalid') : mapped;
    }
  }

  /** Resolves when every dispatch received so far has been handed to the sink. */
  settled(): Promise<void> {
    return this.#chain;
  }

  async stop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client) await client.destroy();
    await this.#chain;
  }

  #receive(packet: unknown): void {
    if (!packet || typeof packet !== 'object' || (packet as { op?: unknown }).op !== 0) return;
    const stamped = { ...(packet as object), received_at: this.options.clock() };
    const t = (packet as { t?: unknown }).t;
    this.#chain = this.#chain
      .then(async () => {
        const unknown = unknownChannelOf(stamped, this.options.directory);
        if (unknown) await this.#lookUp(unknown);
        let events: EventInput[];
        try {
          events = this.options.normalize(stamped);
        } catch (error) {
          if (!(error instanceof InvalidPayloadError)) throw error;
          this.options.logger?.warn({ platform: 'discord', t, issues: error.issues }, 'skipped a discord dispatch Hearth cannot read');
          return;
        }
        if (events.length > 0) await this.#sink(events);
      })
      // One dispatch that fails must not stop the ones after it.
      .catch((error: unknown) => this.options.logger?.error({ platform: 'discord', t, err: error }, 'could not ingest a discord dispatch'));
  }

  async #lookUp(channelId: string): Promise<void> {
    const client = this.#client;
    if (!client) return;
    try {
      const channel = plainChannel(client.channels.cache.get(channelId) ?? (await client.channels.fetch(channelId)));
      if (channel) this.options.directory.setChannel(channel);
      const parentId = channel?.parentId;
      if (channel && parentId && !this.options.directory.channel(parentId)) {
        const parent = plainChannel(client.channels.cache.get(parentId) ?? (await client.channels.fetch(parentId)));
        if (parent) this.options.directory.setChannel(parent);
      }
    } catch (error) {
      // The event is still stored, under the channel id itself.
      this.options.logger?.warn({ platform: 'discord', channel: channelId, err: discordError('fetchChannel', error, [this.options.token]).message }, 'could not look up a discord channel');
    }
  }
}
