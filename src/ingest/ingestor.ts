import type { Transaction } from 'kysely';
import { AutomationContext, type PlannedAction, type RuleProblem } from '../core/automation-context.js';
import { dayIn } from '../core/calendar.js';
import { InvalidEventError, parseEvent, subjectOf, type Event, type PersonRef } from '../core/event.js';
import type { AutomationRegistry } from '../automations/automation-registry.js';
import { recordRuleProblems } from '../automations/automation-problems.js';
import type { Store } from '../store/database.js';
import type { Database } from '../store/schema.js';
import { DirectoryCache, type DirectoryTransaction, type KnownGroup, type KnownMember } from './directory-cache.js';
import { PairMap } from './pair-map.js';
import { RollupAccumulator } from './rollup-accumulator.js';
import { ingestWriterFor, type EventRow, type GroupMember, type IngestWriter, type NewMembership, type IngestWriterFactory, type OutboxRow } from './ingest-writer.js';
import { pseudonymizeEvent, pseudonymOf } from '../privacy/pseudonyms.js';

type Trx = Transaction<Database>;

/** What happened to one item of a batch. */
export type IngestResult =
  | { status: 'stored'; dedupKey: string; eventId: number; actions: number }
  | { status: 'duplicate'; dedupKey: string }
  | { status: 'rejected'; dedupKey?: string; reason: string };

export interface IngestOptions {
  workspaceId: number;
  connectionId?: number | null;
  /** Run automations (live traffic). History imports turn this off. Default true. */
  automations?: boolean;
}

/** Passed to whoever dispatches, after a batch that planned actions has committed. */
export type ActionsPlanned = (count: number) => void;

/**
 * A rule that needs stored state (a chain sign-up's count): run on each new event after
 * the configured rules, inside the batch's transaction, so what it stores and the
 * outbox rows it writes commit with the event or not at all. Returns the rows it wrote.
 */
export type StatefulRule = (trx: Trx, ctx: AutomationContext, eventId: number) => Promise<number>;

interface Membership {
  /** The stored open stay, when there is one. */
  id: number | null;
  open: boolean;
  /**
   * Stays in this group, this one included: a stay opened because the member spoke
   * before their join was seen counts as one, and the join, when it arrives, is that
   * stay's and not a second (events of one member can reach ingest out of order:
   * a batch redelivered after a worker died, two workers in parallel).
   */
  joins: number;
  /** The open stay was opened by a message, and no join has claimed it yet. */
  implicit?: boolean;
  /** When the open implicit stay began (the member's first words). */
  implicitSince?: number;
  /** A stay this batch opened, written at its end. */
  pending?: NewMembership | null;
  /**
   * The latest stay when it is closed and was opened by a message with no join seen:
   * a join dated no later than its start that arrives now is that stay's (the member
   * spoke and left before their join reached ingest), not a new stay.
   */
  closedImplicit?: { id: number | null; pending: NewMembership | null; joinedAt: number } | null;
}

interface StagedEvent {
  index: number;
  event: Event;
  at: number;
  group: KnownGroup;
  member: KnownMember | null;
}

/**
 * The one way events enter Hearth. A batch is validated item by item, then stored in
 * one transaction: the event log (deduplicated on the platform's key), members and
 * memberships, the rollups, and the actions the automations plan, written to the
 * outbox. An event delivered again is reported as a duplicate and changes nothing.
 */
export class Ingestor {
  readonly #directory = new DirectoryCache();
  readonly #writerFor: IngestWriterFactory;
  readonly #days = new DayCache();
  readonly #statefulRules: StatefulRule[] = [];

  constructor(
    private readonly store: Store,
    private readonly automations: AutomationRegistry,
    private readonly clock: () => number,
    private readonly onActionsPlanned: ActionsPlanned = () => {},
  ) {
    this.#writerFor = ingestWriterFor(store);
  }

  /** Adds a rule that runs after the configured ones, in the batch's transaction (see {@link StatefulRule}). */
  addStatefulRule(rule: StatefulRule): void {
    this.#statefulRules.push(rule);
  }

  get directory(): DirectoryCache {
    return this.#directory;
  }

