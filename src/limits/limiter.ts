/**
 * One window a send must fit in: at most `limit` sends per `windowMs` under `key`.
 * Keys name who the limit is about — a connection and, for per-group limits, the
 * group — so every worker sending for one bot meets the same windows.
 */
export interface LimitWindow {
  key: string;
  limit: number;
  windowMs: number;
}

/** A reservation: granted (send now, then settle it), or refused until `retryAt`. */
export type Reservation = { granted: true; id: string } | { granted: false; retryAt: number; blockedKey: string };

/**
 * Sending limits shared by everyone who sends for a connection.
 *
 * A send first **reserves** a slot in every window that applies; the slot counts from
 * then on, in flight, until the send is **settled** at the moment the platform
 * answered — from then the slot counts from the answer time. A send may start only
 * when, for every window, fewer than `limit` slots are in flight or were answered
 * within the last `windowMs`. Every earlier send reached the platform before its
 * answer, and this one reaches it after it starts, so the platform can never count
 * more than `limit` in one window, whatever the latency.
 *
 * A reservation carries a lease: a worker that dies with a send in flight leaves a
 * slot that counts as answered when its lease ends, so it neither blocks the key for
 * ever nor frees it early. A platform's own "retry after" **blocks** keys outright for
 * everyone. Times are epoch ms given by the caller (the dispatcher's clock), so tests
 * can drive them.
 *
 * Two implementations pass one suite (test/limiter.test.ts): `MemoryLimiter` (one
 * process, embedded mode) and `RedisLimiter` (queue mode, shared by every worker).
 */
export interface Limiter {
  readonly kind: 'memory' | 'redis';
  /** Reserves one slot in every window, atomically, or says when to try again. */
  reserve(windows: readonly LimitWindow[], now: number, leaseMs: number): Promise<Reservation>;
  /** The platform answered (or refused) at `at`: the slot now counts from then. */
  settle(windows: readonly LimitWindow[], id: string, at: number): Promise<void>;
  /** The send never started: the slot is given back. */
  cancel(windows: readonly LimitWindow[], id: string): Promise<void>;
  /** Nothing may be reserved under these keys before `until` (a platform's retry_after). */
  block(keys: readonly string[], until: number, now: number): Promise<void>;
  close(): Promise<void>;
}
