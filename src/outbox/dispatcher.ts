import type { Selectable } from 'kysely';
import { checkAction, isInternalAction, type Action } from '../core/action.js';
import { capabilityFor, type Capability } from '../core/capabilities.js';
import type { LimitWindow, Limiter, Reservation } from '../limits/limiter.js';
import { isConnectionWide, limitWindows } from '../limits/limit-windows.js';
import { MemoryLimiter } from '../limits/memory-limiter.js';
import { PlatformError, type OutboundAction, type PlatformAdapter, type SendReceipt } from '../platforms/platform-adapter.js';
import type { Store } from '../store/database.js';
import type { OutboxParkedReason, OutboxTable } from '../store/schema.js';

type OutboxRow = Selectable<OutboxTable>;

/** How long a pass waits in place for a connection's window to free a slot, rather than ending (ms). */
const SHORT_WAIT_MS = 30;
type GroupRow = { id: number; platform: string; connection_id: number | null; external_id: string; name: string };

/** Finds the adapter that sends for a group; undefined when none is connected (or it is paused). */
export type AdapterLookup = (group: { platform: string; connectionId: number | null }) => PlatformAdapter | undefined;

export interface DispatcherOptions {
  /** How long a claimed action (and its slot in the limits) may stay in flight before another worker may take it over. */
  leaseMs?: number;
  /** After this many failed attempts an action is parked (kept, visible, requeueable). */
  maxAttempts?: number;
  /** Backoff before attempt n+1: base × 2^(n-1), capped. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How many due actions one pass looks at. */
  batchSize?: number;
  /** At most this many of one group's actions in a pass, so one backlog cannot starve the rest. */
  perGroup?: number;
  /** Sends under way at once, across groups (each group's sends stay one after another). */
  maxInFlight?: number;
  /**
   * Where the sending windows live. Default: in this process (`MemoryLimiter`); in
   * queue mode every worker is given the same `RedisLimiter`, so the limits hold for
   * each bot as a whole.
   */
  limiter?: Limiter;
  /** Called after a pass with what it finished (the runtime records enforcement in the audit log). */
  onDone?: (dispatched: readonly Dispatched[]) => Promise<void>;
}

/** One action the dispatcher finished in a pass. `parked`: it cannot be sent as it is and waits for an operator. */
export interface Dispatched {
  outboxId: number;
  groupId: number;
  rule: string | null;
  action: Action;
  status: 'done' | 'retry' | 'parked';
  receipt?: SendReceipt;
  error?: string;
  parkedReason?: OutboxParkedReason;
}

/** A row whose stored action no longer reads as an action: parked with the reason. */
export interface UnreadableRow {
  outboxId: number;
  groupId: number;
  rule: string | null;
  reason: string;
}

export interface DispatchReport {
  dispatched: Dispatched[];
  /** Rows parked because their stored action no longer validates. */
  unreadable: UnreadableRow[];
  /** When the next pass could do something (epoch ms), or null when nothing is waiting. */
  nextWakeAt: number | null;
}

/**
 * Sends what the outbox holds, through each platform's adapter, within its limits.
 *
 * An action is claimed with a lease (so several workers never send the same one),
 * given a slot in every limit window of its connection (`Limiter`: reserved before
 * the send, settled when the platform answered), sent, and marked done exactly once.
 * A retryable refusal is retried with backoff, or after the platform's own
 * retry_after, which also blocks that group's windows for every worker. A row that
 * cannot be sent — its action no longer validates, the platform cannot do it or
 * refused it for good, its retries ran out — is **parked** with its reason and the
 * pass goes on: nothing one row does stops the others. Actions of one group go out
 * in order.
 */
export class Dispatcher {
  readonly limiter: Limiter;
  /** Groups with a send of this dispatcher in flight (passes overlap). */
  readonly #busyGroups = new Set<number>();
  /** Sends under way, across passes. */
  readonly #inFlight = new Set<Promise<void>>();
  readonly #options: Required<Omit<DispatcherOptions, 'onDone' | 'limiter'>> & Pick<DispatcherOptions, 'onDone'>;

