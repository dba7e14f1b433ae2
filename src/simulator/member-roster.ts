import type { SandboxPerson } from '../platforms/sandbox/sandbox-payload.js';
import type { GroupPlan } from './group-plans.js';
import { DAY, HOUR, MINUTE, hourActivity, isWeekend, localHourOf } from './local-time.js';
import { memberName, renamedName, staffName } from './member-names.js';
import { Rng } from './random.js';

/** How a member came in; founders other than the owner were invited by the owner. */
export type JoinVia = 'link' | 'invite' | 'code';

/**
 * One person's membership of one group, decided once: when they join and leave,
 * how talkative they are, and what they are called before and after a rename.
 */
export interface Member {
  readonly person: SandboxPerson;
  readonly renamed: SandboxPerson | undefined;
  /** Infinity when the member never renames. */
  readonly renameAt: number;
  readonly joinAt: number;
  /** Infinity when the member stays. */
  readonly leaveAt: number;
  /** Relative talkativeness; heavy-tailed across members. */
  readonly weight: number;
  readonly admin: boolean;
  readonly via: JoinVia | undefined;
  readonly inviter: Member | undefined;
  readonly code: string | undefined;
  readonly removedBy: Member | undefined;
}

/** A person who belongs to several groups under one id and name. */
export interface SharedMembership {
  readonly person: SandboxPerson;
  readonly weight: number;
  readonly joinAt: number;
}

/** The person as named at `at` (renames take effect at `renameAt`). */
export function personAt(member: Member, at: number): SandboxPerson {
  return at >= member.renameAt && member.renamed ? member.renamed : member.person;
}

/** True when `member` may act at `at`: strictly after joining, strictly before leaving. */
export function isPresent(member: Member, at: number): boolean {
  return member.joinAt < at && at < member.leaveAt;
}

const RENAME_CHANCE = 0.04;
const LURKER_SHARE = 0.55;
const PICK_ATTEMPTS = 8;

function addTo(index: Map<number, Member[]>, at: number, member: Member): void {
  const hour = Math.floor(at / HOUR);
  const list = index.get(hour);
  if (list) list.push(member);
  else index.set(hour, [member]);
}

const NONE: readonly Member[] = [];

/**
 * A group's members over time. Built lazily one day of group age at a time, always
 * in order and from per-day random streams, so its content depends only on the seed
 * and never on which windows were asked for first.
 */
export class MemberRoster {
  readonly admins: Member[] = [];
  readonly #plan: GroupPlan;
  readonly #seed: number;
  readonly #shared: readonly SharedMembership[];
  #sharedCursor = 0;
  #nextDay = 0;
  readonly #members: Member[] = [];
  readonly #joinTimes: number[] = [];
  readonly #cumulativeWeight: number[] = [];
  readonly #joinsByHour = new Map<number, Member[]>();
  readonly #leavesByHour = new Map<number, Member[]>();
  readonly #renamesByHour = new Map<number, Member[]>();

  constructor(plan: GroupPlan, seed: number, shared: readonly SharedMembership[]) {
    this.#plan = plan;
    this.#seed = seed;
    this.#shared = [...shared].sort((a, b) => a.joinAt - b.joinAt);
  }

  /** Makes sure every member who joins before `until` exists. */
  ensure(until: number): void {
    const createdAt = this.#plan.group.createdAt;
    while (createdAt + this.#nextDay * DAY < until) {
      this.#generateDay(this.#nextDay);
      this.#nextDay++;
    }
  }

  /** Members who join, leave, or rename during UTC hour `hour`. */
  joinsIn(hour: number): readonly Member[] {
    return this.#joinsByHour.get(hour) ?? NONE;
  }
  leavesIn(hour: number): readonly Member[] {
    return this.#leavesByHour.get(hour) ?? NONE;
  }
  renamesIn(hour: number): readonly Member[] {
    return this.#renamesByHour.get(hour) ?? NONE;
  }

