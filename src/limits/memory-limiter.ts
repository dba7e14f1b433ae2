import type { LimitWindow, Limiter, Reservation } from './limiter.js';

interface KeyState {
  /** Reservation id → lease end, while the send is in flight. */
  flights: Map<string, number>;
  /** Answered sends, oldest first. */
  done: { id: string; at: number }[];
  blockedUntil: number;
  /** The key's window, for the sweep. */
  windowMs: number;
}

/** How many reservations between sweeps of keys nobody has used for a while. */
const SWEEP_EVERY = 1_000;

/**
 * The limiter of one process (embedded mode): the windows live in memory. Same
 * semantics as the Redis one; see `Limiter`.
 */
export class MemoryLimiter implements Limiter {
  readonly kind = 'memory' as const;
  readonly #keys = new Map<string, KeyState>();
  #next = 0;
  #reservations = 0;

  async reserve(windows: readonly LimitWindow[], now: number, leaseMs: number): Promise<Reservation> {
    if (++this.#reservations % SWEEP_EVERY === 0) this.#sweep(now);
    let retryAt = now;
    let blockedKey = '';
    for (const w of windows) {
      const state = this.#state(w.key);
      state.windowMs = w.windowMs;
      this.#expire(state, now, w.windowMs);
      let at = Math.max(state.blockedUntil, now);
      const count = state.done.length + state.flights.size;
      if (count >= w.limit) {
        const k = count - w.limit + 1;
        // An in-flight slot is answered at the earliest now, and then counts for a whole window.
        at = Math.max(at, k <= state.done.length ? state.done[k - 1]!.at + w.windowMs : now + w.windowMs);
      }
      if (at > retryAt) {
        retryAt = at;
        blockedKey = w.key;
      }
    }
    if (retryAt > now) return { granted: false, retryAt, blockedKey };
    const id = `m${++this.#next}`;
    for (const w of windows) this.#state(w.key).flights.set(id, now + leaseMs);
    return { granted: true, id };
  }

  async settle(windows: readonly LimitWindow[], id: string, at: number): Promise<void> {
    for (const w of windows) {
      const state = this.#state(w.key);
      const moved = state.done.findIndex((d) => d.id === id);
      if (state.flights.delete(id) || moved < 0) insert(state.done, { id, at });
      else if (state.done[moved]!.at < at) {
        state.done.splice(moved, 1);
        insert(state.done, { id, at });
      }
    }
  }

  async cancel(windows: readonly LimitWindow[], id: string): Promise<void> {
    for (const w of windows) {
      const state = this.#keys.get(w.key);
      if (!state) continue;
      state.flights.delete(id);
      state.done = state.done.filter((d) => d.id !== id);
    }
  }

  async block(keys: readonly string[], until: number): Promise<void> {
    for (const key of keys) {
      const state = this.#state(key);
      state.blockedUntil = Math.max(state.blockedUntil, until);
    }
  }

  async close(): Promise<void> {
    this.#keys.clear();
  }

  #state(key: string): KeyState {
    let state = this.#keys.get(key);
    if (!state) this.#keys.set(key, (state = { flights: new Map(), done: [], blockedUntil: 0, windowMs: 0 }));
    return state;
  }

  /** Leases that ended count as answered at their end; answers older than the window no longer count. */
  #expire(state: KeyState, now: number, windowMs: number): void {
    for (const [id, leaseEnd] of state.flights) {
      if (leaseEnd > now) continue;
      state.flights.delete(id);
      insert(state.done, { id, at: leaseEnd });
    }
    let drop = 0;
    while (drop < state.done.length && state.done[drop]!.at <= now - windowMs) drop++;
    if (drop > 0) state.done.splice(0, drop);
  }

  /** Drops keys with nothing in flight, nothing answered recently and no block (chats that went quiet). */
  #sweep(now: number): void {
    for (const [key, s] of this.#keys) {
      if (s.flights.size === 0 && s.blockedUntil <= now && (s.done.length === 0 || s.done.at(-1)!.at <= now - s.windowMs)) this.#keys.delete(key);
    }
  }
}

/** Keeps `done` sorted by answer time (answers of concurrent sends arrive out of order). */
function insert(done: { id: string; at: number }[], entry: { id: string; at: number }): void {
  let i = done.length;
  while (i > 0 && done[i - 1]!.at > entry.at) i--;
  done.splice(i, 0, entry);
}
