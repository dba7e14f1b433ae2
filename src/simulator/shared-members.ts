import type { GroupPlan } from './group-plans.js';
import { DAY, MINUTE } from './local-time.js';
import { memberName } from './member-names.js';
import type { SharedMembership } from './member-roster.js';
import { Rng } from './random.js';

/**
 * People who belong to several of the operator's groups under one id and name, as
 * the most engaged customers of a real operator do. Returns, per group index, the
 * memberships that group must include. Shared members are active and never leave.
 */
export function assignSharedMembers(seed: number, plans: readonly GroupPlan[]): SharedMembership[][] {
  const byGroup: SharedMembership[][] = plans.map(() => []);
  if (plans.length < 2) return byGroup;
  const people = Math.max(4, Math.round(plans.length * 0.5));
  for (let index = 0; index < people; index++) {
    const rng = Rng.from(seed, 0x73686172, index);
    const memberships = Math.min(plans.length, rng.int(2, 5));
    const chosen = new Set<number>();
    while (chosen.size < memberships) chosen.add(rng.int(0, plans.length));
    const first = plans[[...chosen][0] as number] as GroupPlan;
    const person = { id: `u-shared-${index + 1}`, name: memberName(rng, first.locale) };
    const weight = Math.min(2 + rng.pareto(1.3, 2), 40);
    for (const groupIndex of chosen) {
      const plan = plans[groupIndex] as GroupPlan;
      const createdAt = plan.group.createdAt;
      const joinAt = rng.chance(0.4) ? createdAt : createdAt + Math.round((rng.range(0.3, 25) * DAY) / MINUTE) * MINUTE;
      byGroup[groupIndex]?.push({ person, weight, joinAt });
    }
  }
  return byGroup;
}
