import { checkAction, type Action, type ActionInput } from './action.js';
import { ALL_CAPABILITIES, capabilitiesFor, type Capability } from './capabilities.js';
import { fallbackReason, planWithFallback } from './capability-fallback.js';
import type { Event } from './event.js';

/** What an automation knows about the group an event happened in. */
export interface GroupFacts {
  id: number;
  workspaceId: number;
  name: string;
  platform: string;
  timezone: string;
  /** Members in the group right now, after this event. */
  memberCount: number;
  /**
   * What the group's platform can do. An action it cannot do is replaced by its
   * fallback (see planWithFallback). Unset: everything (the sandbox, tests).
   */
  capabilities?: ReadonlySet<Capability>;
  /** The longest message text the platform accepts, when it is less than the schema's. */
  maxTextLength?: number;
}

/** What an automation knows about the member the event is about. */
export interface MemberFacts {
  id: number;
  displayName: string;
  isBot: boolean;
  /** Times this member has joined this group, this event included. */
  joinsInGroup: number;
  /** Messages this member had sent in this group before this event. */
  messagesInGroup: number;
}

/** An action an automation asked for, with when and by which rule. */
export interface PlannedAction {
  action: Action;
  rule: string;
  delaySeconds: number;
}

/** Which configured automation is running, so what it plans and breaks is told against it. */
export interface RuleSource {
  automationId: number;
  /** The automation's kind (welcome, keyword-reply…). */
  kind: string;
}

/**
 * Something the operator should know about a rule, told against the rule and the
 * event: an action it planned that cannot be sent ('invalid'), or one the platform
 * cannot do that was replaced by its fallback ('fallback').
 */
export interface RuleProblem {
  automationId: number;
  kind: string;
  problem: 'invalid' | 'fallback';
  /** Stable for one mistake, so a rule firing 10,000 times is one problem counted 10,000 times. */
  reason: string;
  /** What this instance held (e.g. the text's length); may differ between instances. */
  detail: string | null;
  dedupKey: string;
  groupId: number;
  at: number;
}

/**
 * The platform-neutral context every automation runs over: the event, the facts
 * ingest looked up for it, the clock, and the actions planned so far. Automations
 * read it and plan actions; they never call a platform or the database.
 */
export class AutomationContext {
  readonly planned: PlannedAction[] = [];
  /** What went wrong or was replaced while planning; ingest stores and reports these. */
  readonly problems: RuleProblem[] = [];
  #source: RuleSource | null = null;

  constructor(
    readonly event: Event,
    readonly group: GroupFacts,
    readonly member: MemberFacts,
    /** Epoch ms: when the event is handled (the sandbox's clock in the sandbox). */
    readonly now: number,
  ) {}

  /**
   * Runs one configured automation, so its actions and problems are told against it.
   * `run` is called with this context and `arg`, so a caller running many rules on
   * every event can pass one function made once instead of a closure per rule and event.
   */
  runRule<A = undefined>(source: RuleSource, run: (ctx: AutomationContext, arg: A) => void, arg?: A): void {
    const outer = this.#source;
    this.#source = source;
    try {
      run(this, arg as A);
    } finally {
      this.#source = outer;
    }
  }

  /**
   * Plans an action, checked here, where it is planned: against the action schema and
   * the platform's limits. One that cannot be sent is not planned but recorded as a
   * problem of the rule, and the rule, the other rules and the batch go on. One the
   * platform cannot carry out is replaced by its fallback (an alert to the operator, a
   * plain message…), recorded too. `rule` names the automation, for the audit trail.
   */
  act(rule: string, action: ActionInput, options: { delaySeconds?: number } = {}): void {
    const { group } = this;
    const checked = checkAction(action, group.maxTextLength === undefined ? {} : { platform: group.platform, maxTextLength: group.maxTextLength });
    if (!checked.ok) return this.#problem(rule, 'invalid', `${action.type}: ${checked.reason}`, checked.detail ?? null);
    const delaySeconds = options.delaySeconds ?? 0;
    const capabilities = group.capabilities ?? ALL_CAPABILITIES;
    if (capabilities === ALL_CAPABILITIES || capabilitiesFor(checked.action).every((c) => capabilities.has(c))) {
      this.planned.push({ action: checked.action, rule, delaySeconds });
      return;
    }
    const names = { platform: group.platform, member: (id: number) => (id === this.member.id ? this.member.displayName : undefined) };
    const instead = planWithFallback(checked.action, capabilities, names);
    for (const fallback of instead) {
      const again = checkAction(fallback, group.maxTextLength === undefined ? {} : { platform: group.platform, maxTextLength: group.maxTextLength });
      if (again.ok) this.planned.push({ action: again.action, rule, delaySeconds });
      else this.#problem(rule, 'invalid', `${fallback.type} (fallback): ${again.reason}`, again.detail ?? null);
    }
    // The alert's words ("please mute Li by hand") are what the operator acts on: kept with the problem.
    const asked = instead.flatMap((a) => (a.type === 'alert_operator' ? [a.text] : []));
    this.#problem(rule, 'fallback', fallbackReason(checked.action, capabilities, group.platform, instead) ?? 'fallback planned', asked.length > 0 ? asked.join(' ') : null);
  }

  #problem(rule: string, problem: RuleProblem['problem'], reason: string, detail: string | null): void {
    const source = this.#source;
    this.problems.push({
      automationId: source?.automationId ?? 0,
      kind: source?.kind ?? rule,
      problem,
      reason,
      detail,
      dedupKey: this.event.dedupKey,
      groupId: this.group.id,
      at: this.now,
    });
  }
}