  /** How many members have joined at or before `at` (the roster must be ensured that far). */
  joinedBy(at: number): number {
    const times = this.#joinTimes;
    let low = 0;
    let high = times.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((times[mid] as number) <= at) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * A member present at `at`, chosen in proportion to talkativeness among the first
   * `count` to join. Gives up (undefined) when repeated draws hit departed members,
   * which is how a group whose talkers left goes quiet.
   */
  pick(rng: Rng, at: number, count: number, exclude?: Member): Member | undefined {
    if (count <= 0) return undefined;
    const cumulative = this.#cumulativeWeight;
    const total = cumulative[count - 1] as number;
    for (let attempt = 0; attempt < PICK_ATTEMPTS; attempt++) {
      const target = rng.float() * total;
      let low = 0;
      let high = count - 1;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if ((cumulative[mid] as number) > target) high = mid;
        else low = mid + 1;
      }
      const member = this.#members[low] as Member;
      if (member !== exclude && isPresent(member, at)) return member;
    }
    return undefined;
  }

  /** An admin present at `at`, if any. */
  pickAdmin(rng: Rng, at: number): Member | undefined {
    const admin = rng.pick(this.admins);
    if (admin && isPresent(admin, at)) return admin;
    return this.admins.find((a) => isPresent(a, at));
  }

  #generateDay(day: number): void {
    const plan = this.#plan;
    const rng = Rng.from(this.#seed, plan.index, 0x726f73, day);
    const dayStart = plan.group.createdAt + day * DAY;
    const dayEnd = dayStart + DAY;
    if (day === 0) this.#found(rng);
    const times: number[] = [];
    const joins = rng.poisson(plan.profile.joinsPerDay(day + 0.5));
    for (let i = 0; i < joins; i++) times.push(this.#joinTime(rng, dayStart));
    times.sort((a, b) => a - b);
    let next = 0;
    while (next < times.length || this.#sharedBefore(dayEnd)) {
      const shared = this.#sharedBefore(dayEnd) ? this.#shared[this.#sharedCursor] : undefined;
      const time = times[next];
      if (shared && (time === undefined || shared.joinAt <= time)) {
        this.#sharedCursor++;
        this.#addShared(rng, shared);
      } else if (time !== undefined) {
        next++;
        this.#addJoiner(rng, time);
      }
    }
  }

  #sharedBefore(end: number): boolean {
    const shared = this.#shared[this.#sharedCursor];
    return shared !== undefined && shared.joinAt < end;
  }

  // Joins follow the same daily rhythm as chat: few people click invite links at 4am.
  #joinTime(rng: Rng, dayStart: number): number {
    let at = dayStart;
    for (let attempt = 0; attempt < 8; attempt++) {
      at = dayStart + 1 + rng.int(0, DAY - 1);
      const local = localHourOf(this.#plan.group.timezone, Math.floor(at / HOUR));
      if (rng.chance(hourActivity(local.hour, isWeekend(local.weekday)))) break;
    }
    return at;
  }

