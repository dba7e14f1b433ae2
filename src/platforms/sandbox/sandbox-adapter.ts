import type { ActionType } from '../../core/action.js';
import type { EventInput } from '../../core/event.js';
import type { OutboundAction, PlatformAdapter, SendReceipt } from '../platform-adapter.js';
import { PlatformError } from '../platform-adapter.js';
import { SANDBOX_RATE_LIMITS } from './config.js';
import { normalizeSandboxPayload } from './normalizer.js';
import { createSandboxReceiver } from './receiver.js';
import { createSandboxSender } from './sender.js';
import type { SandboxWorld } from './sandbox-world.js';

/**
 * The sandbox platform, behind the same contract as Telegram or WeChat. Besides
 * sending, it can be told to refuse its next sends, the way a real platform does
 * under load, so retry paths can be driven from tests and the CLI.
 */
export class SandboxAdapter implements PlatformAdapter {
  readonly platform = 'sandbox' as const;
  readonly rateLimits = SANDBOX_RATE_LIMITS;
  readonly supportedActions: readonly ActionType[] = ['send_message', 'delete_message', 'mute_member', 'remove_member', 'ban_member'];
  readonly #send: (outbound: OutboundAction) => Promise<SendReceipt>;
  readonly #receive: (payloads: readonly unknown[]) => Promise<EventInput[]>;
  #refusals: { retryable: boolean; retryAfterMs?: number }[] = [];

  constructor(readonly world: SandboxWorld, clock: () => number) {
    this.#send = createSandboxSender(world, clock);
    this.#receive = createSandboxReceiver(world);
  }

  normalize(payload: unknown) {
    return normalizeSandboxPayload(payload);
  }

  async send(outbound: OutboundAction): Promise<SendReceipt> {
    const refusal = this.#refusals.shift();
    if (refusal) throw new PlatformError('sandbox', outbound.action.type, refusal.retryable ? 'too many requests' : 'not enough rights', refusal.retryable, refusal.retryAfterMs, refusal.retryable ? 429 : 403);
    return this.#send(outbound);
  }

  /** Makes the next `count` sends fail like a platform that refuses. */
  refuseNext(count: number, refusal: { retryable: boolean; retryAfterMs?: number } = { retryable: true }): void {
    for (let i = 0; i < count; i++) this.#refusals.push(refusal);
  }

  /** What members did in the sandbox: validated, recorded in the room, and returned as Events for ingest. */
  receive(payloads: readonly unknown[]): Promise<EventInput[]> {
    return this.#receive(payloads);
  }
}
