import { AutomationContext, type GroupFacts, type MemberFacts } from '../src/core/automation-context.js';
import { Composer, type Middleware } from '../src/core/composer.js';
import { parseEvent, type EventInput } from '../src/core/event.js';
import { normalizeSandboxPayload } from '../src/platforms/sandbox/normalizer.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { summarize, type LatencySummary } from './bench-stats.js';
import { BENCH_RULE_COUNT, setUpBenchWorkspace, type Workload } from './bench-workload.js';

/**
 * P2 — event → action decision latency, in process.
 *
 * For each normalized event (the sandbox normalizer's output, prepared untimed), the
 * timed path is what ingest does per event to decide: `parseEvent` (zod), the group's
 * pipeline from `AutomationRegistry.pipelineFor` (20 rules, cached after the first
 * event of a group, as in ingest), a new `AutomationContext`, the pipeline run, and
 * the planned actions read back. The group and member facts the context gets are
 * tracked in memory beside the loop (ingest looks them up in its batch), untimed.
 *
 * Baseline, same run, same events, interleaved: the same path with an empty
 * pipeline (parseEvent + context + zero rules). The ratio full/baseline says what
 * the 20 rules add on top of the validation every event pays anyway. Durations are
 * `process.hrtime.bigint()` differences, reported in microseconds.
 */

export interface P2Options {
  /** Events timed. */
  events: number;
  /** Events run untimed first (JIT warm-up). */
  warmupEvents: number;
  onProgress?: (message: string) => void;
}

export interface P2Result {
  events: number;
  rules: number;
  /** parseEvent + context + 20-rule pipeline + planned actions, µs. */
  decision: LatencySummary;
  /** The 20-rule part alone (pipelineFor + context + run), µs. */
  rulesOnly: LatencySummary;
  /** Baseline: parseEvent + context + empty pipeline, µs. */
  baseline: LatencySummary;
  /** decision / baseline, at p50 and p99. */
  ratioP50: number;
  ratioP99: number;
  /** Events for which the pipeline planned at least one action, and the actions by rule. */
  eventsWithActions: number;
  actionsByRule: Record<string, number>;
}

const noop = () => {};

export async function runP2(workload: Workload, options: P2Options): Promise<P2Result> {
  const log = options.onProgress ?? (() => {});
  const inputs: EventInput[] = [];
  for (const p of workload.payloads) for (const e of normalizeSandboxPayload(p)) inputs.push(e);
  const warmup = Math.min(options.warmupEvents, Math.max(0, inputs.length - options.events));
  const timed = Math.min(options.events, inputs.length - warmup);
  if (timed <= 0) throw new Error('P2: no events to time');

  const runtime = await HearthRuntime.open({ kind: 'sqlite', file: ':memory:' }, { clock: () => workload.end });
  try {
    const { db } = runtime.store;
    const workspaceId = await setUpBenchWorkspace(db, workload.groups);
    const groupRows = await db.selectFrom('chat_group').select(['id', 'external_id', 'name', 'platform', 'timezone']).where('workspace_id', '=', workspaceId).execute();
    const groups = new Map(groupRows.map((g) => [g.external_id, g]));
    const registry = runtime.automations;
    registry.invalidate();
    const empty: Middleware = new Composer<AutomationContext>().middleware();
    const facts = new FactTracker();
    const now = workload.end;

    const decision = new Float64Array(timed);
    const rulesOnly = new Float64Array(timed);
    const baseline = new Float64Array(timed);
    const actionsByRule: Record<string, number> = {};
    let eventsWithActions = 0;

    log(`P2: ${warmup} warm-up + ${timed} timed events`);
    for (let i = 0; i < warmup + timed; i++) {
      const input = inputs[i]!;
      const row = groups.get(input.group.id);
      if (!row) throw new Error(`P2: unknown group ${input.group.id}`);
      const [group, member] = facts.next(input, row, workspaceId);
      const k = i - warmup;

      // Interleaved, alternating which goes first, so neither variant gets the warmer caches.
      if (i % 2 === 0) {
        const b = timeBaseline(input, group, member, now, empty);
        const d = await timeDecision(input, group, member, now, registry, db, workspaceId);
        if (k >= 0) record(k, b, d);
      } else {
        const d = await timeDecision(input, group, member, now, registry, db, workspaceId);
        const b = timeBaseline(input, group, member, now, empty);
        if (k >= 0) record(k, b, d);
      }
    }

    function record(k: number, b: number, d: { total: number; rules: number; planned: AutomationContext['planned'] }): void {
      baseline[k] = b;
      decision[k] = d.total;
      rulesOnly[k] = d.rules;
      if (d.planned.length > 0) eventsWithActions++;
      for (const p of d.planned) actionsByRule[p.rule] = (actionsByRule[p.rule] ?? 0) + 1;
    }

    const full = summarize(decision);
    const base = summarize(baseline);
    return {
      events: timed,
      rules: BENCH_RULE_COUNT,
      decision: full,
      rulesOnly: summarize(rulesOnly),
      baseline: base,
      ratioP50: full.p50 / base.p50,
      ratioP99: full.p99 / base.p99,
      eventsWithActions,
      actionsByRule,
    };
  } finally {
    await runtime.close();
  }
}

