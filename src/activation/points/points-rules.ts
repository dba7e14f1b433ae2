/**
 * The pure rules of check-in and points: what a message asks (check in, make up a
 * day), the streak, what a check-in earns, which missed day a make-up fills, what a
 * message earns under the anti-farming cap, levels and titles, and the medals. No
 * database, no clock: the rule and the store give them what they read.
 */

import type { PointsLanguage, PointsLevel, PointsConfig } from '../../shared/points-records.js';

export type { PointsConfig } from '../../shared/points-records.js';
export type Language = PointsLanguage;
export type Level = PointsLevel;

export const DEFAULT_LEVELS: Level[] = [
  { threshold: 0, zh: '新人', en: 'Newcomer' },
  { threshold: 50, zh: '活跃成员', en: 'Regular' },
  { threshold: 200, zh: '热心群友', en: 'Enthusiast' },
  { threshold: 500, zh: '骨干', en: 'Core member' },
  { threshold: 1200, zh: '元老', en: 'Veteran' },
  { threshold: 3000, zh: '群星', en: 'Star' },
];

export const DEFAULT_POINTS_CONFIG: PointsConfig = {
  language: 'zh',
  checkin: {
    enabled: true,
    keywords: ['签到', '打卡', '/checkin', 'check in', 'checkin'],
    makeupKeywords: ['补签', '/makeup', 'make up'],
    points: 8,
    streakBonus: 1,
    streakBonusMax: 7,
    makeupDays: 3,
    makeupCost: 20,
  },
  message: { points: 1, dailyCap: 20, minLength: 5 },
  reply: { points: 2, dailyCap: 10 },
  invite: { points: 20 },
  commendation: true,
  levels: DEFAULT_LEVELS,
};

/** The longest keyword a member may configure; also the pre-check's bound on a check-in's length. */
export const MAX_KEYWORD_LENGTH = 24;

/** A setting that cannot be taken, naming what is wrong; nothing is stored. */
export class InvalidPointsConfigError extends Error {
  override readonly name = 'InvalidPointsConfigError';
}

const TRAILING = /[\s!！。.~～、,，]+$/u;

/** How a keyword and a message are compared: trimmed, case-folded, inner spaces collapsed, trailing punctuation dropped. */
export function normalizeKeyword(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ').replace(TRAILING, '');
}

/**
 * The cheap synchronous pre-check ingest runs on every message before any query:
 * only a short text can be a check-in or a make-up. Most messages stop here.
 */
export function mayBeCheckin(text: string): boolean {
  return text.length > 0 && text.length <= MAX_KEYWORD_LENGTH + 4;
}

/** What a message asks of check-in: a check-in, a make-up, or nothing. */
export function readCheckin(text: string, config: PointsConfig['checkin']): 'checkin' | 'makeup' | null {
  if (!config.enabled || !mayBeCheckin(text)) return null;
  const said = normalizeKeyword(text);
  if (said === '') return null;
  if (config.keywords.some((k) => normalizeKeyword(k) === said)) return 'checkin';
  if (config.makeupDays > 0 && config.makeupKeywords.some((k) => normalizeKeyword(k) === said)) return 'makeup';
  return null;
}

const DAY_MS = 86_400_000;

/** The calendar day `n` days after `day` ('YYYY-MM-DD'; n may be negative). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The run of consecutive checked-in days ending with `day` (0 when `day` itself is not checked in). */
export function streakEnding(days: ReadonlySet<string>, day: string): number {
  let streak = 0;
  for (let d = day; days.has(d); d = addDays(d, -1)) streak++;
  return streak;
}

/** What a check-in on the `streak`-th day in a row earns. */
export function checkinPoints(config: PointsConfig['checkin'], streak: number): number {
  return config.points + Math.min(Math.max(0, streak - 1) * config.streakBonus, config.streakBonusMax);
}

/**
 * The missed day a make-up fills: the latest day before `today`, within `makeupDays`,
 * not checked in; null when every such day is (nothing to make up) or make-up is off.
 */
export function makeupDay(days: ReadonlySet<string>, today: string, makeupDays: number): string | null {
  for (let n = 1; n <= makeupDays; n++) {
    const d = addDays(today, -n);
    if (!days.has(d)) return d;
  }
  return null;
}

