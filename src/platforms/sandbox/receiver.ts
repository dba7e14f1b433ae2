import type { EventInput } from '../../core/event.js';
import { normalizeSandboxPayload, parseSandboxPayload } from './normalizer.js';
import type { SandboxPayload } from './sandbox-payload.js';
import type { SandboxWorld } from './sandbox-world.js';

/**
 * The sandbox's delivery side: what its members do is first written to the room (as a
 * platform would show it), then handed to Hearth as Events. Every payload is
 * validated before anything is written, so a bad one stores nothing.
 */
export function createSandboxReceiver(world: SandboxWorld) {
  return async (payloads: readonly unknown[]): Promise<EventInput[]> => {
    const parsed: SandboxPayload[] = payloads.map(parseSandboxPayload);
    await world.record(parsed);
    return parsed.flatMap(normalizeSandboxPayload);
  };
}
