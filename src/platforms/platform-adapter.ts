import type { Action, ActionType } from '../core/action.js';
import type { EventInput, Platform } from '../core/event.js';

/** An action ready for a platform: Hearth's ids resolved to the platform's. */
export interface OutboundAction {
  /** Stable for this action across retries; adapters that can, pass it on so a resend is not a second message. */
  idempotencyKey: string;
  action: Action;
  group: { id: number; externalId: string; name: string };
  /** The members the action names (target, mentions), by Hearth member id. */
  members: ReadonlyMap<number, { externalId: string; name: string }>;
}

export interface SendReceipt {
  /** The platform's id for a message it created. */
  messageId?: string;
}

/** How often an adapter may send: at most `limit` sends per `windowMs`, per group or for the whole connection. */
export interface RateLimit {
  scope: 'group' | 'global';
  limit: number;
  windowMs: number;
}

/**
 * The platform refused or could not be reached. `retryable` says whether trying
 * again later can succeed (rate limit, network, server error) or not (no permission,
 * unknown chat); `retryAfterMs` is the platform's own wait, when it gives one.
 */
export class PlatformError extends Error {
  override readonly name = 'PlatformError';
  constructor(
    readonly platform: Platform,
    readonly method: string,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly code?: string | number,
  ) {
    super(`${platform} ${method}: ${message}`);
  }
}

/** A platform payload that cannot be understood: names the field and why. Nothing of it is stored. */
export class InvalidPayloadError extends Error {
  override readonly name = 'InvalidPayloadError';
  constructor(
    readonly platform: Platform,
    readonly issues: string[],
  ) {
    super(`invalid ${platform} payload: ${issues.join('; ')}`);
  }
}

/** Where an adapter's receiver hands the events it normalized. */
export type EventSink = (events: EventInput[]) => Promise<void>;

/**
 * The one shape every platform takes (sandbox, Telegram, WeChat, Discord): a
 * normalizer from the platform's payloads to Events, a sender of Actions, its rate
 * limits, and optionally a receiver that listens on its own (long polling, a
 * gateway). Platform SDK types never leave the adapter's folder.
 */
export interface PlatformAdapter {
  readonly platform: Platform;
  readonly rateLimits: readonly RateLimit[];
  /** What this platform can do (WeChat cannot delete or mute); automations and the dashboard ask before planning. */
  readonly supportedActions: readonly ActionType[];
  /** Payload → Events (several, or none for updates Hearth ignores). Throws InvalidPayloadError. */
  normalize(payload: unknown): EventInput[];
  /** Performs one action. Throws PlatformError when the platform refuses. */
  send(outbound: OutboundAction): Promise<SendReceipt>;
  start?(sink: EventSink): Promise<void>;
  stop?(): Promise<void>;
}

/** What a live connection needs of the runtime, by shape (HearthRuntime has it). */
export interface ConnectionRuntime {
  readonly connections: Map<number, PlatformAdapter>;
  readonly clock: () => number;
  /** Live events in: ingested here (embedded) or by a worker (scale mode). */
  receive(batch: { workspaceId: number; connectionId?: number | null; events: readonly unknown[] }): Promise<void>;
}

/**
 * Registers a connection's adapter for the dispatcher and, when `listen`, starts it
 * receiving into the runtime for the connection's workspace. A start that fails
 * unregisters it again.
 */
export async function runConnection<A extends PlatformAdapter>(runtime: ConnectionRuntime, connection: { id: number; workspaceId: number }, adapter: A, listen: boolean): Promise<A> {
  const { id, workspaceId } = connection;
  runtime.connections.set(id, adapter);
  if (!listen || !adapter.start) return adapter;
  try {
    await adapter.start((events) => runtime.receive({ workspaceId, connectionId: id, events }));
  } catch (error) {
    runtime.connections.delete(id);
    throw error;
  }
  return adapter;
}
