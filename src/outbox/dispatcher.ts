import type { Selectable } from 'kysely';
import { actionSchema, isInternalAction, type Action } from '../core/action.js';
import { PlatformError, type OutboundAction, type PlatformAdapter, type SendReceipt } from '../platforms/platform-adapter.js';
import type { Store } from '../store/database.js';
import type { OutboxTable } from '../store/schema.js';
import { RateLimiter } from './rate-limiter.js';

type OutboxRow = Selectable<OutboxTable>;
type GroupRow = { id: number; platform: string; connection_id: number | null; external_id: string; name: string };

/** Finds the adapter that sends for a group; undefined when none is connected (or it is paused). */
export type AdapterLookup = (group: { platform: string; connectionId: number | null }) => PlatformAdapter | undefined;

export interface DispatcherOptions {
  /** How long a claimed action may stay in flight before another worker may take it over. */
  leaseMs?: number;
  /** After this many failed attempts an action is marked failed (kept, visible, resendable). */
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
  /** Called after a pass with what it finished (the runtime records enforcement in the audit log). */
  onDone?: (dispatched: readonly Dispatched[]) => Promise<void>;
}

/** One action the dispatcher finished in a pass. */
export interface Dispatched {
  outboxId: number;
  groupId: number;
  rule: string | null;
  action: Action;
  status: 'done' | 'retry' | 'failed';
  receipt?: SendReceipt;
  error?: string;
}

export interface DispatchReport {
  dispatched: Dispatched[];
  /** When the next pass could do something (epoch ms), or null when nothing is waiting. */
  nextWakeAt: number | null;
}

/**
 * Sends what the outbox holds, through each platform's adapter, within its rate
 * limits. An action is claimed with a lease (so several workers never send the same
 * one), sent, and marked done exactly once; a refusal is retried with backoff (or
 * after the platform's own retry_after). Actions of one group go out in order.
 */
export class Dispatcher {
  readonly #limiters = new WeakMap<PlatformAdapter, RateLimiter>();
  readonly #options: Required<Omit<DispatcherOptions, 'onDone'>> & Pick<DispatcherOptions, 'onDone'>;

  constructor(
    private readonly store: Store,
    private readonly adapterFor: AdapterLookup,
    private readonly clock: () => number,
    options: DispatcherOptions = {},
  ) {
    this.#options = { leaseMs: 60_000, maxAttempts: 8, backoffBaseMs: 2_000, backoffMaxMs: 15 * 60_000, batchSize: 500, perGroup: 25, maxInFlight: 32, ...options };
  }

