import type { Action, ActionInput } from './action.js';
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

/**
 * The platform-neutral context every automation runs over: the event, the facts
 * ingest looked up for it, the clock, and the actions planned so far. Automations
 * read it and plan actions; they never call a platform or the database.
 */
export class AutomationContext {
  readonly planned: PlannedAction[] = [];

  constructor(
    readonly event: Event,
    readonly group: GroupFacts,
    readonly member: MemberFacts,
    /** Epoch ms: when the event is handled (the sandbox's clock in the sandbox). */
    readonly now: number,
  ) {}

  /** Plans an action. `rule` names the automation, for the audit trail and errors. */
  act(rule: string, action: ActionInput, options: { delaySeconds?: number } = {}): void {
    this.planned.push({ action: action as Action, rule, delaySeconds: options.delaySeconds ?? 0 });
  }
}