  async ingest(inputs: readonly unknown[], options: IngestOptions): Promise<IngestResult[]> {
    const results: IngestResult[] = new Array(inputs.length);
    const valid: { index: number; event: Event }[] = [];
    const seen = new Set<string>();
    inputs.forEach((input, index) => {
      try {
        const event = parseEvent(input);
        if (seen.has(event.dedupKey)) results[index] = { status: 'duplicate', dedupKey: event.dedupKey };
        else {
          seen.add(event.dedupKey);
          valid.push({ index, event });
        }
      } catch (error) {
        if (!(error instanceof InvalidEventError)) throw error;
        results[index] = { status: 'rejected', reason: error.message, ...(error.dedupKey ? { dedupKey: error.dedupKey } : {}) };
      }
    });
    if (valid.length === 0) return results;

    let planned = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const directory = this.#directory.begin();
        planned = await this.store.db.transaction().execute((trx) => this.#store(trx, this.#writerFor(trx), directory, valid, options, results));
        directory.commit();
        break;
      } catch (error) {
        // Two workers creating the same member or group, or opening the same member's stay in a
        // group (one open stay per member and group, see migration 0030), at once: the loser
        // retries and finds it. PostgreSQL may also pick one of two workers as a deadlock victim.
        if (attempt < 5 && (isUniqueViolation(error) || isDeadlock(error))) continue;
        throw error;
      }
    }
    if (planned > 0) this.onActionsPlanned(planned);
    return results;
  }

  async #store(trx: Trx, writer: IngestWriter, directory: DirectoryTransaction, valid: { index: number; event: Event }[], options: IngestOptions, results: IngestResult[]): Promise<number> {
    const { workspaceId } = options;
    const now = this.clock();
    const staged: StagedEvent[] = [];

    const people = new Map<string, Map<string, KnownMember>>();
    for (const [platform, items] of groupBy(valid, (v) => v.event.platform)) {
      const groupRefs = new Map(items.map((v) => [v.event.group.id, v.event.group]));
      const groups = await directory.groups(writer, workspaceId, platform, [...groupRefs.values()], options.connectionId ?? null, now);
      const firstSeen = new Map<string, number>();
      const persons: PersonRef[] = [];
      // Each event's time, parsed once (Date.parse is per event, and used twice).
      const times = new Array<number>(items.length);
      const see = (person: PersonRef | undefined, at: number) => {
        if (person !== undefined && !firstSeen.has(person.id)) {
          firstSeen.set(person.id, at);
          persons.push(person);
        }
      };
      for (let k = 0; k < items.length; k++) {
        const event = items[k]!.event;
        const at = Date.parse(event.occurredAt);
        times[k] = at;
        see(subjectOf(event), at);
        if (event.kind === 'member.joined') see(event.inviter, at);
        else if (event.kind === 'member.left') see(event.removedBy, at);
      }
      const members = await directory.members(writer, workspaceId, platform, persons, (id) => firstSeen.get(id) ?? now);
      people.set(platform, members);
      for (let k = 0; k < items.length; k++) {
        const { index, event } = items[k]!;
        const subject = subjectOf(event);
        staged.push({ index, event, at: times[k]!, group: groups.get(event.group.id)!, member: subject ? (members.get(subject.id) ?? null) : null });
      }
    }
    staged.sort((a, b) => a.index - b.index);
    const erased = await this.#pseudonymizeErased(writer, staged, people);

    const rows: EventRow[] = new Array(staged.length);
    for (let i = 0; i < staged.length; i++) {
      const s = staged[i]!;
      rows[i] = {
        workspace_id: workspaceId,
        group_id: s.group.id,
        member_id: s.member?.id ?? null,
        kind: s.event.kind,
        dedup_key: s.event.dedupKey,
        occurred_at: s.at,
        payload: JSON.stringify(s.event),
      };
    }
    const inserted = await writer.insertEvents(rows);

    const fresh = staged.filter((s) => {
      const id = inserted.get(s.event.dedupKey);
      if (id === undefined) results[s.index] = { status: 'duplicate', dedupKey: s.event.dedupKey };
      return id !== undefined;
    });
    if (fresh.length === 0) return 0;

    const withMember = fresh.filter((s) => s.member !== null);
    const memberships = await this.#loadMemberships(writer, withMember);
    const memberCounts = await writer.openMemberCounts(unique(fresh.map((s) => s.group.id)));
    const messageCounts = options.automations === false ? new PairMap<number>() : await this.#loadMessageCounts(writer, withMember);
    const rollups = new RollupAccumulator();
    const outbox: OutboxRow[] = [];
    const stays: NewMembership[] = [];
    const pipelines = new Map<number, Awaited<ReturnType<AutomationRegistry['pipelineFor']>>>();
    const problems: RuleProblem[] = [];
    // Outbox rows the stateful rules wrote themselves.
    let written = 0;

    for (const s of fresh) {
      const { event, group, at } = s;
      const eventId = inserted.get(event.dedupKey)!;
      if (event.kind === 'group.renamed') {
        await writer.renameGroup(group.id, event.title);
        directory.renamedGroup(workspaceId, event.platform, event.group.id, group, event.title);
        results[s.index] = { status: 'stored', dedupKey: event.dedupKey, eventId, actions: 0 };
        continue;
      }
      // An edit is kept in the log, but it is not a new message: not counted, not answered again.
      const isEdit = event.kind === 'message' && event.edited === true;
      // A join that belongs to a stay already over (see below): stored and counted, nobody greeted.
      let lateJoin = false;
      const day = this.#days.dayIn(group.timezone, at);
      const member = s.member!;
      let membership = memberships.get(group.id, member.id);
      if (!membership) memberships.set(group.id, member.id, (membership = { id: null, open: false, joins: 0 }));

      switch (event.kind) {
        case 'message':
        case 'command':
          if (isEdit) break;
          if (!membership.open) {
            membership.joins++;
            membership.implicit = true;
            this.#openMembership(stays, group.id, member.id, at, null, null, null, membership, memberCounts);
          }
          rollups.message(group.id, member.id, day, at, event.kind === 'message' && event.replyTo !== undefined);
          break;
        case 'reaction':
          rollups.reaction(group.id, member.id, day);
          break;
        case 'member.joined': {
          rollups.join(group.id, day);
          const inviter = event.inviter ? (await directory.members(writer, workspaceId, event.platform, [event.inviter], () => at)).get(event.inviter.id) : undefined;
          const join = { method: event.method, inviterId: inviter?.id ?? null, code: event.code ?? null };
          const closed = membership.closedImplicit;
          if (!membership.open && closed && closed.joinedAt >= at) {
            // The member spoke and left before this join reached us: it is that closed stay's join.
            // Nobody is greeted (they are gone), and the group's member count does not grow.
            if (closed.pending) Object.assign(closed.pending, { join_method: join.method, inviter_member_id: join.inviterId, code: join.code, joined_at: at });
            else if (closed.id !== null) await writer.recordJoin(closed.id, join);
            membership.closedImplicit = null;
            lateJoin = true;
          } else if (!membership.open) {
            membership.joins++;
            this.#openMembership(stays, group.id, member.id, at, join.method, join.inviterId, join.code, membership, memberCounts);
          } else if (membership.implicit) {
            // The member spoke before this join reached us: it is the open stay's join, not another.
            if (membership.pending) Object.assign(membership.pending, { join_method: join.method, inviter_member_id: join.inviterId, code: join.code });
            else if (membership.id !== null) await writer.recordJoin(membership.id, join);
          } else membership.joins++;
          membership.implicit = false;
          break;
        }
        case 'member.left':
          rollups.leave(group.id, day);
          if (membership.open) {
            const reason = event.removedBy ? 'removed' : 'left';
            membership.closedImplicit = membership.implicit
              ? { id: membership.id, pending: membership.pending ?? null, joinedAt: membership.pending?.joined_at ?? Number(membership.implicitSince ?? at) }
              : null;
            if (membership.pending) {
              membership.pending.left_at = at;
              membership.pending.left_reason = reason;
            } else if (membership.id !== null) await writer.closeMembership(membership.id, at, reason);
            membership.open = false;
            membership.id = null;
            membership.pending = null;
            memberCounts.set(group.id, (memberCounts.get(group.id) ?? 1) - 1);
          }
          break;
        case 'member.renamed':
          // An erased member keeps the pseudonym: a new name from the platform does not bring a name back.
          if (erased.has(member.id)) break;
          await writer.renameMember(member.id, workspaceId, event.platform, event.member.id, event.newName);
          directory.renamed(workspaceId, event.platform, event.member.id, member, event.newName);
          break;
      }

      let actions = 0;
      if (options.automations !== false && !isEdit) {
        // One lookup per group and batch, not per event: it awaits even when cached.
        let pipeline = pipelines.get(group.id);
        if (!pipeline) pipelines.set(group.id, (pipeline = await this.automations.pipelineFor(trx, workspaceId, group.id)));
        const messagesBefore = messageCounts.get(group.id, member.id) ?? 0;
        if (event.kind === 'message' || event.kind === 'command') messageCounts.set(group.id, member.id, messagesBefore + 1);
        const traits = this.automations.traitsOf(group.platform);
        const ctx = new AutomationContext(
          event,
          {
            id: group.id,
            workspaceId,
            name: group.name,
            platform: group.platform,
            timezone: group.timezone,
            memberCount: memberCounts.get(group.id) ?? 0,
            capabilities: traits.capabilities,
            maxTextLength: traits.maxTextLength,
          },
          { id: member.id, displayName: member.displayName, isBot: member.isBot, joinsInGroup: membership.joins, messagesInGroup: messagesBefore },
          now,
        );
        if (!lateJoin) pipeline(ctx, () => {});
        // An action a rule could not plan is the rule's problem, stored and reported below; the batch goes on.
        if (ctx.problems.length > 0) problems.push(...ctx.problems);
        ctx.planned.forEach((p, i) => outbox.push(outboxRow(workspaceId, group, `evt:${eventId}:${i}`, p, now)));
        actions = ctx.planned.length;
        for (const rule of this.#statefulRules) actions += await rule(trx, ctx, eventId);
        written += actions - ctx.planned.length;
      }
      results[s.index] = { status: 'stored', dedupKey: event.dedupKey, eventId, actions };
    }

    await writer.insertMemberships(stays);
    await rollups.flush(writer);
    await writer.insertOutbox(outbox);
    if (problems.length > 0) {
      await recordRuleProblems(trx, workspaceId, problems);
      this.automations.report(problems);
    }
    return outbox.length + written;
  }

  /**
   * Events naming erased members (see src/privacy) are stored pseudonymized: their
   * names, usernames and name-derived ids replaced, what they write kept. Asked of the
   * database on every batch, not the cache, so an erasure done by another process
   * holds at once. Returns the erased members' ids.
   */
  async #pseudonymizeErased(writer: IngestWriter, staged: StagedEvent[], people: Map<string, Map<string, KnownMember>>): Promise<Set<number>> {
    const ids = unique([...people.values()].flatMap((m) => [...m.values()].map((k) => k.id)));
    const erased = await writer.erasedAmong(ids);
    if (erased.size === 0) return erased;
    for (const s of staged) {
      const members = people.get(s.event.platform)!;
      const named = new Map<string, number>();
      for (const person of peopleIn(s.event)) {
        const known = members.get(person.id);
        if (known && erased.has(known.id)) named.set(person.id, known.id);
      }
      if (named.size === 0) continue;
      s.event = pseudonymizeEvent(s.event, named, { blankText: false });
      if (s.member && erased.has(s.member.id)) s.member = { ...s.member, displayName: pseudonymOf(s.member.id) };
    }
    return erased;
  }

  #openMembership(
    stays: NewMembership[],
    groupId: number,
    memberId: number,
    at: number,
    method: string | null,
    inviterId: number | null,
    code: string | null,
    membership: Membership,
    memberCounts: Map<number, number>,
  ): void {
    const stay: NewMembership = { group_id: groupId, member_id: memberId, joined_at: at, join_method: method, inviter_member_id: inviterId, code, left_at: null, left_reason: null };
    stays.push(stay);
    membership.pending = stay;
    membership.id = null;
    membership.open = true;
    memberCounts.set(groupId, (memberCounts.get(groupId) ?? 0) + 1);
  }

  async #loadMemberships(writer: IngestWriter, staged: StagedEvent[]): Promise<PairMap<Membership>> {
    const out = new PairMap<Membership>();
    // Ordered by id: the last open stay of a pair is the one that counts.
    for (const row of await writer.memberships(pairsOf(staged))) {
      let m = out.get(row.group_id, row.member_id);
      if (!m) out.set(row.group_id, row.member_id, (m = { id: null, open: false, joins: 0 }));
      m.joins++;
      if (row.left_at === null) {
        m.open = true;
        m.id = row.id;
        m.implicit = row.join_method === null;
        m.implicitSince = row.joined_at;
        m.closedImplicit = null;
      } else {
        m.closedImplicit = row.join_method === null ? { id: row.id, pending: null, joinedAt: Number(row.joined_at) } : null;
      }
    }
    return out;
  }

  async #loadMessageCounts(writer: IngestWriter, staged: StagedEvent[]): Promise<PairMap<number>> {
    const out = new PairMap<number>();
    for (const r of await writer.messageCounts(pairsOf(staged))) out.set(r.group_id, r.member_id, r.messages);
    return out;
  }
}