/** What a member's messages earned in a group today: the count credited and the credited texts' hashes. */
export interface MessageDay {
  credited: number;
  replies: number;
  hashes: string[];
}

/** Counts the characters a member wrote, ignoring whitespace and punctuation, so "。。。。。" is not a message. */
export function meaningfulLength(text: string): number {
  let n = 0;
  for (const ch of text) if (/[\p{L}\p{N}]/u.test(ch)) n++;
  return n;
}

/** A short stable hash of a normalised text (FNV-1a), for the no-repeats check. */
export function textHash(text: string): string {
  const s = text.trim().toLowerCase().replace(/\s+/g, ' ');
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

export type MessageCredit = { kind: 'message' | 'reply'; points: number } | { kind: 'none'; why: 'off' | 'short' | 'repeat' | 'cap' };

/**
 * What one message earns under the anti-farming cap: a reply to someone earns the
 * reply points (their own cap), another message the message points; nothing when it
 * is shorter than the minimum, repeats a text already credited today, or the day's
 * cap is reached.
 */
export function messageCredit(config: PointsConfig, day: MessageDay, text: string, isReply: boolean): MessageCredit {
  const kind = isReply && config.reply.points > 0 ? 'reply' : 'message';
  const points = kind === 'reply' ? config.reply.points : config.message.points;
  if (points <= 0) return { kind: 'none', why: 'off' };
  if (meaningfulLength(text) < config.message.minLength) return { kind: 'none', why: 'short' };
  if (day.hashes.includes(textHash(text))) return { kind: 'none', why: 'repeat' };
  if (kind === 'reply' ? day.replies >= config.reply.dailyCap : day.credited >= config.message.dailyCap) return { kind: 'none', why: 'cap' };
  return { kind, points };
}

/** A member's level from their lifetime points: its number (1-based), titles, and the points the next one needs (null at the top). */
export function levelFor(levels: readonly Level[], earned: number): { level: number; zh: string; en: string; next: number | null } {
  const sorted = [...levels].sort((a, b) => a.threshold - b.threshold);
  let index = 0;
  for (let i = 0; i < sorted.length; i++) if (earned >= sorted[i]!.threshold) index = i;
  const at = sorted[index] ?? { threshold: 0, zh: '新人', en: 'Newcomer' };
  const next = sorted[index + 1];
  return { level: index + 1, zh: at.zh, en: at.en, next: next ? next.threshold : null };
}

/** The medals Hearth awards, each once per member and group (the monthly ones once per month). */
export const MEDALS = {
  'first-checkin': { zh: '初次签到', en: 'First check-in', monthly: false },
  'streak-7': { zh: '连续签到 7 天', en: '7-day streak', monthly: false },
  'streak-30': { zh: '连续签到 30 天', en: '30-day streak', monthly: false },
  'streak-100': { zh: '连续签到 100 天', en: '100-day streak', monthly: false },
  'top-points': { zh: '月度积分王', en: 'Points champion of the month', monthly: true },
  'top-helper': { zh: '月度最佳答疑', en: 'Top helper of the month', monthly: true },
  'top-inviter': { zh: '月度邀请之星', en: 'Top inviter of the month', monthly: true },
} as const satisfies Record<string, { zh: string; en: string; monthly: boolean }>;

export type Medal = keyof typeof MEDALS;

/** The medals a check-in with this streak earns (awarded once each: the store ignores one already held). */
export function checkinMedals(streak: number, firstEver: boolean): Medal[] {
  const medals: Medal[] = [];
  if (firstEver) medals.push('first-checkin');
  if (streak >= 7) medals.push('streak-7');
  if (streak >= 30) medals.push('streak-30');
  if (streak >= 100) medals.push('streak-100');
  return medals;
}

export function medalName(medal: string, language: Language): string {
  const known = (MEDALS as Record<string, { zh: string; en: string }>)[medal];
  return known ? known[language] : medal;
}

/** The reply to a check-in: "连续签到 5 天，+12 积分" and what else happened. */
export function checkinReply(
  language: Language,
  facts: { name: string; streak: number; points: number; balance: number; medals: readonly string[]; levelUp: { level: number; title: string } | null },
): string {
  const lines =
    language === 'zh'
      ? [`${facts.name} 签到成功！连续签到 ${facts.streak} 天，+${facts.points} 积分（共 ${facts.balance} 积分）`]
      : [`${facts.name} checked in! ${facts.streak}-day streak, +${facts.points} points (${facts.balance} in all)`];
  for (const medal of facts.medals) lines.push(language === 'zh' ? `🏅 获得勋章「${medalName(medal, 'zh')}」` : `🏅 Medal earned: ${medalName(medal, 'en')}`);
  if (facts.levelUp) lines.push(language === 'zh' ? `⬆️ 升级到 Lv${facts.levelUp.level}「${facts.levelUp.title}」` : `⬆️ Level ${facts.levelUp.level}: ${facts.levelUp.title}`);
  return lines.join('\n');
}

export function alreadyCheckedInReply(language: Language, name: string, streak: number): string {
  return language === 'zh' ? `${name} 今天已经签到过了，连续签到 ${streak} 天` : `${name}, you have already checked in today (${streak}-day streak)`;
}

export function makeupReply(language: Language, facts: { name: string; day: string; cost: number; streak: number; balance: number }): string {
  const md = facts.day.slice(5);
  return language === 'zh'
    ? `${facts.name} 补签 ${md} 成功，-${facts.cost} 积分，当前连续签到 ${facts.streak} 天（剩 ${facts.balance} 积分）`
    : `${facts.name} made up ${md} for ${facts.cost} points; streak now ${facts.streak} days (${facts.balance} points left)`;
}

export function makeupRefusal(language: Language, facts: { name: string; reason: 'nothing' | 'insufficient'; cost: number; balance: number; days: number }): string {
  if (facts.reason === 'nothing')
    return language === 'zh' ? `${facts.name} 最近 ${facts.days} 天没有需要补签的日子` : `${facts.name}, there is no missed day in the last ${facts.days} days to make up`;
  return language === 'zh' ? `${facts.name} 补签需要 ${facts.cost} 积分，当前只有 ${facts.balance} 积分` : `${facts.name}, a make-up costs ${facts.cost} points and you have ${facts.balance}`;
}

/** One line of a month's leaderboard, as the commendation post shows it. */
export interface BoardLine {
  name: string;
  points: number;
}

/** The monthly commendation post (表彰大会): the month's top members and the medals awarded. */
export function commendationText(language: Language, month: string, board: readonly BoardLine[], medals: readonly { name: string; medal: string }[]): string {
  const ranks = ['🥇', '🥈', '🥉'];
  const lines: string[] = [language === 'zh' ? `🎉 ${month} 月度表彰大会` : `🎉 Commendation for ${month}`];
  lines.push(language === 'zh' ? '本月积分榜：' : "This month's leaderboard:");
  board.forEach((line, i) => lines.push(`${ranks[i] ?? `${i + 1}.`} ${line.name} ${line.points}${language === 'zh' ? ' 积分' : ' points'}`));
  if (medals.length > 0) {
    lines.push(language === 'zh' ? '本月勋章：' : 'Medals this month:');
    for (const m of medals) lines.push(`🏅 ${m.name}「${medalName(m.medal, language)}」`);
  }
  lines.push(language === 'zh' ? '感谢大家的陪伴，下个月继续加油！' : 'Thank you all, see you on the board next month!');
  return lines.join('\n');
}

/** The month ('YYYY-MM') before the one `day` falls in. */
export function previousMonth(day: string): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

const POINT_LIMIT = 100_000;

function int(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new InvalidPointsConfigError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return value;
}

function keywords(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || value.length > 20) throw new InvalidPointsConfigError(`${name} must be a list of at most 20 keywords`);
  const out = value.map((k) => {
    if (typeof k !== 'string' || normalizeKeyword(k) === '' || k.trim().length > MAX_KEYWORD_LENGTH)
      throw new InvalidPointsConfigError(`${name}: each keyword is 1 to ${MAX_KEYWORD_LENGTH} characters, got ${JSON.stringify(k)}`);
    return k.trim();
  });
  return out;
}

