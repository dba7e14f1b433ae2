import type { Logger } from 'pino';
import pino from 'pino';
import type { EventBatch, EventQueue } from '../queue/event-queue.js';
import { createEventQueue, type CreateEventQueueOptions } from '../queue/create-event-queue.js';
import { InProcessEventQueue } from '../queue/in-process-queue.js';
import { recordEnforcements } from '../audit/enforcement-audit.js';
import { AutomationRegistry } from '../automations/automation-registry.js';
import { UNRESTRICTED, type PlatformTraits } from '../core/capabilities.js';
import type { EventInput, Platform } from '../core/event.js';
import { linkMembers } from '../members/member-links.js';
import type { AuditActor } from '../audit/audit-log.js';
import { eraseMember, type ErasureReport } from '../privacy/member-erasure.js';
import { Ingestor, type IngestOptions, type IngestResult } from '../ingest/ingestor.js';
import { DispatchLoop } from '../outbox/dispatch-loop.js';
import { RedisLimiter } from '../limits/redis-limiter.js';
import { Dispatcher, type DispatcherOptions, type DispatchReport } from '../outbox/dispatcher.js';
import type { ConnectionHost } from '../platforms/connection-host.js';
import type { GroupMoveOutcome, PlatformSender } from '../platforms/platform-module.js';
import { platformModule } from '../platforms/platform-registry.js';
import type { SandboxAdapter } from '../platforms/sandbox/sandbox-adapter.js';
import { sandboxPlatform } from '../platforms/sandbox/sandbox-platform.js';
import { openStore, type DatabaseTarget, type Store } from '../store/database.js';
import { rekeyGroup } from '../store/groups.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { registerSilenceWatchdog } from '../activation/silence-watchdog.js';
import { SpamRule } from '../antispam/spam-rule.js';
import { EnforcementRule } from '../enforcement/enforcement-rule.js';
import { applyChainMessage } from '../conversion/chains/chain-signups.js';
import { WebhookFanout } from '../webhooks/webhook-fanout.js';
import { registerChainSweep } from '../conversion/chains/chain-sweep.js';
import { registerBroadcastJob } from '../activation/broadcasts/broadcast-job.js';
import { PointsRule } from '../activation/points/points-rule.js';
import { registerCommendationJob } from '../activation/points/commendation-job.js';
import { applyCampaignEvent } from '../growth/campaigns/campaign-rule.js';
import { registerCampaignSweep } from '../growth/campaigns/campaign-sweep.js';
import { DrawRule } from '../activation/draws/draw-rule.js';
import { registerDrawSweep } from '../activation/draws/draw-sweep.js';
import { VoteRule } from '../activation/votes/vote-rule.js';
import { registerVoteSweep } from '../activation/votes/vote-sweep.js';

export interface RuntimeOptions {
  /** Epoch ms. The sandbox CLI passes the sandbox's own clock. */
  clock?: () => number;
  logger?: Logger;
  dispatcher?: DispatcherOptions;
  /** Called after a batch planned actions (besides waking this runtime's own dispatch loop). */
  onActionsPlanned?: () => void;
  /** Where receivers put live events. Default: an in-process queue this runtime consumes itself. */
  queue?: EventQueue;
  /** Scale mode: the event queue on this Redis (BullMQ), when no `queue` is given. `HearthRuntime.open` only. */
  redisUrl?: string;
  /** How the queue `open` creates reports batches given up and Redis errors. */
  queueEvents?: Pick<CreateEventQueueOptions, 'onFailed' | 'onError'>;
  /**
   * What this process does with the queue and the outbox, by role. `consume`: ingest
   * batches from the queue (a worker; an in-process queue is always consumed, nobody
   * else could). `dispatch`: run the dispatch loop, woken whenever a batch plans
   * actions (a worker). Default: consume, no loop — what a CLI command or a test wants.
   */
  work?: { consume?: boolean; dispatch?: boolean };
  /** Called with every batch's ingest results (`/metrics` counts events ingested). */
  onIngested?: (results: readonly IngestResult[]) => void;
}

