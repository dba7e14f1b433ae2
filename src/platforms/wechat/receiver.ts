import type { Logger } from 'pino';
import type { Contact, Message, Room, Wechaty, WechatyOptions } from 'wechaty';
import type { EventInput } from '../../core/event.js';
import { redactSecrets } from '../../core/redact-secrets.js';
import { InvalidPayloadError, PlatformError, type EventSink } from '../platform-adapter.js';
import type { WechatSettings } from './config.js';
import { normalizeWechatPayload } from './normalizer.js';
import type { WechatMessageKind, WechatPayload } from './wechat-payload.js';

/** Where the account is: operators watch this to scan the login QR code. */
export interface WechatStatus {
  state: 'stopped' | 'starting' | 'waiting-for-scan' | 'logged-in' | 'logged-out';
  /** The value to render as a QR code and scan with the operator's WeChat, while waiting for a scan. */
  qrcode?: string;
  user?: { id: string; name: string };
}

export interface WechatReceiverOptions {
  settings: WechatSettings;
  secrets: readonly string[];
  /** Keeps the puppet's login session between restarts (Wechaty's memory card): a path without extension, e.g. data/wechat-7. */
  sessionFile?: string;
  logger?: Logger;
  onStatus?: (status: WechatStatus) => void;
}

/**
 * Wechaty takes seconds to import: it is loaded when an account starts, not by every
 * process (and every CLI command) that reads the platform registry.
 */
let wechatyModule: Promise<typeof import('wechaty')> | undefined;
const loadWechaty = () => (wechatyModule ??= import('wechaty'));

/** Wechaty's message types by our kind names (known once Wechaty is loaded). */
function messageKinds({ types }: typeof import('wechaty')): Map<number, WechatMessageKind> {
  return new Map<number, WechatMessageKind>([
    [types.Message.Text, 'text'],
    [types.Message.Image, 'image'],
    [types.Message.Video, 'video'],
    [types.Message.Audio, 'audio'],
    [types.Message.Attachment, 'attachment'],
    [types.Message.Emoticon, 'emoticon'],
    [types.Message.Url, 'url'],
    [types.Message.MiniProgram, 'mini-program'],
    [types.Message.Location, 'location'],
    [types.Message.Contact, 'contact'],
    [types.Message.ChatHistory, 'chat-history'],
    [types.Message.RedEnvelope, 'red-envelope'],
    [types.Message.Transfer, 'transfer'],
    [types.Message.Post, 'post'],
    [types.Message.Recalled, 'recalled'],
    [types.Message.GroupNote, 'group-note'],
  ]);
}

/** Errors puppet-mock (and some puppets) raise while refreshing a room after an event; the event itself is delivered. */
const HARMLESS = /no payload found for id/i;

type PuppetInstance = NonNullable<Extract<WechatyOptions, { puppet?: object }>['puppet']>;

/**
 * Imports the configured puppet package and builds it. Done here rather than by
 * Wechaty's name resolution so a missing package gets a plain answer, and because
 * Wechaty logs the puppet options (a token) when it resolves them itself.
 */
