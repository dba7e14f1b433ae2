import { Bot } from 'grammy';
import type { EventInput } from '../../core/event.js';
import { redactSecrets } from '../../core/redact-secrets.js';
import type { EventSink, OutboundAction, SendReceipt } from '../platform-adapter.js';
import { PlatformError } from '../platform-adapter.js';
import type { PlatformConnection } from '../platform-module.js';
import { TELEGRAM_ALLOWED_UPDATES, TELEGRAM_CAPABILITIES, TELEGRAM_RATE_LIMITS, parseTelegramSettings, type TelegramSettings } from './config.js';
import { normalizeTelegramUpdate, type TelegramNormalizeOptions } from './normalizer.js';
import { TelegramPoller, TelegramReceiver, webhookSecretMatches, type ChatMigrationHandler, type TelegramWebhookTarget } from './receiver.js';
import { chatIdOf, createTelegramSender, toPlatformError } from './sender.js';

export interface TelegramAdapterOptions {
  /** The connection's settings (validated here): token, webhook secret, mode, apiRoot. */
  settings: unknown;
  /** The stored connection this adapter serves. */
  connection?: { id: number; workspaceId: number };
  /** Epoch ms (mute end times). Default Date.now. */
  clock?: () => number;
  /** Called when a group became a supergroup (seen in an update, or told by Telegram on a send). */
  onChatMigration?: ChatMigrationHandler;
  /** Errors of the background polling loop, token already redacted. */
  onError?: (error: Error) => void;
  /** Long-poll wait per getUpdates call, seconds. Default 30. */
  pollTimeoutSeconds?: number;
  /** Where received events go (the runtime's event queue). Unset: the connection only sends. */
  sink?: EventSink;
  /**
   * Which receiving `start` does in this process (default both). Only one process may
   * poll a bot (Telegram answers 409 to a second), so in scale mode the `bots` role
   * polls and the `web` role takes webhooks; a worker only sends and sets both false.
   */
  receive?: { poll: boolean; webhook: boolean };
}

/** An invite link Hearth created, to attribute joins to it (`member.joined.code` is its name). */
export interface TelegramInviteLink {
  link: string;
  name?: string;
  memberLimit?: number;
  expiresAt?: string;
}

/** Retries a failing sink this many times (with backoff) before an update is given up. */
const SINK_ATTEMPTS = 4;

/**
 * The Telegram platform connection, on grammY (opened by `telegramPlatform`).
 * Updates arrive by webhook (`deliver`, from `telegramWebhookRoutes` in receiver.ts)
 * or long polling (`start`, when the connection's mode is polling); both go through
 * one receiver and into the sink it was opened with. Actions go out through
 * grammY's `Api`.
 *
 * @example
 *   const bot = new TelegramAdapter({ settings: { token, mode: 'polling' }, sink: async (events) => void queue.push(...events) });
 *   await bot.start();
 */
export class TelegramAdapter implements PlatformConnection, TelegramWebhookTarget {
  readonly platform = 'telegram' as const;
  readonly rateLimits = TELEGRAM_RATE_LIMITS;
  readonly capabilities = TELEGRAM_CAPABILITIES;
  readonly connection: { id: number; workspaceId: number } | undefined;
  readonly connectionId: number | null;
  readonly mode: TelegramSettings['mode'];
  readonly #settings: TelegramSettings;
  readonly #normalizeOptions: TelegramNormalizeOptions;
  readonly #bot: Bot;
  readonly #receiver: TelegramReceiver;
  readonly #send: (outbound: OutboundAction) => Promise<SendReceipt>;
  readonly #poller: TelegramPoller;
  readonly #givenSink: EventSink | undefined;
  readonly #receive: { poll: boolean; webhook: boolean };
  #sink: EventSink | undefined;
  #stopped = false;

