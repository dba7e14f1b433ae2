import { createHash, timingSafeEqual } from 'node:crypto';
import type { Bot } from 'grammy';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { InvalidEventError, parseEvent, type EventInput, type PersonRef } from '../../core/event.js';
import { InvalidPayloadError, type PlatformAdapter } from '../platform-adapter.js';
import { TELEGRAM_ALLOWED_UPDATES } from './config.js';
import { readTelegramUpdate, type TelegramChatMigration, type TelegramNormalizeOptions } from './normalizer.js';

/** Re-keys a Hearth group from a basic group's chat id to its supergroup's. */
export type ChatMigrationHandler = (migration: TelegramChatMigration) => Promise<void>;

export interface TelegramReceiverOptions {
  normalize?: TelegramNormalizeOptions;
  onChatMigration?: ChatMigrationHandler;
  /** How many members' last seen names are kept to notice renames. */
  namesKept?: number;
}

/**
 * The delivery side shared by webhook and long polling: updates → Events, plus what
 * a single update cannot say on its own.
 *
 * - Migration: a group → supergroup notice is handed to `onChatMigration` before
 *   any event of the batch is released, and events still naming the old chat id
 *   (earlier in the batch, or late) are moved to the new one, so the group's history
 *   continues in one Hearth group.
 * - Renames: Telegram sends no event when someone changes their name, it only shows
 *   the new one on their next message. The names seen last are kept (bounded, in
 *   memory) and a change becomes a `member.renamed` event before the message.
 *
 * Every update of a batch, and every event it becomes, is validated before anything
 * is applied, so a malformed one changes nothing and none is dropped unseen.
 */
export class TelegramReceiver {
  readonly #aliases = new Map<string, string>();
  readonly #names: RecentNames;

  constructor(private readonly options: TelegramReceiverOptions = {}) {
    this.#names = new RecentNames(options.namesKept ?? 50_000);
  }

  async receive(updates: readonly unknown[]): Promise<EventInput[]> {
    const readings = updates.map((u) => readTelegramUpdate(u, this.options.normalize));
    // An event ingest would refuse is refused here, with its reason, rather than acknowledged and dropped.
    for (const { events } of readings) for (const event of events) checked(event);
    for (const { migration } of readings) if (migration) await this.migrate(migration);
    const out: EventInput[] = [];
    for (const reading of readings) {
      for (const raw of reading.events) {
        const moved = this.#aliases.get(raw.group.id);
        const event = moved ? { ...raw, group: { ...raw.group, id: moved } } : raw;
        const renamed = this.#names.observe(event);
        if (renamed) out.push(renamed);
        out.push(event);
      }
    }
    return out;
  }

  /** Records a migration (from an update, or from Telegram refusing a send) and hands it to `onChatMigration`. */
  async migrate(migration: TelegramChatMigration): Promise<void> {
    this.#aliases.set(migration.from, migration.to);
    await this.options.onChatMigration?.(migration);
  }
}

function checked(event: EventInput): void {
  try {
    parseEvent(event);
  } catch (error) {
    if (error instanceof InvalidEventError) throw new InvalidPayloadError('telegram', error.issues);
    throw error;
  }
}

/** The last display name seen per Telegram user, least recently seen dropped first. */
class RecentNames {
  readonly #names = new Map<string, string>();
  constructor(private readonly capacity: number) {}

