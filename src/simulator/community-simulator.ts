import type { SandboxPayload } from '../platforms/sandbox/sandbox-payload.js';
import { planGroups } from './group-plans.js';
import { HOUR } from './local-time.js';
import { MAX_SPILL, hourTraffic } from './hour-traffic.js';
import { MemberRoster } from './member-roster.js';
import { assignSharedMembers } from './shared-members.js';

/** What a group is for, which decides what its members talk about. */
export type GroupType = 'interest' | 'resource' | 'consultant' | 'industry' | 'product' | 'knowledge';
/** The trajectory a group follows over the simulated weeks. */
export type GroupHealth = 'healthy' | 'steady' | 'declining' | 'dying' | 'new';

/** One simulated chat group, as the operator would describe it. */
export interface SimulatedGroup {
  /** Sandbox room id, e.g. 'sim-1'; unique per community. */
  room: string;
  /** A realistic group name; Chinese and English names are mixed across groups. */
  title: string;
  type: GroupType;
  health: GroupHealth;
  purpose: 'sell' | 'service' | 'network' | 'interest';
  theme: string;
  audience: string;
  /** IANA zone whose daily rhythm the group follows, e.g. 'Asia/Shanghai'. */
  timezone: string;
  /** Epoch ms; founders join at this instant. */
  createdAt: number;
}

/** How to build a community. */
export interface CommunityOptions {
  seed: number;
  /** Epoch ms when history begins; groups are created within ~40 days of it. */
  start: number;
  /** Number of groups, default 6 (one of each type, health spread for the demo). */
  groups?: number;
  /** Multiplies message volume, default 1. */
  intensity?: number;
}

/** A deterministic simulated community that can be read back window by window. */
export interface Community {
  readonly groups: SimulatedGroup[];
  /**
   * Every payload with start <= at < end, sorted by `at` (ties in a stable order).
   * Deterministic; window-additive: payloadsBetween(a,b) followed by payloadsBetween(b,c)
   * equals payloadsBetween(a,c) exactly. Payloads are shared with an internal cache of
   * recent hours and share person objects with each other: treat them as read-only.
   */
  payloadsBetween(start: number, end: number): SandboxPayload[];
}

const RECENT_HOURS_KEPT = Math.ceil(MAX_SPILL / HOUR) + 2;

function checkOptions(options: CommunityOptions): { groups: number; intensity: number } {
  const groups = options.groups ?? 6;
  const intensity = options.intensity ?? 1;
  if (!Number.isFinite(options.seed)) throw new RangeError(`seed must be a finite number, got ${options.seed}`);
  if (!Number.isSafeInteger(options.start) || options.start < 0) throw new RangeError(`start must be epoch ms, got ${options.start}`);
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`groups must be a positive integer, got ${groups}`);
  if (!Number.isFinite(intensity) || intensity < 0) throw new RangeError(`intensity must be a non-negative number, got ${intensity}`);
  return { groups, intensity };
}

/**
 * Builds a simulated community of chat groups producing sandbox payloads.
 *
 * Everything derives from per-(group, hour) random streams and member rosters fixed
 * by the seed, so any window can be generated on its own, in any order, after a
 * restart, and comes out the same.
 *
 * @example
 * const community = createCommunity({ seed: 42, start: Date.parse('2025-03-01T00:00:00Z') });
 * const history = community.payloadsBetween(start, now);
 * // later, every few seconds:
 * const live = community.payloadsBetween(now, now + 5_000);
 */
export function createCommunity(options: CommunityOptions): Community {
  const { groups: count, intensity } = checkOptions(options);
  const { seed, start } = options;
  const plans = planGroups(seed, start, count);
  const shared = assignSharedMembers(seed, plans);
  const rosters = plans.map((plan, i) => new MemberRoster(plan, seed, shared[i] ?? []));
  const groups = plans.map((plan) => plan.group);
  // Live polling asks for a few seconds at a time, each needing the last MAX_SPILL
  // hours of every group; keeping the latest hours avoids regenerating them per poll.
  const recentHours = plans.map(() => new Map<number, SandboxPayload[]>());
  const hourOf = (g: number, hour: number): SandboxPayload[] => {
    const cache = recentHours[g]!;
    let payloads = cache.get(hour);
    if (!payloads) {
      payloads = hourTraffic(plans[g]!, rosters[g]!, seed, hour, intensity);
      cache.set(hour, payloads);
      if (cache.size > RECENT_HOURS_KEPT) cache.delete(cache.keys().next().value as number);
    }
    return payloads;
  };

  return {
    groups,
    payloadsBetween(from: number, to: number): SandboxPayload[] {
      const out: SandboxPayload[] = [];
      if (!(to > from)) return out;
      // An hour's conversations can run up to MAX_SPILL past its end, so earlier hours
      // contribute to this window too.
      const firstHour = Math.floor((from - MAX_SPILL) / HOUR);
      const lastHour = Math.floor((to - 1) / HOUR);
      for (let g = 0; g < plans.length; g++) {
        const fromHour = Math.max(firstHour, Math.floor(plans[g]!.group.createdAt / HOUR));
        for (let hour = fromHour; hour <= lastHour; hour++) {
          for (const payload of hourOf(g, hour)) {
            if (payload.at >= from && payload.at < to) out.push(payload);
          }
        }
      }
      // Array.prototype.sort is stable, and `out` is filled in (group, hour, sequence)
      // order, so ties come out the same whichever window boundaries were used.
      return out.sort((a, b) => a.at - b.at);
    },
  };
}
