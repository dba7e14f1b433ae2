import type { Action } from '../core/action.js';
import type { EventInput, Platform } from '../core/event.js';
import type { PlatformSender } from './platform-module.js';

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
  /** The link a `create_invite_link` made. */
  inviteLink?: string;
  /**
   * The platform accepted the action but a person must still confirm it (a WeCom
   * group send waits for the owning staff member in their app): it is pending a
   * person, not done. Platforms that send unattended never set it.
   */
  awaitingConfirmation?: { by: string; reference?: string };
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
 * What the dispatcher sends through: the sending side of a platform connection (see
 * platform-module.ts, where `PlatformSender` and `PlatformConnection` are defined).
 */
export type PlatformAdapter = PlatformSender;