  observe(event: EventInput): EventInput | undefined {
    const person: PersonRef | undefined = event.kind === 'message' || event.kind === 'command' || event.kind === 'reaction' ? event.actor : event.kind === 'member.joined' ? event.member : undefined;
    // Chats speaking as themselves (negative ids) are renamed as groups, not members.
    if (!person?.name || person.id.startsWith('-')) return undefined;
    const before = this.#names.get(person.id);
    this.#names.delete(person.id);
    this.#names.set(person.id, person.name);
    if (this.#names.size > this.capacity) this.#names.delete(this.#names.keys().next().value!);
    if (before === undefined || before === person.name) return undefined;
    return {
      platform: 'telegram',
      kind: 'member.renamed',
      dedupKey: `tg:rename:${person.id}:${event.dedupKey}`.slice(0, 300),
      occurredAt: event.occurredAt,
      group: event.group,
      member: person,
      oldName: before,
      newName: person.name,
    };
  }
}

/** Constant-time check of `X-Telegram-Bot-Api-Secret-Token` against the connection's secret. */
export function webhookSecretMatches(expected: string | undefined, given: string | undefined): boolean {
  if (!expected || given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

export interface TelegramPollerOptions {
  /** Long-poll wait per getUpdates call, seconds (Telegram allows up to 50). */
  timeoutSeconds?: number;
  onError?: (error: Error) => void;
}

/**
 * Long polling through grammY's `bot.start()`: getUpdates in a loop, each update
 * handed to `handle` in order. grammY confirms an update once `handle` returns, so
 * `handle` should only return when its events are safely stored.
 */
export class TelegramPoller {
  #handle: ((update: unknown) => Promise<void>) | undefined;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly bot: Bot,
    private readonly options: TelegramPollerOptions = {},
  ) {
    bot.use(async (ctx) => {
      await this.#handle?.(ctx.update);
    });
    bot.catch((error) => options.onError?.(error.error instanceof Error ? error.error : error));
  }

  get running(): boolean {
    return this.bot.isRunning();
  }

  /** Resolves once polling runs (getMe and deleteWebhook done); rejects if it cannot start (a wrong token). */
  async start(handle: (update: unknown) => Promise<void>): Promise<void> {
    if (this.#loop) return;
    this.#handle = handle;
    let started = false;
    await new Promise<void>((resolve, reject) => {
      this.#loop = this.bot
        .start({
          allowed_updates: [...TELEGRAM_ALLOWED_UPDATES],
          timeout: this.options.timeoutSeconds ?? 30,
          onStart: () => {
            started = true;
            resolve();
          },
        })
        .catch((error: unknown) => {
          const e = error instanceof Error ? error : new Error(String(error));
          if (started) this.options.onError?.(e);
          else reject(e);
        })
        .finally(() => {
          this.#loop = undefined;
        });
    });
  }

  /** Stops polling, confirms the updates handled so far, and waits for the one being handled. */
  async stop(): Promise<void> {
    const loop = this.#loop;
    if (this.bot.isRunning()) await this.bot.stop();
    await loop;
  }
}

/** What the webhook route needs of a connection's adapter (TelegramAdapter has it). */
export interface TelegramWebhookTarget {
  readonly platform: 'telegram';
  readonly mode: 'webhook' | 'polling';
  /** Whether `start` gave it a sink. */
  readonly started: boolean;
  acceptsWebhookSecret(header: string | undefined): boolean;
  /** One update through the receiver into the sink. Throws InvalidPayloadError. */
  deliver(update: unknown): Promise<EventInput[]>;
}

/** What the webhook route is given: the live adapters by connection id (HearthRuntime has it). */
export interface TelegramWebhookDeps {
  runtime: { readonly connections: ReadonlyMap<number, PlatformAdapter> };
}

const isWebhookTarget = (adapter: PlatformAdapter | undefined): adapter is PlatformAdapter & TelegramWebhookTarget =>
  adapter?.platform === 'telegram' && typeof (adapter as Partial<TelegramWebhookTarget>).deliver === 'function';

/**
 * `POST /:connection` — Telegram's webhook calls for one bot connection; mount it
 * under `/hooks/telegram`. Validate → authorize → act → present:
 * - 404 when the id is not a live Telegram webhook connection;
 * - 401 without the connection's `X-Telegram-Bot-Api-Secret-Token`, or with another;
 * - 400 naming the reason when the body is not JSON or not a valid Update;
 * - 200 once the update's events are in the sink (a redelivery is stored once).
 * Anything else (the store is down) is a 5xx, and Telegram delivers the update again.
 *
 * grammY's `webhookCallback` is not used: it calls getMe before it checks the secret
 * and cannot answer 400 with a reason. The secret check is constant-time like its own.
 */
export function telegramWebhookRoutes(deps: TelegramWebhookDeps): Hono {
  const app = new Hono();
  app.post('/:connection', bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.json({ error: 'the update is larger than 1 MB' }, 413) }), async (c) => {
    const ref = c.req.param('connection');
    const adapter = /^\d{1,15}$/.test(ref) ? deps.runtime.connections.get(Number(ref)) : undefined;
    if (!isWebhookTarget(adapter) || adapter.mode !== 'webhook') return c.json({ error: `no telegram webhook connection ${JSON.stringify(ref)}` }, 404);
    if (!adapter.acceptsWebhookSecret(c.req.header('x-telegram-bot-api-secret-token'))) return c.json({ error: 'missing or wrong X-Telegram-Bot-Api-Secret-Token' }, 401);
    if (!adapter.started) return c.json({ error: 'the connection is not running' }, 503);
    let update: unknown;
    try {
      update = JSON.parse(await c.req.text());
    } catch (error) {
      return c.json({ error: `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}` }, 400);
    }
    try {
      const events = await adapter.deliver(update);
      return c.json({ ok: true, events: events.length });
    } catch (error) {
      if (error instanceof InvalidPayloadError) return c.json({ error: error.message }, 400);
      throw error;
    }
  });
  return app;
}