/** A deep partial of the config, as an operator changes it. */
export type PointsConfigChanges = {
  language?: Language;
  checkin?: Partial<PointsConfig['checkin']>;
  message?: Partial<PointsConfig['message']>;
  reply?: Partial<PointsConfig['reply']>;
  invite?: Partial<PointsConfig['invite']>;
  commendation?: boolean;
  levels?: Level[];
};

/** Applies changes to a config, checking every field; throws {@link InvalidPointsConfigError} naming the first bad one. */
export function applyConfigChanges(base: PointsConfig, changes: PointsConfigChanges): PointsConfig {
  const c = {
    ...base,
    ...changes,
    checkin: { ...base.checkin, ...changes.checkin },
    message: { ...base.message, ...changes.message },
    reply: { ...base.reply, ...changes.reply },
    invite: { ...base.invite, ...changes.invite },
  };
  if (c.language !== 'zh' && c.language !== 'en') throw new InvalidPointsConfigError(`language must be zh or en, got ${JSON.stringify(c.language)}`);
  if (typeof c.checkin.enabled !== 'boolean') throw new InvalidPointsConfigError('checkin.enabled must be true or false');
  if (typeof c.commendation !== 'boolean') throw new InvalidPointsConfigError('commendation must be true or false');
  c.checkin.keywords = keywords(c.checkin.keywords, 'checkin.keywords');
  c.checkin.makeupKeywords = keywords(c.checkin.makeupKeywords, 'checkin.makeupKeywords');
  if (c.checkin.enabled && c.checkin.keywords.length === 0) throw new InvalidPointsConfigError('checkin.keywords must name at least one keyword while check-in is on');
  const clash = c.checkin.keywords.find((k) => c.checkin.makeupKeywords.some((m) => normalizeKeyword(m) === normalizeKeyword(k)));
  if (clash) throw new InvalidPointsConfigError(`"${clash}" cannot be both a check-in and a make-up keyword`);
  int(c.checkin.points, 'checkin.points', 0, POINT_LIMIT);
  int(c.checkin.streakBonus, 'checkin.streakBonus', 0, POINT_LIMIT);
  int(c.checkin.streakBonusMax, 'checkin.streakBonusMax', 0, POINT_LIMIT);
  int(c.checkin.makeupDays, 'checkin.makeupDays', 0, 30);
  int(c.checkin.makeupCost, 'checkin.makeupCost', 0, POINT_LIMIT);
  int(c.message.points, 'message.points', 0, POINT_LIMIT);
  int(c.message.dailyCap, 'message.dailyCap', 0, 1000);
  int(c.message.minLength, 'message.minLength', 0, 1000);
  int(c.reply.points, 'reply.points', 0, POINT_LIMIT);
  int(c.reply.dailyCap, 'reply.dailyCap', 0, 1000);
  int(c.invite.points, 'invite.points', 0, POINT_LIMIT);
  if (!Array.isArray(c.levels) || c.levels.length === 0 || c.levels.length > 20) throw new InvalidPointsConfigError('levels must be a list of 1 to 20 levels');
  c.levels = c.levels.map((l, i) => {
    if (typeof l !== 'object' || l === null) throw new InvalidPointsConfigError(`levels[${i}] must be { threshold, zh, en }`);
    const threshold = int(l.threshold, `levels[${i}].threshold`, 0, 100_000_000);
    for (const lang of ['zh', 'en'] as const)
      if (typeof l[lang] !== 'string' || l[lang].trim() === '' || l[lang].length > 40) throw new InvalidPointsConfigError(`levels[${i}].${lang} must be a title of 1 to 40 characters`);
    return { threshold, zh: l.zh.trim(), en: l.en.trim() };
  });
  c.levels.sort((a, b) => a.threshold - b.threshold);
  if (c.levels[0]!.threshold !== 0) throw new InvalidPointsConfigError('levels must start at threshold 0');
  if (new Set(c.levels.map((l) => l.threshold)).size !== c.levels.length) throw new InvalidPointsConfigError('levels must have distinct thresholds');
  return c;
}

/** Reads a stored config over the defaults (a field added later takes its default). */
export function parseStoredConfig(json: string): PointsConfig {
  try {
    return applyConfigChanges(DEFAULT_POINTS_CONFIG, JSON.parse(json) as PointsConfigChanges);
  } catch {
    return DEFAULT_POINTS_CONFIG;
  }
}
