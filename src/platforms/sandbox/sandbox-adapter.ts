import { ALL_CAPABILITIES } from '../../core/capabilities.js';
import type { EventInput } from '../../core/event.js';
import type { ConnectionSink, OutboundAction, PlatformConnection, SendReceipt } from '../platform-module.js';
import { PlatformError } from '../platform-adapter.js';
import { SANDBOX_RATE_LIMITS } from './config.js';
import { normalizeSandboxPayload } from './normalizer.js';
import { createSandboxReceiver } from './receiver.js';
import { createSandboxSender } from './sender.js';
import type { SandboxWorld } from './sandbox-world.js';

export interface SandboxAdapterOptions {
  /** Where what members do goes: the runtime's event queue, as for every platform. Unset: this one only sends. */
  sink?: ConnectionSink;
  /** The workspace whose sandbox this connection delivers to; null for the sender the dispatcher uses. */
  workspaceId?: number | null;
}

/**
 * The sandbox platform's connection, behind the same contract as Telegram or WeChat.
 * Members' doings are `deliver`ed (the sandbox's "servers" push them, as Telegram
 * pushes updates), written to the room, normalized and handed to the sink. Besides
 * sending, it can be told to refuse its next sends, the way a real platform does
 * under load, so retry paths can be driven from tests and the CLI.
 */
export class SandboxAdapter implements PlatformConnection {
  readonly platform = 'sandbox' as const;
  readonly connectionId = null;
  readonly rateLimits = SANDBOX_RATE_LIMITS;
  readonly capabilities = ALL_CAPABILITIES;
  readonly workspaceId: number | null;
  readonly #send: (outbound: OutboundAction) => Promise<SendReceipt>;
  readonly #receive: (payloads: readonly unknown[]) => Promise<EventInput[]>;
  readonly #sink: ConnectionSink | undefined;
  #refusals: { retryable: boolean; retryAfterMs?: number }[] = [];

  constructor(
    readonly world: SandboxWorld,
    clock: () => number,
    options: SandboxAdapterOptions = {},
  ) {
    this.#send = createSandboxSender(world, clock);
    this.#receive = createSandboxReceiver(world);
    this.#sink = options.sink;
    this.workspaceId = options.workspaceId ?? null;
  }

  normalize(payload: unknown) {
    return normalizeSandboxPayload(payload);
  }

  async send(outbound: OutboundAction): Promise<SendReceipt> {
    const refusal = this.#refusals.shift();
    if (refusal)
      throw new PlatformError('sandbox', outbound.action.type, refusal.retryable ? 'too many requests' : 'not enough rights', refusal.retryable, refusal.retryAfterMs, refusal.retryable ? 429 : 403);
    return this.#send(outbound);
  }

  /** Makes the next `count` sends fail like a platform that refuses. */
  refuseNext(count: number, refusal: { retryable: boolean; retryAfterMs?: number } = { retryable: true }): void {
    for (let i = 0; i < count; i++) this.#refusals.push(refusal);
  }

  /** The sandbox's servers are Hearth's own database: nothing to reach. */
  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** Receives where it was opened for a workspace; the dispatcher's sender does not. */
  get receives(): boolean {
    return this.#sink !== undefined;
  }

  /**
   * What members did in the sandbox: validated (a bad payload records nothing and
   * throws InvalidPayloadError), recorded in the room, and handed to the sink — the
   * event queue live platforms use. Resolves when the sink accepted them; returns the
   * Events delivered.
   */
  async deliver(payloads: readonly unknown[], options: { automations?: boolean } = {}): Promise<EventInput[]> {
    if (!this.#sink) throw new Error('this sandbox connection only sends: open one for a workspace to deliver');
    const events = await this.#receive(payloads);
    if (events.length > 0) await this.#sink(events, options);
    return events;
  }
}
