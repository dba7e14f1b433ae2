/**
 * The roles a member can hold in a group, from the seeds (`000`, `002`): the owner,
 * administrators (order and removals), official operation accounts (the brand's voice,
 * hosting topics), extras (answering first while the group is young), experts, opinion
 * leaders (the influential ~10%), initiators, seed users and plain members.
 */
export const MEMBER_ROLES = ['owner', 'administrator', 'official', 'extra', 'expert', 'opinion_leader', 'initiator', 'seed', 'member'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** Roles whose holders run the group: never caught by the spam and enforcement rules. */
export const STAFF_ROLES: readonly MemberRole[] = ['owner', 'administrator', 'official'];

/** What the staffing checks read of one group. */
export interface StaffingFigures {
  /** Members in the group now. */
  members: number;
  /** Members who wrote in the last 7 days. */
  activeMembers: number;
  /** How many members hold each role (a role not given: none). */
  roles: Partial<Record<MemberRole, number>>;
}

export type StaffingCheck = 'too_many_official' | 'too_few_administrators' | 'too_few_opinion_leaders' | 'too_many_opinion_leaders' | 'extras_needed' | 'extras_no_longer_needed';

/**
 * One staffing problem: which check, the figures it saw (`have`, and `want` — the
 * bound to reach), and the fix in plain words; the dashboard words it from `check`.
 */
export interface StaffingFinding {
  check: StaffingCheck;
  have: number;
  want: number;
  fix: string;
}

/** Official accounts allowed per started hundred members (`000`: "no more than three … in a group of 100 people"). */
const OFFICIAL_PER_HUNDRED = 3;
/** Above this many members a group needs {@link MIN_ADMINISTRATORS} administrators. */
const ADMINISTRATORS_ABOVE = 200;
const MIN_ADMINISTRATORS = 3;
/** Opinion leaders are "about 10%" (`002`): fewer than 5% or more than 15% is off. */
const OPINION_LOW = 0.05;
const OPINION_HIGH = 0.15;
/** Extras are kept "until there are more than 10 active members" (`000`). */
const EXTRAS_UNTIL_ACTIVE = 10;

/**
 * The staffing checks of one group, pure: at most 3 official accounts per 100 members
 * (per started hundred), at least 3 administrators above 200 members, opinion leaders
 * about 10% of the members (5–15%, checked from 10 members on), extras while 10 or fewer
 * members are active and none after. No finding: the group is staffed as the seeds say.
 *
 * @example staffingChecks({ members: 250, activeMembers: 40, roles: { administrator: 1 } })
 * // → [{ check: 'too_few_administrators', have: 1, want: 3, … }, { check: 'too_few_opinion_leaders', have: 0, want: 25, … }]
 */
export function staffingChecks(figures: StaffingFigures): StaffingFinding[] {
  const { members, activeMembers } = figures;
  const count = (role: MemberRole) => figures.roles[role] ?? 0;
  const findings: StaffingFinding[] = [];

  const official = count('official');
  const officialMax = OFFICIAL_PER_HUNDRED * Math.max(1, Math.ceil(members / 100));
  if (official > officialMax) {
    findings.push({
      check: 'too_many_official',
      have: official,
      want: officialMax,
      fix: `keep at most ${officialMax} official operation accounts for ${members} members: give ${official - officialMax} another role`,
    });
  }

  const administrators = count('administrator');
  if (members > ADMINISTRATORS_ABOVE && administrators < MIN_ADMINISTRATORS) {
    findings.push({
      check: 'too_few_administrators',
      have: administrators,
      want: MIN_ADMINISTRATORS,
      fix: `a group above ${ADMINISTRATORS_ABOVE} members needs ${MIN_ADMINISTRATORS} administrators: appoint ${MIN_ADMINISTRATORS - administrators} more`,
    });
  }

  const leaders = count('opinion_leader');
  const leadersWanted = Math.round(members / 10);
  if (members >= 10 && leaders < members * OPINION_LOW) {
    findings.push({
      check: 'too_few_opinion_leaders',
      have: leaders,
      want: leadersWanted,
      fix: `name about ${leadersWanted} opinion leaders (10% of ${members} members) among the most respected speakers`,
    });
  } else if (members >= 10 && leaders > members * OPINION_HIGH) {
    findings.push({
      check: 'too_many_opinion_leaders',
      have: leaders,
      want: leadersWanted,
      fix: `about ${leadersWanted} opinion leaders (10% of ${members} members) is enough: keep the most influential`,
    });
  }

  const extras = count('extra');
  if (members > 0 && activeMembers <= EXTRAS_UNTIL_ACTIVE && extras === 0) {
    findings.push({
      check: 'extras_needed',
      have: extras,
      want: 1,
      fix: `only ${activeMembers} members are active: assign extras to answer first and keep the talk going until more than ${EXTRAS_UNTIL_ACTIVE} are`,
    });
  } else if (activeMembers > EXTRAS_UNTIL_ACTIVE && extras > 0) {
    findings.push({ check: 'extras_no_longer_needed', have: extras, want: 0, fix: `${activeMembers} members are active: the ${extras} extras can step back` });
  }
  return findings;
}