  constructor(options: TelegramAdapterOptions) {
    const settings = parseTelegramSettings(options.settings);
    this.#settings = settings;
    this.mode = settings.mode;
    this.connection = options.connection;
    this.connectionId = options.connection?.id ?? null;
    this.#givenSink = options.sink;
    this.#receive = options.receive ?? { poll: true, webhook: true };
    this.#normalizeOptions = settings.botUsername ? { botUsername: settings.botUsername } : {};
    this.#bot = new Bot(settings.token, { client: { ...(settings.apiRoot ? { apiRoot: settings.apiRoot } : {}) } });
    this.#receiver = new TelegramReceiver({ normalize: this.#normalizeOptions, ...(options.onChatMigration ? { onChatMigration: options.onChatMigration } : {}) });
    const receiver = this.#receiver;
    this.#send = createTelegramSender(this.#bot.api, { token: settings.token, clock: options.clock ?? Date.now, ...(options.onChatMigration ? { onChatMigration: (m) => receiver.migrate(m) } : {}) });
    const onError = options.onError;
    this.#poller = new TelegramPoller(this.#bot, {
      timeoutSeconds: options.pollTimeoutSeconds ?? settings.pollTimeoutSeconds ?? 30,
      ...(onError ? { onError: (e: Error) => onError(redacted(e, settings.token)) } : {}),
    });
  }

  normalize(payload: unknown): EventInput[] {
    return normalizeTelegramUpdate(payload, this.#normalizeOptions);
  }

  send(outbound: OutboundAction): Promise<SendReceipt> {
    return this.#send(outbound);
  }

  /** Updates → Events, with migrations applied and renames noticed. Throws InvalidPayloadError. */
  receive(updates: readonly unknown[]): Promise<EventInput[]> {
    return this.#receiver.receive(updates);
  }

  /** Whether a webhook call carries this connection's secret. */
  acceptsWebhookSecret(header: string | undefined): boolean {
    return webhookSecretMatches(this.#settings.webhookSecret, header);
  }

  /** Whether this process receives for the bot: it polls where polling is done, takes webhooks where they are. */
  get receives(): boolean {
    return this.#givenSink !== undefined && (this.mode === 'polling' ? this.#receive.poll : this.#receive.webhook);
  }

  /** Whether `start` was called, so deliveries have somewhere to go. */
  get started(): boolean {
    return this.#sink !== undefined;
  }

  /**
   * Starts receiving into the sink: long polling when the connection polls; for a
   * webhook connection it only opens `deliver`. Does nothing where this process does
   * not receive for the connection's mode. Rejects with a PlatformError (token
   * redacted) when polling cannot start: a wrong token, an unreachable API.
   */
  async start(): Promise<void> {
    const sink = this.#givenSink;
    if (!sink || !this.receives) return;
    this.#sink = sink;
    if (this.mode !== 'polling') return;
    try {
      // Asked here, once, rather than by grammY's start, which retries an unreachable API
      // for ever: an unreachable or refusing Bot API fails the start, with its reason.
      this.#bot.botInfo = await this.#bot.api.getMe();
      // Given up on while Telegram was slow to answer (the supervisor timed the start out): poll nothing.
      if (this.#stopped) throw new PlatformError('telegram', 'getUpdates', 'stopped before polling started', true);
      // From now on /cmd@otherbot is not a command for this bot.
      this.#normalizeOptions.botUsername ??= this.#bot.botInfo.username;
      await this.#poller.start(async (update) => {
        const events = await this.receive([update]);
        if (events.length > 0) await this.#deliverWithRetry(events);
      });
    } catch (error) {
      this.#sink = undefined;
      throw toPlatformError('getUpdates', error, this.#settings.token);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#poller.stop();
    this.#sink = undefined;
  }

  /** One webhook update: through the receiver into the sink. Returns the events delivered. */
  async deliver(update: unknown): Promise<EventInput[]> {
    if (!this.#sink) throw new Error('the telegram connection is not started');
    const events = await this.receive([update]);
    if (events.length > 0) await this.#sink(events);
    return events;
  }

  /** Points Telegram's webhook for this bot at `url`, with the secret and the update kinds Hearth uses. */
  async setWebhook(url: string): Promise<void> {
    if (!this.#settings.webhookSecret) throw new Error('a webhook connection needs a webhookSecret');
    await this.#call('setWebhook', () => this.#bot.api.setWebhook(url, { secret_token: this.#settings.webhookSecret!, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] }));
  }

  /**
   * Creates an invite link for a group; joins through it arrive with `method: 'link'`
   * and `code` = its name. Not an Action: links are made by operators and campaigns.
   */
  async createInviteLink(chatExternalId: string, options: { name?: string; memberLimit?: number; expiresAt?: Date; createsJoinRequest?: boolean } = {}): Promise<TelegramInviteLink> {
    if (options.memberLimit !== undefined && options.createsJoinRequest) throw new PlatformError('telegram', 'createChatInviteLink', 'a link cannot both limit members and require approval', false);
    const link = await this.#call('createChatInviteLink', () =>
      this.#bot.api.createChatInviteLink(chatIdOf(chatExternalId), {
        ...(options.name !== undefined ? { name: options.name.slice(0, 32) } : {}),
        ...(options.memberLimit !== undefined ? { member_limit: options.memberLimit } : {}),
        ...(options.expiresAt ? { expire_date: Math.floor(options.expiresAt.getTime() / 1000) } : {}),
        ...(options.createsJoinRequest ? { creates_join_request: true } : {}),
      }),
    );
    return {
      link: link.invite_link,
      ...(link.name !== undefined ? { name: link.name } : {}),
      ...(link.member_limit !== undefined ? { memberLimit: link.member_limit } : {}),
      ...(link.expire_date !== undefined ? { expiresAt: new Date(link.expire_date * 1000).toISOString() } : {}),
    };
  }

  /** The bot's own identity (getMe), e.g. to learn its username. */
  async identity(): Promise<{ id: string; username?: string; name: string }> {
    const me = await this.#call('getMe', () => this.#bot.api.getMe());
    return { id: String(me.id), name: me.first_name, ...(me.username ? { username: me.username } : {}) };
  }

  async #call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toPlatformError(method, error, this.#settings.token);
    }
  }

  async #deliverWithRetry(events: EventInput[]): Promise<void> {
    const sink = this.#sink;
    if (!sink) throw new Error('the telegram connection was stopped');
    for (let attempt = 1; ; attempt++) {
      try {
        await sink(events);
        return;
      } catch (error) {
        if (attempt >= SINK_ATTEMPTS || !this.#poller.running) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      }
    }
  }
}

function redacted(error: Error, token: string): Error {
  const message = redactSecrets(error.message, [token]);
  if (message === error.message) return error;
  const copy = new Error(message);
  copy.name = error.name;
  return copy;
}
