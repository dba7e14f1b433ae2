import type { SandboxPayload } from '../platforms/sandbox/sandbox-payload.js';
import type { HearthRuntime } from './hearth-runtime.js';

/**
 * What the demo shows needing an operator's hand, made through the real pipeline: an
 * answer the platform refused because the bot had lost its rights in a group, parked
 * on the Outbox page for the operator to send again or discard.
 */
export async function seedDemoAttention(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const { db } = runtime.store;
  const speakers = await db
    .selectFrom('sandbox_message as m')
    .innerJoin('sandbox_room as r', 'r.room', 'm.room')
    .select(['m.room', 'r.title', 'm.from_id', 'm.from_name'])
    .where('m.kind', '=', 'message')
    .where('m.from_bot', '=', 0)
    .orderBy('m.id', 'desc')
    .limit(1)
    .execute();
  const refusedIn = speakers[0];
  if (!refusedIn) return;

  const question: SandboxPayload = {
    type: 'message',
    updateId: 'demo-attention-1',
    room: refusedIn.room,
    roomTitle: refusedIn.title,
    at: now - 60_000,
    from: { id: refusedIn.from_id, name: refusedIn.from_name },
    messageId: 'demo-attention-1',
    text: 'Where are the group rules? 群规在哪里？',
  };
  // The platform refuses the next send for good: the question below is answered, and parked.
  runtime.sandbox.refuseNext(1, { retryable: false });
  await runtime.sandboxFor(workspaceId).deliver([question]);
  await runtime.dispatcher.runDue();
}
