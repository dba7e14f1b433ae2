import type { Transformer } from 'grammy';
import type { RateLimit } from '../platform-adapter.js';

interface Slot {
  /** When Telegram's answer came back; undefined while the request is in flight. */
  at: number | undefined;
  settled: Promise<void>;
}

/**
 * A grammY API transformer that keeps messages within Telegram's limits on the wire.
 *
 * The dispatcher plans sends from its own timestamps, taken before it writes the
 * outbox and before the request travels; a slow database write or a network hiccup
 * shifts one send by a few or tens of milliseconds, enough for Telegram to see 31
 * messages in one second. Here a message may start only when, for every limit, the
 * send `limit` places earlier was *answered* at least `windowMs` ago: it reached
 * Telegram before that answer, and this one reaches Telegram after it starts, so
 * Telegram can never count more than `limit` in a window, whatever the latency.
 * When the dispatcher's pacing is right this waits a few ms at most.
 *
 * Only `send*` methods count (they are what Telegram's message limits are about);
 * a refused call counts too, as Telegram counts it.
 */
export function sendSpacing(limits: readonly RateLimit[], clock: () => number = Date.now): Transformer {
  // Real time, always: this is about when requests are on the wire, not about a test's clock.
  const slots = new Map<string, Slot[]>();
  const longest = Math.max(...limits.map((l) => l.windowMs));
  let calls = 0;
  /** Chats that stopped receiving keep their last slots; sweep them now and then. */
  const sweep = () => {
    const before = clock() - longest;
    for (const [key, list] of slots) if (list.every((s) => s.at !== undefined && s.at <= before)) slots.delete(key);
  };
  const keysOf = (chatId: unknown) => limits.map((limit, i) => ({ limit, key: limit.scope === 'global' ? `${i}` : `${i}|${String(chatId)}` }));

  async function acquire(keys: { limit: RateLimit; key: string }[]): Promise<void> {
    for (;;) {
      let waitMs = 0;
      let pending: Promise<void> | undefined;
      const now = clock();
      for (const { limit, key } of keys) {
        const list = slots.get(key) ?? [];
        while (list.length > 0 && list[0]!.at !== undefined && list[0]!.at <= now - limit.windowMs) list.shift();
        if (list.length < limit.limit) continue;
        const blocking = list[list.length - limit.limit]!;
        if (blocking.at === undefined) pending = blocking.settled;
        else if (blocking.at + limit.windowMs > now) waitMs = Math.max(waitMs, blocking.at + limit.windowMs - now);
      }
      if (pending) await pending;
      else if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      else return;
    }
  }

  return async (prev, method, payload, signal) => {
    if (!method.startsWith('send')) return prev(method, payload, signal);
    if (++calls % 1_000 === 0) sweep();
    const keys = keysOf((payload as { chat_id?: unknown }).chat_id);
    await acquire(keys);
    let settle!: () => void;
    const slot: Slot = { at: undefined, settled: new Promise<void>((resolve) => (settle = resolve)) };
    for (const { key } of keys) {
      const list = slots.get(key);
      if (list) list.push(slot);
      else slots.set(key, [slot]);
    }
    try {
      return await prev(method, payload, signal);
    } finally {
      slot.at = clock();
      settle();
    }
  };
}
