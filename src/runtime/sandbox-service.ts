import { randomUUID } from 'node:crypto';
import { isStorable, NOT_STORABLE } from '../core/stored-text.js';
import type { Dispatched } from '../outbox/dispatcher.js';
import type { SandboxPayload } from '../platforms/sandbox/sandbox-payload.js';
import type { SandboxEntry } from '../platforms/sandbox/sandbox-world.js';
import { ensureGroup, findGroup, type GroupProfile, type GroupRow } from '../store/groups.js';
import type { HearthRuntime } from './hearth-runtime.js';

/** What the bot did, as the sandbox CLI prints it and the sandbox chat shows it. */
export interface BotOutput {
  rule: string | null;
  /** done, retry (refused, will be retried), failed, or pending (due later: `at`). */
  status: Dispatched['status'] | 'pending';
  groupId: number;
  at: string;
  error?: string;
  [field: string]: unknown;
}

/** A clock the sandbox can be driven on: real time in the server, its own stored time in the CLI. */
export interface SandboxClock {
  now(): number;
  /** Sets the clock to `at` (an event "happening at" a time); may go back. */
  set(at: number): Promise<void>;
  /** Moves the clock forward to `at`; never back. */
  advanceTo(at: number): Promise<void>;
  /** Keeps the clock from running on its own while `work` runs (a clock that runs with real time). */
  hold?<T>(work: () => Promise<T>): Promise<T>;
}

/** Real time: the server's sandbox, where the simulated community lives in the present. */
export const realTimeClock: SandboxClock = {
  now: () => Date.now(),
  async set(at) {
    if (Math.abs(at - Date.now()) > 1000) throw new SandboxError('the live sandbox runs on real time; --at is for the CLI sandbox');
  },
  async advanceTo() {},
};

export class SandboxError extends Error {
  override readonly name = 'SandboxError';
}

/**
 * The operator's test-bed: add sandbox groups, act as members (say, join, leave),
 * let time pass (tick) and read the conversation. Every action goes through the
 * workspace's sandbox connection, the event queue and the whole pipeline, exactly as
 * live traffic does; the service waits for its event to be ingested and dispatched
 * to show what the bot did.
 */
export class SandboxService {
  constructor(
    private readonly runtime: HearthRuntime,
    private readonly workspaceId: number,
    private readonly clock: SandboxClock,
  ) {}

  async addGroup(name: string, profile: GroupProfile = {}): Promise<GroupRow> {
    const title = name.trim();
    if (!title) throw new SandboxError('a group needs a name');
    if (!isStorable(title)) throw new SandboxError(`a group name ${NOT_STORABLE}`);
    if (title.length > 200) throw new SandboxError('a group name is at most 200 characters');
    const now = this.clock.now();
    const room = await this.runtime.sandbox.world.addRoom(title, now);
    return ensureGroup(this.runtime.store.db, { workspaceId: this.workspaceId, platform: 'sandbox', externalId: room, name: title, profile }, now);
  }

  async groups(): Promise<GroupRow[]> {
    return this.runtime.store.db.selectFrom('chat_group').selectAll().where('workspace_id', '=', this.workspaceId).where('platform', '=', 'sandbox').orderBy('id').execute();
  }

  say(group: string | number, member: string, text: string, at?: number): Promise<BotOutput[]> {
    if (!text.trim()) throw new SandboxError('say needs some text');
    return this.#deliver(group, at, (room, time) => ({ type: 'message', updateId: randomUUID(), room, at: time, from: person(member), messageId: `m-${randomUUID()}`, text }));
  }

