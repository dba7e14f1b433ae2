import type { Kysely, Transaction } from 'kysely';
import { enqueueAction } from '../outbox/enqueue-action.js';
import { type Action, checkAction } from '../core/action.js';
import type { PlatformTraits } from '../core/capabilities.js';
import { fallbackReason, planWithFallback } from '../core/capability-fallback.js';
import type { Database } from '../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A group an action is planned in: its id and platform (whose capabilities decide the fallback). */
export interface TargetGroup {
  id: number;
  platform: string;
}

/** What was queued: the action types (fallbacks included), the fallbacks' reasons, the rows written. */
export interface Queued {
  planned: string[];
  fallbacks: string[];
  written: number;
}

/**
 * Puts an enforcement's actions in the outbox, each through its group's platform
 * capabilities: what a platform cannot do gets the planned fallback (core's
 * planWithFallback: an alert to do it by hand, a removal for a ban…), and the reason
 * is returned so the enforcement records it. Idempotent per `keyPrefix` and position.
 */
export async function queueEnforcementActions(
  db: Db,
  options: { workspaceId: number; keyPrefix: string; rule: string; now: number; traitsOf: (platform: string) => PlatformTraits; memberName?: (id: number) => string | undefined },
  items: readonly { group: TargetGroup; action: Action }[],
): Promise<Queued> {
  const out: Queued = { planned: [], fallbacks: [], written: 0 };
  let position = 0;
  for (const { group, action } of items) {
    const traits = options.traitsOf(group.platform);
    const names = { platform: group.platform, ...(options.memberName ? { member: options.memberName } : {}) };
    const planned = planWithFallback(action, traits.capabilities, names);
    const reason = fallbackReason(action, traits.capabilities, group.platform, planned);
    if (reason !== null) out.fallbacks.push(reason);
    for (const a of planned) {
      const checked = checkAction(a, traits.maxTextLength === undefined ? {} : { platform: group.platform, maxTextLength: traits.maxTextLength });
      if (!checked.ok) continue;
      out.planned.push(checked.action.type);
      const target = { workspaceId: options.workspaceId, groupId: group.id, platform: group.platform, key: `${options.keyPrefix}${position++}`, rule: options.rule, now: options.now };
      if (await enqueueAction(db, target, checked.action)) out.written++;
    }
  }
  return out;
}