  #found(rng: Rng): void {
    const { group, locale, phrases } = this.#plan;
    const at = group.createdAt;
    const decorated = (): string => rng.pick(phrases.staffNames).replace('{name}', staffName(rng, locale));
    const owner = this.#add(rng, { name: decorated(), joinAt: at, weight: rng.range(6, 14), admin: true });
    if (rng.chance(0.6)) this.#add(rng, { name: decorated(), joinAt: at, weight: rng.range(4, 10), admin: true, via: 'invite', inviter: owner });
    while (this.#sharedBefore(at + 1)) {
      const shared = this.#shared[this.#sharedCursor++] as SharedMembership;
      this.#add(rng, { person: shared.person, joinAt: at, weight: shared.weight, via: 'invite', inviter: owner, stays: true });
    }
    const [min, max] = this.#plan.profile.founders;
    const founders = rng.int(min, max);
    for (let i = 0; i < founders; i++) this.#add(rng, { joinAt: at, weight: this.#talkativeness(rng), via: 'invite', inviter: owner });
  }

  #addShared(rng: Rng, shared: SharedMembership): void {
    const inviter = rng.chance(0.5) ? this.#inviterAt(rng, shared.joinAt) : undefined;
    if (inviter) this.#add(rng, { person: shared.person, joinAt: shared.joinAt, weight: shared.weight, via: 'invite', inviter, stays: true });
    else this.#add(rng, { person: shared.person, joinAt: shared.joinAt, weight: shared.weight, via: 'link', code: rng.pick(this.#plan.linkChannels), stays: true });
  }

  #addJoiner(rng: Rng, joinAt: number): void {
    const weight = this.#talkativeness(rng);
    const roll = rng.float();
    if (roll < 0.55) {
      this.#add(rng, { joinAt, weight, via: 'link', code: rng.pick(this.#plan.linkChannels) });
    } else if (roll < 0.85) {
      this.#add(rng, { joinAt, weight, via: 'invite', inviter: this.#inviterAt(rng, joinAt) ?? this.admins[0] });
    } else {
      this.#add(rng, { joinAt, weight, via: 'code', code: rng.pick(this.#plan.inviteCodes) });
    }
  }

  // Talkative members bring their friends, so inviters are drawn like speakers.
  #inviterAt(rng: Rng, at: number): Member | undefined {
    return this.pick(rng, at, this.#members.length);
  }

  // Most members lurk; among the rest a Pareto tail makes a few carry the chat.
  #talkativeness(rng: Rng): number {
    if (rng.chance(LURKER_SHARE)) return rng.range(0.01, 0.06);
    return Math.min(rng.pareto(1.2), 80);
  }

  #add(
    rng: Rng,
    spec: {
      joinAt: number;
      weight: number;
      name?: string;
      person?: SandboxPerson;
      admin?: boolean;
      via?: JoinVia;
      inviter?: Member | undefined;
      code?: string;
      stays?: boolean;
    },
  ): Member {
    const { group, profile, locale } = this.#plan;
    const admin = spec.admin ?? false;
    const person = spec.person ?? { id: `u-${group.room}-${this.#members.length + 1}`, name: spec.name ?? memberName(rng, locale) };
    let leaveAt = Infinity;
    let removedBy: Member | undefined;
    if (!admin && !spec.stays) {
      leaveAt = spec.joinAt + Math.max(10 * MINUTE, Math.round(rng.exponential(profile.meanStayDays * DAY)));
      if (rng.chance(profile.removalShare)) removedBy = rng.pick(this.admins);
    }
    let renameAt = Infinity;
    let renamed: SandboxPerson | undefined;
    if (!spec.person && rng.chance(RENAME_CHANCE)) {
      const at = spec.joinAt + Math.max(MINUTE, Math.round(rng.exponential(15 * DAY)));
      if (at < leaveAt) {
        renameAt = at;
        renamed = { id: person.id, name: renamedName(rng, person.name, locale) };
      }
    }
    const member: Member = {
      person,
      renamed,
      renameAt,
      joinAt: spec.joinAt,
      leaveAt,
      weight: spec.weight,
      admin,
      via: spec.via,
      inviter: spec.inviter,
      code: spec.code,
      removedBy,
    };
    const previous = this.#cumulativeWeight[this.#cumulativeWeight.length - 1] ?? 0;
    this.#members.push(member);
    this.#joinTimes.push(member.joinAt);
    this.#cumulativeWeight.push(previous + member.weight);
    if (admin) this.admins.push(member);
    addTo(this.#joinsByHour, member.joinAt, member);
    if (leaveAt !== Infinity) addTo(this.#leavesByHour, leaveAt, member);
    if (renamed) addTo(this.#renamesByHour, renameAt, member);
    return member;
  }
}
