import type { Logger } from 'pino';
import { openContextFor, type ConnectionHost } from '../platforms/connection-host.js';
import type { Connection, PlatformConnection } from '../platforms/platform-module.js';
import { platformModule } from '../platforms/platform-registry.js';
import type { ConnectionStore, HealthRecord } from './connection-store.js';

export interface ConnectionSupervisorOptions {
  /** Which receiving this process does (see OpenContext.receive): `bots` polls, `web` takes webhooks. */
  receive: { poll: boolean; webhook: boolean };
  logger: Logger;
  dataDir?: string;
  /** Where to show what an operator must act on (a WeChat login QR code): the console, never the log. */
  print?: (line: string) => void;
  /** Wait before the first retry of a connection that cannot start; doubles each time up to `maxMs`. Default 2 s … 5 min. */
  retry?: { baseMs?: number; maxMs?: number };
  /** How long one start may take before it counts as failed (a platform that never answers). Default 30 s. */
  startTimeoutMs?: number;
}

/** A stop that takes longer (a start still waiting on a platform that never answers) is not waited for. */
const STOP_WAIT_MS = 5_000;

/** A connection's last event is written at most this often (a busy bot receives many batches a second). */
const NOTE_EVENT_EVERY_MS = 10_000;

interface Supervised {
  connection: Connection;
  live: PlatformConnection;
  state: HealthRecord['state'];
  lastError: string | null;
  retryAt: number | null;
  failures: number;
  timer: NodeJS.Timeout | undefined;
  /** Settles when the attempt under way is over (for `settled` and shutdown). */
  attempt: Promise<void>;
  closed: boolean;
}

/**
 * Keeps every active connection of this process alive, whatever its platform: opens
 * it through its module from the registry, registers it for the dispatcher at once,
 * and starts it in the background. A connection whose platform cannot be reached (DNS,
 * a dead API root, a timeout, a missing WeChat puppet) never holds start-up, the other
 * connections, or the request that added it: it is `failing` with the reason and is
 * tried again with exponential backoff. Health is written to the store, so the API,
 * the CLI and the dashboard of every process see it.
 *
 * @example
 * const supervisor = new ConnectionSupervisor(runtime, store, { receive: { poll: true, webhook: true }, logger });
 * await supervisor.openAll();   // returns before any platform answered
 * await supervisor.reload(id);  // after an operator changed connection `id`
 * await supervisor.close();
 */
export class ConnectionSupervisor {
  readonly #supervised = new Map<number, Supervised>();
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #startTimeoutMs: number;
  /** When each connection's last event was written (epoch ms). */
  readonly #eventNoted = new Map<number, number>();

  constructor(
    private readonly host: ConnectionHost,
    private readonly store: ConnectionStore,
    private readonly options: ConnectionSupervisorOptions,
  ) {
    this.#baseMs = options.retry?.baseMs ?? 2_000;
    this.#maxMs = options.retry?.maxMs ?? 5 * 60_000;
    this.#startTimeoutMs = options.startTimeoutMs ?? 30_000;
  }

  /** Opens every active connection. Resolves once each is registered, not once each runs. */
  async openAll(): Promise<void> {
    for (const summary of await this.store.list()) if (summary.status === 'active') await this.#open(summary.id);
  }

  /** After a connection was added, paused, resumed or removed: stop it, and open it again if it is active. Never waits for the platform. */
  async reload(id: number): Promise<void> {
    await this.#close(id);
    const summary = (await this.store.list()).find((c) => c.id === id);
    if (summary?.status === 'active') await this.#open(id);
  }

  /** This process's view of a connection, or undefined when it does not run it. */
  health(id: number): HealthRecord | undefined {
    const s = this.#supervised.get(id);
    return s ? { state: s.state, lastError: s.lastError, retryAt: s.retryAt } : undefined;
  }

  /** Resolves when the attempt under way for `id` is over (started, or failed and scheduled again). */
  async settled(id: number): Promise<void> {
    await this.#supervised.get(id)?.attempt;
  }