  constructor(
    private readonly store: Store,
    private readonly adapterFor: AdapterLookup,
    private readonly clock: () => number,
    options: DispatcherOptions = {},
  ) {
    const { limiter, ...rest } = options;
    this.limiter = limiter ?? new MemoryLimiter();
    this.#options = { leaseMs: 60_000, maxAttempts: 8, backoffBaseMs: 2_000, backoffMaxMs: 15 * 60_000, batchSize: 500, perGroup: 25, maxInFlight: 32, ...rest };
  }

  /**
   * Sends every action that is due now and allowed by the limits, and returns when
   * they are answered. Groups are sent to concurrently (up to `maxInFlight` sends at
   * once), each group's actions one after another, in order; a refusal holds back the
   * rest of that group's actions. Every row the pass looked at has its result in the
   * report; none throws out of it.
   */
  async runDue(): Promise<DispatchReport> {
    return (await this.startPass()).finished;
  }

  /**
   * A pass in two steps, for a loop that should not wait for a slow platform: resolves
   * once every due row is decided (claimed and its send started, parked, or left for
   * later, with `nextWakeAt` so far), while `finished` resolves when the sends are
   * answered. Passes may overlap: a group with a send still in flight from an earlier
   * pass is left for a later one, so its actions stay in order.
   */
  async startPass(): Promise<{ nextWakeAt: number | null; finished: Promise<DispatchReport> }> {
    const now = this.clock();
    const rows = await this.#dueRows(now);
    const pass: Pass = { dispatched: [], unreadable: [], blockedGroups: new Set(), refusedGroups: new Set(), blockedOwners: new Map(), nextWakeAt: null };
    const groups = await this.#groups(rows.map((r) => r.group_id));
    const chains = new Map<number, Promise<void>>();

    for (const row of rows) {
      if (pass.blockedGroups.has(row.group_id)) continue;
      if (this.#busyGroups.has(row.group_id) && !chains.has(row.group_id)) {
        pass.blockedGroups.add(row.group_id);
        continue;
      }
      let send: Promise<void> | undefined;
      try {
        send = (await this.#take(row, groups.get(row.group_id), pass, chains))?.send;
      } catch (error) {
        // A database hiccup on one row: the row keeps (or regains, when its lease ends) its place.
        pass.blockedGroups.add(row.group_id);
        pass.dispatched.push({ outboxId: row.id, groupId: row.group_id, rule: ruleOf(row), action: fallbackAction(row), status: 'retry', error: messageOf(error) });
      }
      if (!send) continue;
      const group = row.group_id;
      if (!chains.has(group)) this.#busyGroups.add(group);
      chains.set(group, send);
      this.#inFlight.add(send);
      void send.finally(() => {
        this.#inFlight.delete(send);
        if (chains.get(group) === send) this.#busyGroups.delete(group);
      });
      if (this.#inFlight.size >= this.#options.maxInFlight) await Promise.race(this.#inFlight);
    }
    const decidedWakeAt = pass.nextWakeAt;
    const finished = (async () => {
      await Promise.all(chains.values());
      const dispatched = pass.dispatched.map(({ retryAt: _, ...d }) => d);
      // More rows may wait beyond this batch; only worth an immediate pass if this one made room.
      if (rows.length === this.#options.batchSize && (dispatched.length > 0 || pass.unreadable.length > 0)) wake(pass, this.clock());
      if (dispatched.length > 0) await this.#options.onDone?.(dispatched);
      return { dispatched, unreadable: pass.unreadable, nextWakeAt: pass.nextWakeAt };
    })();
    return { nextWakeAt: decidedWakeAt, finished };
  }

  /** Decides one row: sent (the promise of its send, wrapped so awaiting the decision does not await the send), parked, done internally, or left for later. */
  async #take(row: OutboxRow, group: GroupRow | undefined, pass: Pass, chains: Map<number, Promise<void>>): Promise<{ send: Promise<void> } | undefined> {
    const at = this.clock();
    if (row.next_attempt_at > at) {
      pass.blockedGroups.add(row.group_id);
      wake(pass, row.next_attempt_at);
      return undefined;
    }
    const rule = ruleOf(row);
    const checked = readAction(row, group?.platform);
    if (!checked.ok) {
      if (await this.#claim(row, at)) {
        await this.#park(row.id, 'invalid_action', checked.reason, at);
        pass.unreadable.push({ outboxId: row.id, groupId: row.group_id, rule, reason: checked.reason });
      }
      return undefined;
    }
    const action = checked.action;
    const base = { outboxId: row.id, groupId: row.group_id, rule, action };

    if (isInternalAction(action)) {
      if (await this.#claim(row, at)) {
        await this.#finish(row.id, { status: 'done', at });
        pass.dispatched.push({ ...base, status: 'done' });
      }
      return undefined;
    }
    const adapter = group ? this.adapterFor({ platform: group.platform, connectionId: group.connection_id }) : undefined;
    if (!group || !adapter) {
      // Kept, not parked: the connection may come back (unpaused, re-added).
      await this.store.db
        .updateTable('outbox')
        .set({ next_attempt_at: at + this.#options.backoffMaxMs, last_error: `no active ${row.platform} connection for group ${row.group_id}` })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .execute();
      pass.blockedGroups.add(row.group_id);
      wake(pass, at + this.#options.backoffMaxMs);
      return undefined;
    }
    const missing = missingCapability(adapter, action);
    if (missing) {
      if (await this.#claim(row, at)) {
        const error = `${group.platform} cannot ${missing}: the platform has no such action`;
        await this.#park(row.id, 'unsupported', error, at);
        pass.dispatched.push({ ...base, status: 'parked', parkedReason: 'unsupported', error });
      }
      return undefined;
    }
    const owner = group.connection_id !== null ? `c${group.connection_id}` : group.platform;
    const ownerBlockedUntil = pass.blockedOwners.get(owner);
    if (ownerBlockedUntil !== undefined) {
      // The connection's own window is full: nothing else of it can go in this pass.
      wake(pass, ownerBlockedUntil);
      return undefined;
    }
    if (!(await this.#claim(row, at))) return undefined;
    const windows = limitWindows(owner, adapter.rateLimits, group.external_id);
    let slot: Reservation;
    try {
      slot = await this.limiter.reserve(windows, at, this.#options.leaseMs);
      // A connection's window frees one slot per answer, a few ms apart: waiting a moment
      // here keeps the pacing even, where a new pass per freed slot would cost a query each.
      for (let tries = 0; tries < 5 && !slot.granted && isConnectionWide(slot.blockedKey); tries++) {
        const waitMs = slot.retryAt - this.clock();
        if (waitMs > SHORT_WAIT_MS) break;
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, waitMs)));
        slot = await this.limiter.reserve(windows, this.clock(), this.#options.leaseMs);
      }
    } catch (error) {
      // The limiter is unreachable (Redis restarting): nothing was sent, so the row goes
      // back now rather than waiting out its lease.
      await this.#release(row).catch(() => {});
      throw error;
    }
    if (!slot.granted) {
      await this.#release(row);
      if (isConnectionWide(slot.blockedKey)) pass.blockedOwners.set(owner, slot.retryAt);
      else pass.blockedGroups.add(row.group_id);
      wake(pass, slot.retryAt);
      return undefined;
    }
    const send = (chains.get(row.group_id) ?? Promise.resolve()).then(async () => {
      if (pass.refusedGroups.has(row.group_id)) {
        // Keep the group's order: wait for the refused one.
        await this.limiter.cancel(windows, slot.id);
        return this.#release(row);
      }
      const outcome = await this.#send(row, base, group, adapter, windows, slot.id);
      pass.dispatched.push(outcome);
      if (outcome.status === 'retry') {
        pass.refusedGroups.add(row.group_id);
        pass.blockedGroups.add(row.group_id);
        wake(pass, outcome.retryAt!);
      }
    });
    return { send };
  }

  /**
   * The due actions, oldest first, at most `perGroup` of each group, so one group's
   * backlog (a flood held back by its rate limit) never hides the other groups' actions.
   */
  async #dueRows(now: number): Promise<OutboxRow[]> {
    const { db } = this.store;
    const ranked = db
      .selectFrom('outbox')
      .selectAll()
      .select((eb) =>
        eb.fn
          .agg<number>('row_number')
          .over((ob) => ob.partitionBy('group_id').orderBy('id'))
          .as('rank_in_group'),
      )
      .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', now)])]))
      .as('ranked');
    const rows = await db.selectFrom(ranked).selectAll().where('rank_in_group', '<=', this.#options.perGroup).orderBy('id').limit(this.#options.batchSize).execute();
    return rows.map(({ rank_in_group: _, ...row }) => row as OutboxRow);
  }

  async #send(
    row: OutboxRow,
    base: Pick<Dispatched, 'outboxId' | 'groupId' | 'rule' | 'action'>,
    group: GroupRow,
    adapter: PlatformAdapter,
    windows: LimitWindow[],
    slotId: string,
  ): Promise<Dispatched & { retryAt?: number }> {
    let receipt: SendReceipt;
    try {
      const outbound = await this.#outbound(row, base.action, group);
      try {
        receipt = await adapter.send(outbound);
      } finally {
        // Answered (or refused, or lost on the way): the slot counts from now. A limiter
        // that cannot be reached (Redis restarting) must not turn a send the platform
        // accepted into a refusal sent again: the slot then counts until its lease ends.
        await this.limiter.settle(windows, slotId, this.clock()).catch(() => {});
      }
    } catch (error) {
      return this.#refused(row, base, windows, error);
    }
    await this.#markSent(row.id, { status: 'done', at: this.clock(), result: receipt });
    return { ...base, status: 'done', receipt };
  }

  /**
   * Marks a send the platform accepted as done, trying again while the database is
   * unreachable (a restart, a failover): given up, the row would be sent a second time
   * when its lease ends. Tries until half the lease has passed, then reports the error.
   */
  async #markSent(id: number, outcome: { status: 'done'; at: number; result: SendReceipt }): Promise<void> {
    // Real time, not the dispatcher's clock: a test's frozen clock must not make this wait for ever.
    const deadline = performance.now() + this.#options.leaseMs / 2;
    for (let waitMs = 100; ; waitMs = Math.min(waitMs * 2, 2_000)) {
      try {
        return await this.#finish(id, outcome);
      } catch (error) {
        if (performance.now() + waitMs > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  async #refused(row: OutboxRow, base: Pick<Dispatched, 'outboxId' | 'groupId' | 'rule' | 'action'>, windows: LimitWindow[], error: unknown): Promise<Dispatched & { retryAt?: number }> {
    const attempts = row.attempts + 1;
    const retryable = !(error instanceof PlatformError) || error.retryable;
    const message = messageOf(error);
    const now = this.clock();
    const retryAfterMs = error instanceof PlatformError ? (error.retryAfterMs ?? 0) : 0;
    // The platform's own wait is about this group (Telegram's chat, Discord's route): every worker keeps it.
    if (retryAfterMs > 0)
      await this.limiter.block(
        windows.filter((w) => !isConnectionWide(w.key)).map((w) => w.key),
        now + retryAfterMs,
        now,
      );
    if (retryable && attempts < this.#options.maxAttempts) {
      const backoff = Math.min(this.#options.backoffBaseMs * 2 ** (attempts - 1), this.#options.backoffMaxMs);
      const retryAt = now + Math.max(backoff, retryAfterMs);
      await this.#finish(row.id, { status: 'pending', at: retryAt, error: message });
      return { ...base, status: 'retry', error: message, retryAt };
    }
    const reason: OutboxParkedReason = retryable ? 'retries_exhausted' : 'refused';
    await this.#park(row.id, reason, message, now);
    return { ...base, status: 'parked', parkedReason: reason, error: message };
  }

  /** Gives back a claimed action unsent, as it was, for a later pass. */
  async #release(row: OutboxRow): Promise<void> {
    await this.store.db.updateTable('outbox').set({ status: 'pending', lease_until: null, attempts: row.attempts }).where('id', '=', row.id).where('status', '=', 'sending').execute();
  }

  /** Takes the action for this worker; false when another worker already has it. */
  async #claim(row: OutboxRow, now: number): Promise<boolean> {
    const result = await this.store.db
      .updateTable('outbox')
      .set({ status: 'sending', lease_until: now + this.#options.leaseMs, attempts: row.attempts + 1 })
      .where('id', '=', row.id)
      .where('attempts', '=', row.attempts)
      .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', now)])]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Sets a claimed row aside for an operator, with why. */
  async #park(id: number, reason: OutboxParkedReason, error: string, at: number): Promise<void> {
    await this.store.db
      .updateTable('outbox')
      .set({ status: 'parked', parked_reason: reason, parked_at: at, lease_until: null, last_error: error.slice(0, 2000) })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .execute();
  }

  async #finish(id: number, outcome: { status: 'done' | 'pending'; at: number; result?: SendReceipt; error?: string }): Promise<void> {
    await this.store.db
      .updateTable('outbox')
      .set({
        status: outcome.status,
        lease_until: null,
        ...(outcome.status === 'pending' ? { next_attempt_at: outcome.at } : { done_at: outcome.at }),
        ...(outcome.result ? { result: JSON.stringify(outcome.result) } : {}),
        ...(outcome.error ? { last_error: outcome.error.slice(0, 2000) } : {}),
      })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .execute();
  }

  async #groups(ids: number[]): Promise<Map<number, GroupRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.store.db
      .selectFrom('chat_group')
      .select(['id', 'platform', 'connection_id', 'external_id', 'name'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  async #outbound(row: OutboxRow, action: Action, group: { id: number; external_id: string; name: string; platform: string }): Promise<OutboundAction> {
    const memberIds = new Set<number>();
    if ('memberId' in action) memberIds.add(action.memberId);
    if (action.type === 'send_message') action.mentions.forEach((m) => memberIds.add(m));
    const members = new Map<number, { externalId: string; name: string }>();
    if (memberIds.size > 0) {
      const rows = await this.store.db
        .selectFrom('identity')
        .select(['member_id', 'external_id', 'display_name'])
        .where('member_id', 'in', [...memberIds])
        .where('platform', '=', group.platform)
        .execute();
      for (const r of rows) members.set(r.member_id, { externalId: r.external_id, name: r.display_name });
    }
    return { idempotencyKey: row.idempotency_key, action, group: { id: group.id, externalId: group.external_id, name: group.name }, members };
  }
}

/** What one pass has learned so far. */
interface Pass {
  dispatched: (Dispatched & { retryAt?: number })[];
  unreadable: UnreadableRow[];
  blockedGroups: Set<number>;
  refusedGroups: Set<number>;
  /** Connections (or platforms) whose connection-wide window is full until then. */
  blockedOwners: Map<string, number>;
  nextWakeAt: number | null;
}

function wake(pass: Pass, at: number): void {
  pass.nextWakeAt = pass.nextWakeAt === null ? at : Math.min(pass.nextWakeAt, at);
}

/** The stored action, checked again: a row written by an older version, or by hand, may no longer be one. */
function readAction(row: OutboxRow, platform: string | undefined): { ok: true; action: Action } | { ok: false; reason: string } {
  let stored: unknown;
  try {
    stored = JSON.parse(row.action);
  } catch {
    return { ok: false, reason: 'the stored action is not JSON' };
  }
  const checked = checkAction(stored, platform ? { platform } : {});
  return checked.ok ? checked : { ok: false, reason: checked.detail ? `${checked.reason} (${checked.detail})` : checked.reason };
}

function ruleOf(row: OutboxRow): string | null {
  try {
    const rule = (JSON.parse(row.action) as { rule?: unknown }).rule;
    return typeof rule === 'string' ? rule : null;
  } catch {
    return null;
  }
}

/** The row's action for a report when it could not be decided (it may not even parse). */
function fallbackAction(row: OutboxRow): Action {
  const read = readAction(row, undefined);
  return read.ok ? read.action : { type: 'alert_operator', groupId: row.group_id, severity: 'warning', text: 'unreadable outbox row' };
}

/** The capability the platform lacks for this action (its core one: a reply or mention degrades, it does not stop a send), if any. */
function missingCapability(adapter: PlatformAdapter, action: Action): Capability | null {
  const needed = capabilityFor(action);
  if (needed === null) return null;
  return adapter.capabilities.has(needed) ? null : needed;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