function micros(from: bigint, to: bigint): number {
  return Number(to - from) / 1_000;
}

function timeBaseline(input: EventInput, group: GroupFacts, member: MemberFacts, now: number, empty: Middleware): number {
  const t0 = process.hrtime.bigint();
  const event = parseEvent(input);
  const ctx = new AutomationContext(event, group, member, now);
  empty(ctx, noop);
  const t1 = process.hrtime.bigint();
  if (ctx.planned.length !== 0) throw new Error('P2: the empty pipeline planned an action');
  return micros(t0, t1);
}

async function timeDecision(
  input: EventInput,
  group: GroupFacts,
  member: MemberFacts,
  now: number,
  registry: HearthRuntime['automations'],
  db: HearthRuntime['store']['db'],
  workspaceId: number,
): Promise<{ total: number; rules: number; planned: AutomationContext['planned'] }> {
  const t0 = process.hrtime.bigint();
  const event = parseEvent(input);
  const t1 = process.hrtime.bigint();
  const pipeline = await registry.pipelineFor(db, workspaceId, group.id);
  const ctx = new AutomationContext(event, group, member, now);
  pipeline(ctx, noop);
  const planned = ctx.planned;
  const t2 = process.hrtime.bigint();
  return { total: micros(t0, t2), rules: micros(t1, t2), planned };
}

/**
 * The facts ingest would hand the context, kept in memory: members in each group,
 * each member's joins and earlier messages there. Same rules as ingest: a message
 * from someone not in the group opens a membership; a leave closes it.
 */
class FactTracker {
  #memberIds = new Map<string, number>();
  #open = new Set<string>();
  #joins = new Map<string, number>();
  #messages = new Map<string, number>();
  #counts = new Map<number, number>();

  next(input: EventInput, row: { id: number; name: string; platform: string; timezone: string }, workspaceId: number): [GroupFacts, MemberFacts] {
    const person = ('actor' in input ? input.actor : 'member' in input ? input.member : undefined) ?? { id: 'group' };
    let memberId = this.#memberIds.get(person.id);
    if (memberId === undefined) this.#memberIds.set(person.id, (memberId = this.#memberIds.size + 1));
    const key = `${row.id}|${memberId}`;
    const messagesBefore = this.#messages.get(key) ?? 0;
    switch (input.kind) {
      case 'message':
      case 'command':
        this.#openIn(row.id, key);
        this.#messages.set(key, messagesBefore + 1);
        break;
      case 'member.joined':
        this.#joins.set(key, (this.#joins.get(key) ?? 0) + 1);
        this.#openIn(row.id, key);
        break;
      case 'member.left':
        if (this.#open.delete(key)) this.#counts.set(row.id, (this.#counts.get(row.id) ?? 1) - 1);
        break;
      default:
        break;
    }
    return [
      { id: row.id, workspaceId, name: row.name, platform: row.platform, timezone: row.timezone, memberCount: this.#counts.get(row.id) ?? 0 },
      { id: memberId, displayName: person.name ?? person.id, isBot: person.isBot === true, joinsInGroup: this.#joins.get(key) ?? 0, messagesInGroup: messagesBefore },
    ];
  }

  #openIn(groupId: number, key: string): void {
    if (this.#open.has(key)) return;
    this.#open.add(key);
    this.#counts.set(groupId, (this.#counts.get(groupId) ?? 0) + 1);
  }
}