async function loadPuppet(settings: WechatSettings, secrets: readonly string[]): Promise<PuppetInstance> {
  let mod: unknown;
  try {
    mod = await import(settings.puppet);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const missing = (error as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND' && message.includes(settings.puppet);
    const detail = missing ? `is not installed; run: npm install ${settings.puppet}` : `failed to load: ${redactSecrets(message, secrets)}`;
    throw new PlatformError('wechat', 'start', `puppet ${settings.puppet} ${detail}`, false, undefined, missing ? 'puppet_missing' : 'puppet_failed');
  }
  let Puppet: unknown = (mod as { default?: unknown }).default;
  for (let i = 0; i < 3 && typeof Puppet !== 'function' && Puppet && typeof Puppet === 'object'; i++) Puppet = (Puppet as { default?: unknown }).default;
  if (typeof Puppet !== 'function') throw new PlatformError('wechat', 'start', `${settings.puppet} is not a Wechaty puppet (it has no default export)`, false, undefined, 'puppet_invalid');
  try {
    return new (Puppet as new (options: Record<string, unknown>) => PuppetInstance)(settings.puppetOptions);
  } catch (error) {
    throw new PlatformError(
      'wechat',
      'start',
      `puppet ${settings.puppet} refused its options: ${redactSecrets(error instanceof Error ? error.message : String(error), secrets)}`,
      false,
      undefined,
      'puppet_options',
    );
  }
}

const person = (c: Contact) => ({ id: c.id, name: c.name() ?? '', ...(c.self() ? { bot: true } : {}) });

/**
 * Listens to a WeChat account through Wechaty: room messages, joins, leaves and topic
 * changes become plain WechatPayloads, then Events, handed to the sink in the order
 * they arrived. The bot's own messages and private chats are left out.
 */
export class WechatReceiver {
  #bot: Wechaty | undefined;
  #sink: EventSink = async () => {};
  #chain: Promise<void> = Promise.resolve();
  #status: WechatStatus = { state: 'stopped' };
  #kinds = new Map<number, WechatMessageKind>();

  constructor(private readonly options: WechatReceiverOptions) {}

  /** The running Wechaty, for the sender; undefined until started. */
  get bot(): Wechaty | undefined {
    return this.#bot;
  }

  get status(): WechatStatus {
    return this.#status;
  }

  async start(sink: EventSink): Promise<void> {
    if (this.#bot) throw new PlatformError('wechat', 'start', 'already started', false, undefined, 'already_started');
    this.#sink = sink;
    this.#setStatus({ state: 'starting' });
    // The puppet first: a missing one is told at once, without waiting for Wechaty.
    const puppet = await loadPuppet(this.options.settings, this.options.secrets);
    const wechaty = await loadWechaty();
    this.#kinds = messageKinds(wechaty);
    const { WechatyBuilder, types } = wechaty;
    const bot = WechatyBuilder.build({ puppet, ...(this.options.sessionFile ? { name: this.options.sessionFile } : {}) });
    this.#bot = bot;
    bot.on('scan', (qrcode, status) => {
      if (status === types.ScanStatus.Waiting || status === types.ScanStatus.Timeout) this.#setStatus({ state: 'waiting-for-scan', qrcode });
    });
    bot.on('login', (user) => this.#setStatus({ state: 'logged-in', user: { id: user.id, name: user.name() ?? '' } }));
    bot.on('logout', () => this.#setStatus({ state: 'logged-out' }));
    bot.on('error', (error) => {
      const message = error instanceof Error ? error.message : String(error);
      if (HARMLESS.test(message)) return;
      this.options.logger?.warn({ platform: 'wechat', bot: this.options.settings.botName, err: redactSecrets(message, this.options.secrets) }, 'wechaty error');
    });
    bot.on('message', (message) => this.#deliver('message', () => this.#message(message)));
    bot.on('room-join', (room, invitees, inviter, date) =>
      this.#deliver('room-join', async () => (invitees.length === 0 ? [] : [{ type: 'room-join', ...(await where(room, date)), inviteeList: invitees.map(person), inviter: person(inviter) }])),
    );
    bot.on('room-leave', (room, leavers, remover, date) =>
      this.#deliver('room-leave', async () =>
        leavers.length === 0 ? [] : [{ type: 'room-leave', ...(await where(room, date)), leaverList: leavers.map(person), ...(remover ? { remover: person(remover) } : {}) }],
      ),
    );
    bot.on('room-topic', (room, topic, oldTopic, changer, date) =>
      this.#deliver('room-topic', async () => [{ type: 'room-topic', roomId: room.id, roomTopic: topic, at: (date ?? new Date()).getTime(), topic, oldTopic, changer: person(changer) }]),
    );
    try {
      await bot.start();
    } catch (error) {
      this.#bot = undefined;
      this.#setStatus({ state: 'stopped' });
      throw new PlatformError('wechat', 'start', redactSecrets(error instanceof Error ? error.message : String(error), this.options.secrets), true, undefined, 'start_failed');
    }
  }

  /** Resolves when every event received so far has been handed to the sink. */
  settled(): Promise<void> {
    return this.#chain;
  }

  async stop(): Promise<void> {
    const bot = this.#bot;
    this.#bot = undefined;
    try {
      if (bot) await bot.stop();
    } finally {
      await this.#chain;
      this.#setStatus({ state: 'stopped' });
    }
  }

  async #message(message: Message): Promise<WechatPayload[]> {
    if (message.self()) return [];
    const room = message.room();
    if (!room) return [];
    const kind = this.#kinds.get(message.type()) ?? 'unknown';
    const mentions = kind === 'text' ? await message.mentionList() : [];
    return [
      {
        type: 'message',
        ...(await where(room, message.date())),
        id: message.id,
        talker: person(message.talker()),
        kind,
        // Other kinds carry puppet XML or file names as text: not kept.
        text: kind === 'text' ? message.text() : '',
        mentionIds: [...new Set(mentions.map((c) => c.id))].slice(0, 200),
      },
    ];
  }

  /**
   * Maps SDK objects to payloads right away (concurrently), but hands them to the
   * sink one batch after the other, in arrival order: a join is stored before the
   * newcomer's first message.
   */
  #deliver(what: string, build: () => Promise<WechatPayload[]>): void {
    const built = build().then(
      (payloads) => payloads,
      (error: unknown) => {
        this.options.logger?.warn({ platform: 'wechat', what, err: redactSecrets(error instanceof Error ? error.message : String(error), this.options.secrets) }, 'could not read a wechat event');
        return [] as WechatPayload[];
      },
    );
    this.#chain = this.#chain
      .then(async () => {
        const events: EventInput[] = [];
        for (const payload of await built) {
          try {
            events.push(...normalizeWechatPayload(payload));
          } catch (error) {
            if (!(error instanceof InvalidPayloadError)) throw error;
            this.options.logger?.warn({ platform: 'wechat', what, issues: error.issues }, 'skipped a wechat event Hearth cannot read');
          }
        }
        if (events.length > 0) await this.#sink(events);
      })
      // One event that fails must not stop the ones after it.
      .catch((error: unknown) => this.options.logger?.error({ platform: 'wechat', what, err: error }, 'could not ingest a wechat event'));
  }

  #setStatus(status: WechatStatus): void {
    this.#status = status;
    this.options.logger?.info({ platform: 'wechat', bot: this.options.settings.botName, state: status.state }, 'wechat connection');
    this.options.onStatus?.(status);
  }
}

async function where(room: Room, date: Date | undefined): Promise<{ roomId: string; roomTopic: string; at: number }> {
  return { roomId: room.id, roomTopic: (await room.topic()).slice(0, 512), at: (date ?? new Date()).getTime() };
}