/** Outcomes of recently consumed events, kept for `receiveAndWait` callers in this process. */
const RECENT_RESULTS = 10_000;
/** How often `receiveAndWait` looks for a batch another process ingests. */
const POLL_MS = 50;

/**
 * The composition root: one store, the event queue, the ingest pipeline, the
 * automations, the outbox dispatcher (and, for a worker, its loop) and the platform
 * connections, wired together. The server, CLI commands and tests all build Hearth
 * through this, for every role, so there is one pipeline and no side path: every
 * event — live, sandbox or simulated — enters through `receive` and the queue.
 */
export class HearthRuntime implements ConnectionHost {
  readonly automations: AutomationRegistry;
  readonly ingestor: Ingestor;
  /** The spam rule; `invalidate()` after a training or a toggle so this process reads them at once. */
  readonly spamRule = new SpamRule();
  /** Check-in and points (src/activation/points): one check-in a day with its streak, messages, replies and invitations credited. */
  readonly pointsRule = new PointsRule();
  /** Enforcement with the escalation ladder; `invalidate()` after its settings change so this process reads them at once. */
  readonly enforcementRule: EnforcementRule;
  /** Lucky draws: grabs claim shares (src/activation/draws); `invalidate()` after a draw with its own grab words is created. */
  readonly drawRule = new DrawRule();
  /** Votes with the initiator's veto (src/activation/votes); `invalidate()` after a vote is started or closed outside ingest. */
  readonly voteRule = new VoteRule();
  readonly dispatcher: Dispatcher;
  /** The persisted scheduler (time-based work: the silence watchdog…), run on this runtime's clock. */
  readonly scheduler: Scheduler;
  /** The Redis limiter `open` connected for queue mode, closed with the runtime. */
  #ownsLimiter = false;
  /** The sandbox's sender: what the dispatcher sends sandbox groups' actions through. */
  readonly sandbox: SandboxAdapter;
  /** The sender of each platform that needs no connection (the sandbox), by platform. */
  readonly adapters = new Map<Platform, PlatformSender>();
  /** The live connection of each stored platform connection (a Telegram bot, a WeChat account…), by connection id. */
  readonly connections = new Map<number, PlatformSender>();
  readonly clock: () => number;
  readonly queue: EventQueue;
  readonly log: Logger;
  readonly #sandboxes = new Map<number, SandboxAdapter>();
  readonly #recent = new Map<string, { result: IngestResult; seq: number }>();
  #seq = 0;
  readonly #onIngested: ((results: readonly IngestResult[]) => void) | undefined;
  #loop: DispatchLoop | undefined;
  #consuming = false;