  /**
   * Sends every action that is due now and allowed by the limits. Groups are sent to
   * concurrently (up to `maxInFlight` sends at once), each group's actions one after
   * another, in order; a refusal holds back the rest of that group's actions.
   */
  async runDue(): Promise<DispatchReport> {
    const now = this.clock();
    const rows = await this.#dueRows(now);
    const dispatched: (Dispatched & { retryAt?: number })[] = [];
    const blockedGroups = new Set<number>();
    const refusedGroups = new Set<number>();
    let nextWakeAt: number | null = null;
    const wakeAt = (t: number) => (nextWakeAt = nextWakeAt === null ? t : Math.min(nextWakeAt, t));
    const groups = await this.#groups(rows.map((r) => r.group_id));
    const chains = new Map<number, Promise<void>>();
    const inFlight = new Set<Promise<void>>();

    for (const row of rows) {
      if (blockedGroups.has(row.group_id)) continue;
      const at = this.clock();
      if (row.next_attempt_at > at) {
        blockedGroups.add(row.group_id);
        wakeAt(row.next_attempt_at);
        continue;
      }
      const group = groups.get(row.group_id);
      const stored = JSON.parse(row.action) as Action & { rule?: string };
      const action = actionSchema.parse(stored);
      const rule = stored.rule ?? null;

      if (isInternalAction(action)) {
        if (await this.#claim(row, at)) {
          await this.#finish(row.id, { status: 'done', at });
          dispatched.push({ outboxId: row.id, groupId: row.group_id, rule, action, status: 'done' });
        }
        continue;
      }
      const adapter = group ? this.adapterFor({ platform: group.platform, connectionId: group.connection_id }) : undefined;
      if (!group || !adapter) {
        // Kept, not dropped: the connection may come back (unpaused, re-added).
        await this.store.db
          .updateTable('outbox')
          .set({ next_attempt_at: at + this.#options.backoffMaxMs, last_error: `no active ${row.platform} connection for group ${row.group_id}` })
          .where('id', '=', row.id)
          .execute();
        blockedGroups.add(row.group_id);
        wakeAt(at + this.#options.backoffMaxMs);
        continue;
      }
      const limiter = this.#limiter(adapter);
      const allowedAt = limiter.availableAt(group.external_id, at);
      if (allowedAt > at) {
        blockedGroups.add(row.group_id);
        wakeAt(allowedAt);
        continue;
      }
      if (!(await this.#claim(row, at))) continue;
      limiter.record(group.external_id, at);
      const send = (chains.get(row.group_id) ?? Promise.resolve()).then(async () => {
        if (refusedGroups.has(row.group_id)) return this.#release(row); // keep the group's order: wait for the refused one
        const outcome = await this.#send(row, action, rule, group, adapter);
        dispatched.push(outcome);
        if (outcome.status === 'retry') {
          refusedGroups.add(row.group_id);
          blockedGroups.add(row.group_id);
          wakeAt(outcome.retryAt!);
        }
      });
      chains.set(row.group_id, send);
      inFlight.add(send);
      void send.finally(() => inFlight.delete(send));
      if (inFlight.size >= this.#options.maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(chains.values());
    // More rows may wait beyond this batch; only worth an immediate pass if this one made room.
    if (rows.length === this.#options.batchSize && dispatched.length > 0) wakeAt(this.clock());
    if (dispatched.length > 0) await this.#options.onDone?.(dispatched);
    return { dispatched: dispatched.map(({ retryAt: _, ...d }) => d), nextWakeAt };
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
      .select((eb) => eb.fn.agg<number>('row_number').over((ob) => ob.partitionBy('group_id').orderBy('id')).as('rank_in_group'))
      .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', now)])]))
      .as('ranked');
    const rows = await db
      .selectFrom(ranked)
      .selectAll()
      .where('rank_in_group', '<=', this.#options.perGroup)
      .orderBy('id')
      .limit(this.#options.batchSize)
      .execute();
    return rows.map(({ rank_in_group: _, ...row }) => row as OutboxRow);
  }

  async #send(row: OutboxRow, action: Action, rule: string | null, group: GroupRow, adapter: PlatformAdapter): Promise<Dispatched & { retryAt?: number }> {
    const base = { outboxId: row.id, groupId: row.group_id, rule, action };
    try {
      const receipt = await adapter.send(await this.#outbound(row, action, group));
      await this.#finish(row.id, { status: 'done', at: this.clock(), result: receipt });
      return { ...base, status: 'done', receipt };
    } catch (error) {
      const attempts = row.attempts + 1;
      const retryable = !(error instanceof PlatformError) || error.retryable;
      const message = error instanceof Error ? error.message : String(error);
      if (retryable && attempts < this.#options.maxAttempts) {
        const backoff = Math.min(this.#options.backoffBaseMs * 2 ** (attempts - 1), this.#options.backoffMaxMs);
        const retryAt = this.clock() + Math.max(backoff, error instanceof PlatformError ? (error.retryAfterMs ?? 0) : 0);
        await this.#finish(row.id, { status: 'pending', at: retryAt, error: message });
        return { ...base, status: 'retry', error: message, retryAt };
      }
      await this.#finish(row.id, { status: 'failed', at: this.clock(), error: message });
      return { ...base, status: 'failed', error: message };
    }
  }

  /** Gives back a claimed action unsent, as it was, for a later pass. */
  async #release(row: OutboxRow): Promise<void> {
    await this.store.db
      .updateTable('outbox')
      .set({ status: 'pending', lease_until: null, attempts: row.attempts })
      .where('id', '=', row.id)
      .where('status', '=', 'sending')
      .execute();
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

  async #finish(id: number, outcome: { status: 'done' | 'pending' | 'failed'; at: number; result?: SendReceipt; error?: string }): Promise<void> {
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

  #limiter(adapter: PlatformAdapter): RateLimiter {
    let limiter = this.#limiters.get(adapter);
    if (!limiter) this.#limiters.set(adapter, (limiter = new RateLimiter(adapter.rateLimits)));
    return limiter;
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
