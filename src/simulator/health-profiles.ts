import type { GroupHealth } from './community-simulator.js';

/**
 * How a group of each health behaves as it ages. Curves take the group's age in
 * days and are tuned so that, over the ~45 days of demo history, the dashboard
 * shows the story the health names: lively, flat, fading, dead, growing.
 */
export interface HealthProfile {
  /** Days after history start when such a group is created: [min, max). */
  readonly createdAfterDays: readonly [number, number];
  /** Members present at creation, besides the admins: [min, max). */
  readonly founders: readonly [number, number];
  /** Multiplier on the group's daily message volume. */
  level(ageDays: number): number;
  /** Expected new members per day (not counting spam accounts). */
  joinsPerDay(ageDays: number): number;
  /** Mean time a member stays before leaving. */
  readonly meanStayDays: number;
  /** Share of departures that are an admin removing the member. */
  readonly removalShare: number;
  /** Chance that a whole local day passes without a message. */
  silentDayChance(ageDays: number): number;
  /** Spam accounts per day that join and post an ad. */
  readonly spamPerDay: number;
  /** Chance an admin notices and removes a spammer. */
  readonly spamRemovedChance: number;
  /** Chance a question gets answered at all. */
  readonly answerChance: number;
  /** Chance any message gets reactions. */
  readonly reactionChance: number;
  /** Chance an admin welcomes a newcomer. */
  readonly welcomeChance: number;
  /** Chance of an admin announcement on a given day. */
  announcementChance(ageDays: number): number;
}

const healthy: HealthProfile = {
  createdAfterDays: [0, 4],
  founders: [150, 260],
  // A gentle two-and-a-half-week swell so even healthy charts are not flat.
  level: (age) => 0.95 + 0.1 * Math.sin((age * 2 * Math.PI) / 17),
  joinsPerDay: () => 7,
  meanStayDays: 500,
  removalShare: 0.12,
  silentDayChance: () => 0.004,
  spamPerDay: 0.25,
  spamRemovedChance: 0.9,
  answerChance: 0.88,
  reactionChance: 0.22,
  welcomeChance: 0.6,
  announcementChance: () => 0.35,
};

const steady: HealthProfile = {
  createdAfterDays: [0, 5],
  founders: [100, 180],
  level: () => 0.42,
  joinsPerDay: () => 2.5,
  meanStayDays: 300,
  removalShare: 0.1,
  silentDayChance: () => 0.03,
  spamPerDay: 0.4,
  spamRemovedChance: 0.7,
  answerChance: 0.72,
  reactionChance: 0.15,
  welcomeChance: 0.35,
  announcementChance: () => 0.2,
};

const declining: HealthProfile = {
  createdAfterDays: [0, 3],
  founders: [180, 280],
  level: (age) => 0.12 + 0.6 * Math.exp(-age / 18),
  joinsPerDay: (age) => 0.3 + 2 * Math.exp(-age / 15),
  meanStayDays: 80,
  removalShare: 0.08,
  silentDayChance: (age) => 0.05 + 0.15 * (1 - Math.exp(-age / 30)),
  spamPerDay: 0.8,
  spamRemovedChance: 0.45,
  answerChance: 0.5,
  reactionChance: 0.1,
  welcomeChance: 0.15,
  announcementChance: (age) => 0.05 + 0.2 * Math.exp(-age / 15),
};

const dying: HealthProfile = {
  createdAfterDays: [0, 2],
  founders: [120, 200],
  level: (age) => 0.008 + 0.7 * Math.exp(-age / 8),
  joinsPerDay: (age) => 0.1 + 1.5 * Math.exp(-age / 6),
  meanStayDays: 45,
  removalShare: 0.05,
  silentDayChance: (age) => 0.1 + 0.5 * (1 - Math.exp(-age / 15)),
  spamPerDay: 1.2,
  spamRemovedChance: 0.15,
  answerChance: 0.3,
  reactionChance: 0.06,
  welcomeChance: 0.05,
  announcementChance: (age) => 0.25 * Math.exp(-age / 6),
};

const fresh: HealthProfile = {
  createdAfterDays: [32, 38],
  founders: [8, 20],
  level: (age) => 0.04 + 0.96 * (1 - Math.exp(-age / 7)),
  // A launch campaign brings a burst of joins that settles into steady growth.
  joinsPerDay: (age) => 6 + 25 * Math.exp(-age / 5),
  meanStayDays: 250,
  removalShare: 0.1,
  silentDayChance: () => 0.01,
  spamPerDay: 0.3,
  spamRemovedChance: 0.9,
  answerChance: 0.88,
  reactionChance: 0.25,
  welcomeChance: 0.8,
  announcementChance: () => 0.5,
};

/** The behaviour profile of every health. */
export const HEALTH_PROFILES: Readonly<Record<GroupHealth, HealthProfile>> = {
  healthy,
  steady,
  declining,
  dying,
  new: fresh,
};
