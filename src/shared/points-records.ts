/**
 * Points and check-in as the API answers them and the dashboard reads them
 * (src/activation/points, src/server/routes/points-routes.ts): one definition for both.
 */

export type PointsLanguage = 'zh' | 'en';

/** A level: from `threshold` lifetime points, with its titles. */
export interface PointsLevel {
  /** Lifetime points earned in the group from which this level holds. */
  threshold: number;
  zh: string;
  en: string;
}

/** A group's points and check-in configuration (the rules: src/activation/points/points-rules.ts). */
export interface PointsConfig {
  /** The language of the group's replies and commendation. */
  language: PointsLanguage;
  checkin: {
    enabled: boolean;
    /** What members send to check in (compared trimmed, case-folded, trailing punctuation dropped). */
    keywords: string[];
    /** What members send to make up a missed day (补签). */
    makeupKeywords: string[];
    /** Points for a check-in; each day of the streak after the first adds `streakBonus`, up to `streakBonusMax`. */
    points: number;
    streakBonus: number;
    streakBonusMax: number;
    /** A missed day may be made up within this many days (0: no make-up), at `makeupCost` points. */
    makeupDays: number;
    makeupCost: number;
  };
  message: {
    /** Points per message (0: none); at most `dailyCap` messages a day earn; shorter than `minLength` characters or a repeat of the day's earlier text earns nothing. */
    points: number;
    dailyCap: number;
    minLength: number;
  };
  reply: { points: number; dailyCap: number };
  invite: { points: number };
  /** Post the month's leaderboard and medals on the 1st. */
  commendation: boolean;
  levels: PointsLevel[];
}

/** A group's points settings as the API, the CLI and the dashboard show them. */
export interface PointsSettings {
  groupId: number;
  /** Points and check-in on in this group (off until an operator turns them on). */
  enabled: boolean;
  config: PointsConfig;
}

/** A title in both languages (a level's or a medal's). */
export interface PointsTitle {
  zh: string;
  en: string;
}

/** One group of GET /api/points/groups. */
export interface PointsGroupLine {
  groupId: number;
  name: string;
  platform: string;
  enabled: boolean;
  /** Points earned in the group this month (its time zone), check-ins this month, and members who earned any. */
  month: string;
  points: number;
  checkins: number;
  members: number;
}

export interface LeaderboardLine {
  rank: number;
  memberId: number;
  name: string;
  /** Points earned in the month (credits and operators' adjustments; spending not counted). */
  points: number;
  checkins: number;
  /** Lifetime points earned in the group, and the level they give. */
  earned: number;
  level: number;
  title: PointsTitle;
}

/** One day's check-ins in a group's month. */
export interface CheckinDay {
  day: string;
  checkins: number;
  makeups: number;
}

/** A medal awarded in a group's month. */
export interface MonthMedal {
  memberId: number;
  name: string;
  medal: string;
}

/** GET /api/points/groups/:id: a group's settings, leaderboard, daily check-ins and medals for a month. */
export interface GroupPoints {
  group: { id: number; name: string; timezone: string };
  settings: PointsSettings;
  month: string;
  leaderboard: LeaderboardLine[];
  checkinsByDay: CheckinDay[];
  medals: (MonthMedal & { title: PointsTitle })[];
}

export interface LedgerLine {
  id: number;
  groupId: number | null;
  groupName: string | null;
  points: number;
  reason: string;
  note: string | null;
  day: string;
  at: string;
  createdBy: string | null;
}

/** GET /api/points/members/:id. */
export interface MemberPoints {
  member: { id: number; name: string };
  /** Balance across the groups shown (and the points not tied to a group). */
  balance: number;
  groups: { groupId: number; groupName: string; balance: number; earned: number; level: number; title: PointsTitle; streak: number; checkins: number }[];
  medals: { medal: string; groupId: number; period: string; awardedAt: string }[];
  entries: LedgerLine[];
}

/** POST /api/points/members/:id/adjust (201). */
export interface PointsAdjusted {
  memberId: number;
  groupId: number | null;
  points: number;
  reason: string;
  entryId: number;
  balance: number;
}