  /** Stops every connection this process runs (polling, gateways, puppets) and every retry. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#supervised.keys()].map((id) => this.#close(id)));
  }

  async #open(id: number): Promise<void> {
    const connection = await this.store.get(id);
    const log = this.options.logger.child({ connection: id, platform: connection.platform });
    const module = platformModule(connection.platform);
    if (!module) {
      log.error('no platform module for this connection: it stays closed');
      await this.store.setHealth(id, { state: 'failing', lastError: `no ${connection.platform} platform in this Hearth` }, this.host.clock());
      return;
    }
    // Such a platform can send only from the process that runs its session (a WeChat puppet).
    if (module.sendsOnlyWhereReceiving && !this.options.receive.poll) return;
    const s: Supervised = {
      connection,
      live: this.#build(connection, log),
      state: 'connecting',
      lastError: null,
      retryAt: null,
      failures: 0,
      timer: undefined,
      attempt: Promise.resolve(),
      closed: false,
    };
    this.#supervised.set(id, s);
    this.host.connections.set(id, s.live);
    s.attempt = this.#attempt(s, log);
  }

  #build(connection: Connection, log: Logger): PlatformConnection {
    const module = platformModule(connection.platform)!;
    const host = this.host;
    // The same host, noting when the connection last received something (for the dashboard).
    const noting: ConnectionHost = {
      connections: host.connections,
      clock: host.clock,
      log: host.log,
      moveGroup: (workspaceId, platform, move) => host.moveGroup(workspaceId, platform, move),
      receive: async (batch) => {
        await host.receive(batch);
        await this.#noteEvent(connection.id);
      },
    };
    return module.open(
      connection,
      openContextFor(noting, connection, {
        receive: this.options.receive,
        log,
        ...(this.options.dataDir ? { dataDir: this.options.dataDir } : {}),
        ...(this.options.print ? { print: this.options.print } : {}),
        loginPrompt: (prompt) => {
          this.store.setLoginPrompt(connection.id, prompt).catch((error: unknown) => log.warn({ err: error }, 'could not record the login prompt'));
        },
      }),
    );
  }

  async #noteEvent(id: number): Promise<void> {
    const now = this.host.clock();
    if (now - (this.#eventNoted.get(id) ?? Number.NEGATIVE_INFINITY) < NOTE_EVENT_EVERY_MS) return;
    this.#eventNoted.set(id, now);
    // Shown on the dashboard only: a database hiccup here must not fail the delivery.
    await this.store.noteEvent(id, now).catch((error: unknown) => this.options.logger.warn({ connection: id, err: error }, 'could not record the last event'));
  }

  async #attempt(s: Supervised, log: Logger): Promise<void> {
    await this.#record(s, 'connecting');
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        s.live.start(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the platform did not answer within ${Math.round(this.#startTimeoutMs / 1000)} s`)), this.#startTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (s.closed) return;
      s.failures = 0;
      s.lastError = null;
      s.retryAt = null;
      await this.#record(s, 'running');
      log.info('connection running');
    } catch (error) {
      clearTimeout(timer);
      if (s.closed) return;
      s.failures++;
      s.lastError = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      const waitMs = Math.min(this.#maxMs, this.#baseMs * 2 ** (s.failures - 1));
      s.retryAt = this.host.clock() + waitMs;
      await this.#record(s, 'failing');
      log.warn({ reason: s.lastError, retryInMs: waitMs, failures: s.failures }, 'connection cannot start; trying again later');
      // The failed start may still hold a socket or a puppet: let it go, and retry with a fresh one.
      const failed = s.live;
      void failed.stop().catch(() => {});
      s.timer = setTimeout(() => {
        if (s.closed) return;
        s.live = this.#build(s.connection, log);
        this.host.connections.set(s.connection.id, s.live);
        s.attempt = this.#attempt(s, log);
      }, waitMs);
      s.timer.unref();
    }
  }

  async #record(s: Supervised, state: HealthRecord['state']): Promise<void> {
    s.state = state;
    // Only a process that receives for a connection knows whether it works (a polling bot opened by a web process does not).
    if (!s.live.receives) return;
    try {
      await this.store.setHealth(s.connection.id, { state, lastError: s.lastError, retryAt: s.retryAt }, this.host.clock());
    } catch (error) {
      // Health is for showing; a database hiccup must not stop the connection.
      this.options.logger.warn({ connection: s.connection.id, err: error }, 'could not record connection health');
    }
  }

  async #close(id: number): Promise<void> {
    const s = this.#supervised.get(id);
    if (!s) return;
    s.closed = true;
    clearTimeout(s.timer);
    this.#supervised.delete(id);
    if (this.host.connections.get(id) === s.live) this.host.connections.delete(id);
    await Promise.race([s.live.stop(), new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]).catch((error: unknown) =>
      this.options.logger.warn({ connection: id, err: error }, 'connection did not stop cleanly'),
    );
    if (s.live.receives) {
      await this.store.setHealth(id, { state: 'stopped' }, this.host.clock()).catch(() => {});
      await this.store.setLoginPrompt(id, null).catch(() => {});
    }
  }
}
