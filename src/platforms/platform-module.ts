import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Capability } from '../core/capabilities.js';
import type { EventInput, Platform } from '../core/event.js';
import type { Database } from '../store/schema.js';
import type { OutboundAction, RateLimit, SendReceipt } from './platform-adapter.js';

export { InvalidPayloadError, PlatformError, type EventSink, type OutboundAction, type RateLimit, type SendReceipt } from './platform-adapter.js';

/**
 * A platform connection as stored, with its credentials decrypted: what a module's
 * `open` is given. Lives here, below both `connections/` (which stores it) and the
 * platform folders (which use it), so neither imports the other.
 */
export interface Connection {
  id: number;
  workspaceId: number;
  platform: Platform;
  name: string;
  status: 'active' | 'paused';
  /** Platform settings and credentials (token, webhook secret, puppet…). Never printed or logged. */
  settings: Record<string, unknown>;
  createdAt: number;
}

/**
 * The sending side of every platform, and all the dispatcher uses: who it is, what it
 * can do, how fast it may go, and one call per action. Throws PlatformError when the
 * platform refuses (`retryable` says whether waiting helps).
 */
export interface PlatformSender {
  readonly platform: Platform;
  /** What this platform can do here (see core/capabilities.ts). */
  readonly capabilities: ReadonlySet<Capability>;
  readonly rateLimits: readonly RateLimit[];
  send(outbound: OutboundAction): Promise<SendReceipt>;
}

/**
 * The receiving side of every platform. `normalize` is pure (a payload of the
 * platform's own shape → Events); `start` begins delivering what the platform sends
 * into the sink the module was opened with — long polling, a gateway session, a
 * puppet login, or, for a webhook platform, only readiness to take deliveries.
 * `start` rejects (a PlatformError, token redacted) when the platform cannot be
 * reached or refuses; the connection supervisor retries it with backoff.
 */
export interface PlatformReceiver {
  /** Payload → Events (several, or none for what Hearth ignores). Throws InvalidPayloadError. */
  normalize(payload: unknown): EventInput[];
  start(): Promise<void>;
  /**
   * Whether `start` receives anything in this process (a polling bot opened by a `web`
   * process does not): only a process that receives for a connection can tell whether
   * it works, so only it records the connection's health.
   */
  readonly receives: boolean;
  /** Stops receiving and releases sockets and timers. Safe to call when never started. */
  stop(): Promise<void>;
}

/** One open connection of a platform: the same sender and receiver for every platform. */
export interface PlatformConnection extends PlatformSender, PlatformReceiver {
  /** The stored connection it serves; null for a platform that needs none (the sandbox). */
  readonly connectionId: number | null;
}

/**
 * Where a connection's receiver hands what it normalized. `automations: false` is for
 * history (the demo's weeks of back-story): stored and counted, no rule runs.
 */
export type ConnectionSink = (events: EventInput[], options?: { automations?: boolean }) => Promise<void>;

/** What a platform told Hearth about a group's identity changing, and what came of it. */
export type GroupMoveOutcome =
  /** The group now answers to the new id, its history kept. */
  | { status: 'moved'; groupId: number }
  /** Already done, or the old id was never seen. */
  | { status: 'nothing-to-move' }
  /** Both ids already have history: left as two groups, for an operator to merge. */
  | { status: 'conflict'; fromGroupId: number; toGroupId: number };

/**
 * What every module's `open` is given, the same for every platform. Modules take
 * what they need and ignore the rest; none reaches into the runtime.
 */
export interface OpenContext {
  /** Epoch ms (mute end times, stamps, day counters). */
  clock: () => number;
  /** Namespaced to the connection. Never given message text or tokens at info level. */
  log: Logger;
  /** Where received events go: the runtime's event queue, as for every platform. */
  sink: ConnectionSink;
  /**
   * The platform gave a group a new id (a Telegram group became a supergroup): the
   * Hearth group takes it, keeping its history. Done by the store, not the module.
   */
  moveGroup(move: { from: string; to: string }): Promise<GroupMoveOutcome>;
  /** Hearth's data directory, for state a platform keeps between restarts (a WeChat login session). */
  dataDir?: string;
  /**
   * Hearth's database, for the one platform whose servers Hearth plays itself: the
   * sandbox keeps its rooms and conversation there. Live platforms leave it alone.
   */
  db?: Kysely<Database>;
  /**
   * Which receiving this process does, by role: `poll` (long polling, gateways,
   * puppets: the `bots` role) and `webhook` (deliveries over HTTP: the `web` role).
   * A module whose receiver is neither for this process makes `start` a no-op.
   */
  receive: { poll: boolean; webhook: boolean };
  /** Where to show an operator something they must act on (a WeChat login QR code): the server's console, never the log. */
  print?: (line: string) => void;
  /**
   * What the operator must do to log the connection in, for the dashboard: the value
   * of a QR code to scan while waiting for one, null once it is no longer needed.
   */
  loginPrompt?: (prompt: { qrcode: string } | null) => void;
}