  constructor(
    readonly store: Store,
    options: RuntimeOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    const log = options.logger ?? pino({ level: 'silent' });
    this.log = log;
    this.#onIngested = options.onIngested;
    this.automations = new AutomationRegistry((error) => log.warn({ err: error, automation: error.kind, event: error.dedupKey }, 'automation failed'), undefined, traitsOf);
    const planned = options.onActionsPlanned;
    this.ingestor = new Ingestor(store, this.automations, this.clock, () => {
      this.#loop?.wake();
      planned?.();
    });
    this.ingestor.addStatefulRule(applyChainMessage);
    // Fission campaigns: friends joining through a member's code counted, the member told (src/growth/campaigns).
    this.ingestor.addStatefulRule(applyCampaignEvent);
    this.ingestor.addStatefulRule(this.drawRule.onEvent);
    // Votes: ballots by number or option text, an initiator's /vote and /veto (src/activation/votes).
    this.ingestor.addStatefulRule(this.voteRule.onEvent);
    // Anti-spam: a message judged spam is deleted, warned about and queued for review (src/antispam).
    this.ingestor.addStatefulRule(this.spamRule.onEvent);
    // Enforcement: violations take the ladder's step, ban everywhere included (src/enforcement).
    this.enforcementRule = new EnforcementRule((platform) => this.automations.traitsOf(platform));
    this.ingestor.addStatefulRule(this.enforcementRule.onEvent);
    // Check-in and points: a short check-in word answered with its streak; messages, replies and invitations credited (src/activation/points).
    this.ingestor.addStatefulRule(this.pointsRule.onEvent);
    // Outgoing webhooks: deliveries queued with the event they tell of (src/webhooks).
    const webhooks = new WebhookFanout(store.db, this.clock);
    this.ingestor.addStatefulRule(webhooks.onEvent);
    this.sandbox = sandboxPlatform.open(SANDBOX_SENDER, this.#sandboxContext(null));
    this.adapters.set('sandbox', this.sandbox);
    this.dispatcher = new Dispatcher(store, ({ platform, connectionId }) => (connectionId !== null ? this.connections.get(connectionId) : this.adapters.get(platform)), this.clock, {
      ...options.dispatcher,
      // Every moderation action a rule took goes into the audit log.
      onDone: async (dispatched) => {
        await options.dispatcher?.onDone?.(dispatched);
        await recordEnforcements(store.db, dispatched, this.clock());
        await webhooks.onSettled(dispatched);
      },
    });
    this.scheduler = new Scheduler(store.db, this.clock, (error, job) => log.error({ err: error, job: job.job_key }, 'scheduled job failed'));
    registerSilenceWatchdog(this.scheduler);
    registerChainSweep(this.scheduler);
    registerDrawSweep(this.scheduler, () => this.#loop?.wake());
    registerVoteSweep(this.scheduler, () => this.#loop?.wake());
    registerBroadcastJob(this.scheduler, () => this.#loop?.wake());
    registerCommendationJob(this.scheduler, () => this.#loop?.wake());
    registerCampaignSweep(this.scheduler, () => this.#loop?.wake());
    this.queue = options.queue ?? new InProcessEventQueue();
    // An in-process queue has no other consumer; a shared one only where this process works.
    if (this.queue.kind === 'in-process' || options.work?.consume) void this.consumeEvents();
    if (options.work?.dispatch) {
      this.#loop = new DispatchLoop(this.dispatcher, undefined, (error) => log.error({ err: error }, 'dispatch pass failed'));
      this.#loop.wake();
    }
  }

  /**
   * Opens the store and builds the runtime for this process's roles: the event queue
   * (BullMQ when `redisUrl` is set), consuming it where this process works, and the
   * dispatch loop where it dispatches.
   */
  static async open(target: DatabaseTarget, options: RuntimeOptions = {}): Promise<HearthRuntime> {
    const queue = options.queue ?? (options.redisUrl ? await createEventQueue({ redisUrl: options.redisUrl, ...options.queueEvents }) : undefined);
    // Queue mode: every worker meets the same sending windows, kept in Redis.
    const limiter = options.dispatcher?.limiter ?? (options.redisUrl ? await RedisLimiter.connect({ redisUrl: options.redisUrl }) : undefined);
    const runtime = new HearthRuntime(await openStore(target), { ...options, ...(queue ? { queue } : {}), ...(limiter ? { dispatcher: { ...options.dispatcher, limiter } } : {}) });
    runtime.#ownsLimiter = limiter !== undefined && limiter !== options.dispatcher?.limiter;
    return runtime;
  }

  /** Asks this process's dispatch loop (if it dispatches) for a pass now: actions were planned outside ingest (a broadcast). */
  wakeDispatcher(): void {
    this.#loop?.wake();
  }

  /** Validated Events (or raw inputs) straight into the pipeline: imports and benchmarks, which are not live traffic. */
  async ingest(events: readonly unknown[], options: IngestOptions): Promise<IngestResult[]> {
    const results = await this.ingestor.ingest(events, options);
    this.#onIngested?.(results);
    return results;
  }

  /**
   * What receivers call with live traffic, every platform alike: into the event queue,
   * ingested here (embedded) or by a worker process (scale mode). Resolves when the
   * queue has it (in process: once ingested).
   */
  receive(batch: EventBatch): Promise<void> {
    return this.queue.enqueue(batch);
  }

  /**
   * `receive`, then waits until the batch is ingested (here, or by a worker) and
   * returns each event's outcome, in order: for callers that show what happened
   * (the sandbox chat, the CLI). An event not ingested within `timeoutMs` is reported
   * rejected, saying so.
   */
  async receiveAndWait(batch: EventBatch, options: { timeoutMs?: number } = {}): Promise<IngestResult[]> {
    const mark = this.ingestMark();
    await this.receive(batch);
    return this.ingested(batch.workspaceId, batch.events, { after: mark, ...options });
  }

  /** A point in this process's ingest history, for `ingested({ after })`. */
  ingestMark(): number {
    return this.#seq;
  }

  /**
   * Waits until `events` (received after the mark) are ingested, here or by a worker,
   * and returns each one's outcome in order. Outcomes this process consumed are exact
   * (stored, duplicate, rejected with the reason); for a batch a worker elsewhere
   * ingests, the event log says stored. One still missing at `timeoutMs` is reported
   * rejected, saying why it may be.
   */
  async ingested(workspaceId: number, events: readonly unknown[], options: { after?: number; timeoutMs?: number } = {}): Promise<IngestResult[]> {
    const keys = events.map((e) => (e as { dedupKey?: unknown }).dedupKey).map((k) => (typeof k === 'string' ? k : ''));
    const after = options.after ?? -1;
    const timeoutMs = options.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    const results = new Map<string, IngestResult>();
    for (let polls = 0; ; polls++) {
      for (const key of keys) {
        const known = this.#recent.get(`${workspaceId}|${key}`);
        if (!results.has(key) && known && known.seq > after) results.set(key, known.result);
      }
      const missing = keys.filter((k) => !results.has(k));
      // Another process's consumer (scale mode; several workers): the event log is the
      // witness. This process's own consumer, if any, gets a moment to give the exact outcome.
      if (missing.length > 0 && (!this.#consuming || polls >= 4)) for (const [key, result] of await this.#storedResults(workspaceId, missing)) results.set(key, result);
      if (keys.every((k) => results.has(k)) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return keys.map(
      (key) =>
        results.get(key) ?? { status: 'rejected', dedupKey: key, reason: `not ingested within ${Math.round(timeoutMs / 1000)} s: no worker is consuming the event queue, or it gave the batch up` },
    );
  }

  /** Makes this process a consumer of the event queue. */
  consumeEvents(): Promise<void> {
    if (this.#consuming) return Promise.resolve();
    this.#consuming = true;
    return this.queue.consume(async (batch) => {
      const results = await this.ingest(batch.events, batch);
      for (const r of results) if (r.dedupKey !== undefined) this.#remember(`${batch.workspaceId}|${r.dedupKey}`, r);
      const rejected = results.filter((r) => r.status === 'rejected');
      if (rejected.length > 0) this.log.warn({ workspace: batch.workspaceId, rejected: rejected.length, reason: rejected[0]!.status === 'rejected' ? rejected[0]!.reason : '' }, 'events rejected');
    });
  }

  /** The sandbox connection of a workspace: what its members do is delivered through it, into the queue. */
  sandboxFor(workspaceId: number): SandboxAdapter {
    let sandbox = this.#sandboxes.get(workspaceId);
    if (!sandbox) this.#sandboxes.set(workspaceId, (sandbox = sandboxPlatform.open({ ...SANDBOX_SENDER, workspaceId }, this.#sandboxContext(workspaceId))));
    return sandbox;
  }

  /**
   * What sandbox members did, through the workspace's sandbox connection and the event
   * queue like any platform's traffic; waits for ingest, then (unless `dispatch` is
   * false) runs a dispatcher pass and reports what it sent.
   */
  async deliverSandbox(
    workspaceId: number,
    payloads: readonly unknown[],
    options: { automations?: boolean; dispatch?: boolean } = {},
  ): Promise<{ results: IngestResult[]; report: DispatchReport | null }> {
    const mark = this.ingestMark();
    const events = await this.sandboxFor(workspaceId).deliver(payloads, options.automations === false ? { automations: false } : {});
    const results = await this.ingested(workspaceId, events, { after: mark });
    const report = options.dispatch === false ? null : await this.dispatcher.runDue();
    return { results, report };
  }

  /** A platform gave a group a new id: the store moves it, and ingest's cache forgets both ids. */
  async moveGroup(workspaceId: number, platform: string, move: { from: string; to: string }): Promise<GroupMoveOutcome> {
    const outcome = await rekeyGroup(this.store.db, { workspaceId, platform, ...move });
    if (outcome.status !== 'moved') return outcome;
    this.ingestor.directory.forgetGroup(outcome.groupId);
    if (outcome.dropped !== undefined) this.ingestor.directory.forgetGroup(outcome.dropped);
    return { status: 'moved', groupId: outcome.groupId };
  }

  /** Makes two members one person (an operator's decision), keeping ingest's cache in step. */
  async linkMembers(workspaceId: number, keepId: number, mergeId: number): Promise<void> {
    await linkMembers(this.store.db, workspaceId, keepId, mergeId);
    this.ingestor.directory.forgetMembers();
  }

  /** Erases a member's personal data (see privacy/member-erasure.ts), and drops the names ingest's cache holds. */
  async eraseMember(workspaceId: number, memberId: number, options: { actor: AuditActor }): Promise<ErasureReport> {
    const report = await eraseMember(this.store.db, workspaceId, memberId, { actor: options.actor, now: this.clock() });
    this.ingestor.directory.forgetMembers();
    return report;
  }

  /** Stops consuming (after the batches in hand), the dispatch loop, and closes the store. */
  async close(): Promise<void> {
    await this.queue.close();
    await this.#loop?.stop();
    if (this.#ownsLimiter) await this.dispatcher.limiter.close();
    await this.store.close();
  }

  #sandboxContext(workspaceId: number | null) {
    return {
      clock: this.clock,
      log: this.log,
      db: this.store.db,
      receive: { poll: true, webhook: true },
      sink: async (events: EventInput[], options?: { automations?: boolean }) => {
        if (workspaceId === null) throw new Error('the sandbox sender does not receive');
        await this.receive({ workspaceId, connectionId: null, events, ...(options?.automations === false ? { automations: false } : {}) });
      },
      moveGroup: async () => ({ status: 'nothing-to-move' }) as const,
    };
  }

  async #storedResults(workspaceId: number, keys: readonly string[]): Promise<Map<string, IngestResult>> {
    const found = new Map<string, IngestResult>();
    const rows = await this.store.db
      .selectFrom('event')
      .select(['id', 'dedup_key'])
      .where('workspace_id', '=', workspaceId)
      .where('dedup_key', 'in', [...keys])
      .execute();
    for (const row of rows) {
      const planned = await this.store.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('idempotency_key', 'like', `evt:${row.id}:%`)
        .executeTakeFirst();
      found.set(row.dedup_key, { status: 'stored', dedupKey: row.dedup_key, eventId: row.id, actions: Number(planned?.n ?? 0) });
    }
    return found;
  }

  #remember(key: string, result: IngestResult): void {
    this.#recent.delete(key);
    this.#recent.set(key, { result, seq: ++this.#seq });
    if (this.#recent.size > RECENT_RESULTS) this.#recent.delete(this.#recent.keys().next().value!);
  }
}

/** The sandbox needs no stored connection; this stands for it. */
const SANDBOX_SENDER = { id: 0, workspaceId: 0, platform: 'sandbox', name: 'sandbox', status: 'active', settings: {}, createdAt: 0 } as const;

/** What the automations know of each platform: its module's capabilities and text limit. */
function traitsOf(platform: string): PlatformTraits {
  const module = platformModule(platform);
  if (!module) return UNRESTRICTED;
  return { capabilities: module.capabilities, ...(module.maxTextLength !== undefined ? { maxTextLength: module.maxTextLength } : {}) };
}