/**
 * `dayIn` for many events: Intl formatting costs microseconds per call, and a batch
 * holds thousands of events in a few groups' same days. Every UTC offset in use since
 * 1973 is a whole number of quarter hours, and offsets change on quarter-hour
 * boundaries, so the calendar day is the same across a UTC quarter hour.
 */
class DayCache {
  static readonly #QUARTER_HOUR = 900_000;
  static readonly #SINCE = Date.UTC(1973, 0, 1);
  #days = new Map<string, string>();

  dayIn(timezone: string, at: number): string {
    if (at < DayCache.#SINCE) return dayIn(timezone, at);
    const key = `${timezone}|${Math.floor(at / DayCache.#QUARTER_HOUR)}`;
    let day = this.#days.get(key);
    if (day === undefined) {
      if (this.#days.size >= 20_000) this.#days.clear();
      day = dayIn(timezone, at);
      this.#days.set(key, day);
    }
    return day;
  }
}

function outboxRow(workspaceId: number, group: KnownGroup, idempotencyKey: string, planned: PlannedAction, now: number) {
  // Checked where it was planned (AutomationContext.act): not parsed again here.
  const action = planned.action;
  return {
    workspace_id: workspaceId,
    group_id: group.id,
    platform: group.platform,
    idempotency_key: idempotencyKey,
    action: actionJson(action, planned.rule),
    status: 'pending' as const,
    attempts: 0,
    next_attempt_at: now + planned.delaySeconds * 1000,
    created_at: now,
  };
}

/**
 * `JSON.stringify({ ...action, rule })` without the spread (a spread is the slow path
 * for V8, and this runs for every planned action): the action's own JSON with `rule`
 * appended as its last key. Actions are checked objects (a `type` at least), never with a `rule` of their own.
 */
function actionJson(action: PlannedAction['action'], rule: string): string {
  return `${JSON.stringify(action).slice(0, -1)},"rule":${JSON.stringify(rule)}}`;
}

function peopleIn(event: Event): PersonRef[] {
  const subject = subjectOf(event);
  const people = subject ? [subject] : [];
  if (event.kind === 'member.joined' && event.inviter) people.push(event.inviter);
  if (event.kind === 'member.left' && event.removedBy) people.push(event.removedBy);
  return people;
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** The distinct (group, member) pairs of events that have a member. */
function pairsOf(staged: StagedEvent[]): GroupMember[] {
  const seen = new PairMap<true>();
  const out: GroupMember[] = [];
  for (const s of staged) {
    if (seen.has(s.group.id, s.member!.id)) continue;
    seen.set(s.group.id, s.member!.id, true);
    out.push([s.group.id, s.member!.id]);
  }
  return out;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function isDeadlock(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '40P01';
}

/** Whether a database error is a unique-constraint violation, on SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