/** What setting a connection up with its platform is given: the same for every platform. */
export interface SetupContext {
  /** Hearth's public base URL (HEARTH_PUBLIC_URL), where the platform can call it; unset when it cannot. */
  publicUrl?: string;
}

/** The bot's standing in one group, as the platform reports it. */
export interface GroupStanding {
  externalId: string;
  /** The platform's word for the bot's place there (administrator, member, left…). */
  role: string;
  /**
   * Capabilities the bot cannot use there, each with the right it lacks: the
   * platform's own name for it (Telegram's `can_restrict_members`…, or `membership`
   * when the bot is not in the group), and whether it must first be made an administrator.
   */
  missing: { capability: Capability; right: string; administrator?: boolean }[];
  /** The platform could not say (the bot was removed, the group is gone): its words. */
  error?: string;
}

/**
 * A platform, as one value of one shape — like a Kysely dialect. Every folder under
 * `src/platforms/` exports one, and `platform-registry.ts` lists them; `connections/`
 * loops over the registry and never names a platform.
 *
 * The shape is meant to hold platforms unlike Telegram too. WeCom's official API for
 * customer groups, for instance, fits as: `capabilities` without `read_messages`
 * (message text only with a paid archive licence), without `send_unattended` but with
 * `send_confirmed` (a group send is a template the owning staff member confirms in
 * their app, so `send` resolves with `awaitingConfirmation` in its receipt: the action
 * is pending a person, not done), without `remove`/`ban`/`mute` (nothing can remove a
 * member, so those rules get their fallback); membership arrives by callback, so its
 * receiver takes webhook deliveries (`webhooks`, `receive.webhook`) and `normalize`
 * turns a callback into `member.joined`/`member.left`; a welcome there is a template
 * WeCom sends itself, configured through its settings rather than sent as an action.
 */
export interface PlatformModule<S extends z.ZodType = z.ZodType> {
  readonly platform: Platform;
  /** The human name (dashboard, CLI help). */
  readonly title: string;
  /**
   * A connection's settings, validated before they are stored and again at open.
   * Null for a platform an operator never connects an account of (the sandbox).
   */
  readonly settingsSchema: S | null;
  /** What the platform can do; a rule that asks for more gets its planned fallback. */
  readonly capabilities: ReadonlySet<Capability>;
  /** The longest message text it takes, when shorter than Hearth's 4,096. */
  readonly maxTextLength?: number;
  /**
   * Sending needs the live receiving session (a logged-in WeChat puppet), so only the
   * process that receives (`receive.poll`) may send; other processes do not open it.
   */
  readonly sendsOnlyWhereReceiving?: boolean;
  /**
   * HTTP routes the platform calls (webhooks), mounted by the server under
   * `/hooks/<platform>`. They find the live connection by id among `connections`.
   */
  webhooks?(deps: { runtime: { readonly connections: ReadonlyMap<number, PlatformSender> } }): Hono;
  /**
   * Checks schema-valid settings with the platform itself before they are stored (a
   * Telegram token with getMe) and completes them (the bot's username, how it
   * receives, a generated webhook secret). Rejects with a PlatformError naming the
   * problem, never a credential; nothing is stored then.
   */
  prepare?(settings: Record<string, unknown>, context: SetupContext): Promise<Record<string, unknown>>;
  /** Tells the platform where Hearth takes this connection's deliveries (Telegram's setWebhook), once it is stored or resumed. */
  attach?(connection: Connection, context: SetupContext): Promise<void>;
  /** Undoes `attach` when the connection is paused or removed (Telegram's deleteWebhook). */
  detach?(connection: Connection, context: SetupContext): Promise<void>;
  /** The bot's rights in each group (by external id) and the capabilities it lacks there. */
  standing?(connection: Connection, groups: readonly string[]): Promise<GroupStanding[]>;
  /** Opens a connection: builds its sender and receiver. Does no I/O; `start` does. */
  open(connection: Connection, context: OpenContext): PlatformConnection;
}
