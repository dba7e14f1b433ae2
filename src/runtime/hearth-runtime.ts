import type { Logger } from 'pino';
import type { EventBatch, EventQueue } from '../queue/event-queue.js';
import { InProcessEventQueue } from '../queue/in-process-queue.js';
import { recordEnforcements } from '../audit/enforcement-audit.js';
import { AutomationRegistry } from '../automations/automation-registry.js';
import type { Platform } from '../core/event.js';
import { linkMembers } from '../members/member-links.js';
import type { AuditActor } from '../audit/audit-log.js';
import { eraseMember, type ErasureReport } from '../privacy/member-erasure.js';
import { Ingestor, type IngestOptions, type IngestResult } from '../ingest/ingestor.js';
import { Dispatcher, type DispatcherOptions, type DispatchReport } from '../outbox/dispatcher.js';
import type { PlatformAdapter } from '../platforms/platform-adapter.js';
import { SandboxAdapter } from '../platforms/sandbox/sandbox-adapter.js';
import { SandboxWorld } from '../platforms/sandbox/sandbox-world.js';
import { openStore, type DatabaseTarget, type Store } from '../store/database.js';

export interface RuntimeOptions {
  /** Epoch ms. The sandbox CLI passes the sandbox's own clock. */
  clock?: () => number;
  logger?: Logger;
  dispatcher?: DispatcherOptions;
  /** Called after a batch planned actions (a long-running process wakes its dispatch loop). */
  onActionsPlanned?: () => void;
  /** Where receivers put live events. Default: an in-process queue this runtime consumes itself. */
  queue?: EventQueue;
  /** Called with every batch's ingest results (`/metrics` counts events ingested). */
  onIngested?: (results: readonly IngestResult[]) => void;
}

/**
 * The composition root: one store, the ingest pipeline, the automations, the outbox
 * dispatcher and the platform adapters, wired together. CLI commands, the server and
 * the tests all run Hearth through this, so there is one pipeline and no side path.
 */
export class HearthRuntime {
  readonly automations: AutomationRegistry;
  readonly ingestor: Ingestor;
  readonly dispatcher: Dispatcher;
  readonly sandbox: SandboxAdapter;
  /** The adapter of each platform that needs no connection (the sandbox). */
  readonly adapters = new Map<Platform, PlatformAdapter>();
  /** The adapter of each live platform connection (a Telegram bot, a WeChat account…), by connection id. */
  readonly connections = new Map<number, PlatformAdapter>();
  readonly clock: () => number;
  readonly queue: EventQueue;
  readonly #log: Logger | undefined;
  readonly #onIngested: ((results: readonly IngestResult[]) => void) | undefined;

  constructor(
    readonly store: Store,
    options: RuntimeOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    const log = options.logger;
    this.#log = log;
    this.#onIngested = options.onIngested;
    this.automations = new AutomationRegistry((error) => log?.warn({ err: error, automation: error.kind, event: error.dedupKey }, 'automation failed'));
    this.ingestor = new Ingestor(store, this.automations, this.clock, options.onActionsPlanned);
    this.sandbox = new SandboxAdapter(new SandboxWorld(store.db), this.clock);
    this.adapters.set('sandbox', this.sandbox);
    this.dispatcher = new Dispatcher(
      store,
      ({ platform, connectionId }) => (connectionId !== null ? this.connections.get(connectionId) : this.adapters.get(platform as Platform)),
      this.clock,
      {
        ...options.dispatcher,
        // Every moderation action a rule took goes into the audit log.
        onDone: async (dispatched) => {
          await options.dispatcher?.onDone?.(dispatched);
          await recordEnforcements(store.db, dispatched, this.clock());
        },
      },
    );
    this.queue = options.queue ?? new InProcessEventQueue();
    // Embedded: nobody else will consume what receivers enqueue.
    if (!options.queue) void this.consumeEvents();
  }

  static async open(target: DatabaseTarget, options: RuntimeOptions = {}): Promise<HearthRuntime> {
    return new HearthRuntime(await openStore(target), options);
  }

  /** Validated Events (or raw inputs) into the pipeline. */
  async ingest(events: readonly unknown[], options: IngestOptions): Promise<IngestResult[]> {
    const results = await this.ingestor.ingest(events, options);
    this.#onIngested?.(results);
    return results;
  }

  /** What receivers call with live traffic: ingested here (embedded) or by a worker process (scale mode). */
  receive(batch: EventBatch): Promise<void> {
    return this.queue.enqueue(batch);
  }

  /** Makes this process a consumer of the event queue. */
  consumeEvents(): Promise<void> {
    return this.queue.consume(async (batch) => {
      const rejected = (await this.ingest(batch.events, batch)).filter((r) => r.status === 'rejected');
      if (rejected.length > 0) this.#log?.warn({ workspace: batch.workspaceId, rejected: rejected.length, reason: rejected[0]!.status === 'rejected' ? rejected[0]!.reason : '' }, 'events rejected');
    });
  }

  /** What sandbox members did, through the sandbox adapter and the whole pipeline, then dispatched. */
  async deliverSandbox(workspaceId: number, payloads: readonly unknown[], options: { automations?: boolean; dispatch?: boolean } = {}): Promise<{ results: IngestResult[]; report: DispatchReport | null }> {
    const events = await this.sandbox.receive(payloads);
    const results = await this.ingest(events, { workspaceId, automations: options.automations ?? true });
    const report = options.dispatch === false ? null : await this.dispatcher.runDue();
    return { results, report };
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

  async close(): Promise<void> {
    await this.queue.close();
    await this.store.close();
  }
}