  join(group: string | number, member: string, options: { at?: number; code?: string } = {}): Promise<BotOutput[]> {
    return this.#deliver(group, options.at, (room, time) => ({
      type: 'join',
      updateId: randomUUID(),
      room,
      at: time,
      member: person(member),
      via: options.code ? 'code' : 'link',
      ...(options.code ? { code: options.code } : {}),
    }));
  }

  leave(group: string | number, member: string, at?: number): Promise<BotOutput[]> {
    return this.#deliver(group, at, (room, time) => ({ type: 'leave', updateId: randomUUID(), room, at: time, member: person(member) }));
  }

  /**
   * Runs the time-based work due up to `until` on the sandbox clock, in time order:
   * the scheduler's jobs (the silence watchdog…) and the outbox's due sends.
   */
  async tick(until: number): Promise<BotOutput[]> {
    // Each piece of work runs at the very moment it is due on the sandbox clock.
    return this.clock.hold ? this.clock.hold(() => this.#tick(until)) : this.#tick(until);
  }

  async #tick(until: number): Promise<BotOutput[]> {
    const out: BotOutput[] = [];
    for (let passes = 0; passes < 10_000; passes++) {
      const jobs = await this.runtime.scheduler.runDue();
      const report = await this.runtime.dispatcher.runDue();
      out.push(...report.dispatched.map((d) => present(d, this.clock.now())));
      const wakes = [report.nextWakeAt, jobs.nextDueAt].filter((t): t is number => t !== null);
      const next = wakes.length > 0 ? Math.min(...wakes) : null;
      if (next === null || next > until) break;
      if (report.dispatched.length === 0 && jobs.ran.length === 0 && next <= this.clock.now()) break;
      await this.clock.advanceTo(next);
    }
    await this.clock.advanceTo(until);
    await this.runtime.scheduler.runDue();
    out.push(...(await this.runtime.dispatcher.runDue()).dispatched.map((d) => present(d, this.clock.now())));
    return out;
  }

  async log(group: string | number, limit = 200): Promise<SandboxEntry[]> {
    const g = await this.#group(group);
    return this.runtime.sandbox.world.log(g.external_id, limit);
  }

  async #group(ref: string | number): Promise<GroupRow> {
    const g = await findGroup(this.runtime.store.db, this.workspaceId, ref);
    if (g.platform !== 'sandbox') throw new SandboxError(`group ${g.id} (${g.name}) is a ${g.platform} group, not a sandbox group`);
    return g;
  }

  async #deliver(groupRef: string | number, at: number | undefined, build: (room: string, at: number) => SandboxPayload): Promise<BotOutput[]> {
    const group = await this.#group(groupRef);
    if (at !== undefined) await this.clock.set(at);
    const time = at ?? this.clock.now();
    const { results, report } = await this.runtime.deliverSandbox(this.workspaceId, [{ ...build(group.external_id, time), roomTitle: group.name }]);
    const [result] = results;
    if (result?.status === 'rejected') throw new SandboxError(result.reason);
    if (result?.status !== 'stored' || result.actions === 0) return [];
    // Another worker (the server's dispatch loop) may have sent some of them: report every
    // action this event planned, as the outbox has it now.
    const mine = new Map((report?.dispatched ?? []).map((d) => [d.outboxId, d]));
    const rows = await this.runtime.store.db
      .selectFrom('outbox')
      .select(['id', 'group_id', 'action', 'status', 'next_attempt_at', 'last_error'])
      .where('idempotency_key', 'like', `evt:${result.eventId}:%`)
      .orderBy('id')
      .execute();
    return rows.map((row) => {
      const done = mine.get(row.id);
      if (done) return present(done, this.clock.now());
      const { rule = null, type, ...fields } = JSON.parse(row.action) as { rule?: string; type: string };
      const status = row.status === 'pending' && row.last_error ? 'retry' : row.status === 'sending' ? 'done' : row.status;
      return {
        type,
        ...fields,
        rule,
        status: status as BotOutput['status'] | 'pending',
        groupId: row.group_id,
        at: new Date(row.status === 'pending' ? row.next_attempt_at : this.clock.now()).toISOString(),
      };
    });
  }
}

function person(member: string) {
  const name = member.trim();
  if (!name) throw new SandboxError('a member needs a name');
  if (name.length > 100) throw new SandboxError('a member name is at most 100 characters');
  if (!isStorable(name)) throw new SandboxError(`a member name ${NOT_STORABLE}`);
  return { id: name, name };
}

function present(d: Dispatched, now: number): BotOutput {
  const { type, ...fields } = d.action;
  return { type, ...fields, rule: d.rule, status: d.status, groupId: d.groupId, at: new Date(now).toISOString(), ...(d.error ? { error: d.error } : {}) };
}
