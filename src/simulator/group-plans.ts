import type { GroupHealth, GroupType, SimulatedGroup } from './community-simulator.js';
import { commonPhrases, type CommonPhrases } from './chat-phrases.js';
import { GROUP_ARCHETYPES, type GroupArchetype, type PhraseBank } from './group-archetypes.js';
import { HEALTH_PROFILES, type HealthProfile } from './health-profiles.js';
import { DAY, MINUTE } from './local-time.js';
import type { NameLocale } from './member-names.js';
import { Rng } from './random.js';

/** A simulated group plus everything fixed about how it behaves. */
export interface GroupPlan {
  readonly index: number;
  readonly group: SimulatedGroup;
  readonly locale: NameLocale;
  readonly archetype: GroupArchetype;
  readonly phrases: PhraseBank;
  readonly common: CommonPhrases;
  readonly topics: readonly string[];
  readonly profile: HealthProfile;
  /** Messages per day at activity level 1 and intensity 1. */
  readonly baseDaily: number;
  /** Invite-link names members arrive through (`via: 'link'`). */
  readonly linkChannels: readonly string[];
  /** Invitation codes handed out (`via: 'code'`). */
  readonly inviteCodes: readonly string[];
}

// The first six groups show one of each type and the spread of health the demo
// needs; beyond six, both cycle at different strides so every pairing occurs.
const TYPE_CYCLE: readonly GroupType[] = ['interest', 'resource', 'product', 'industry', 'consultant', 'knowledge'];
const HEALTH_CYCLE: readonly GroupHealth[] = ['healthy', 'steady', 'healthy', 'declining', 'dying', 'new'];
const LOCALE_CYCLE: readonly NameLocale[] = ['zh', 'en', 'zh', 'en', 'zh', 'zh'];

const ZH_ZONES = ['Asia/Shanghai', 'Asia/Shanghai', 'Asia/Shanghai', 'Asia/Shanghai', 'Asia/Singapore', 'Asia/Hong_Kong'];
const EN_ZONES = ['Europe/Berlin', 'America/New_York', 'Europe/London', 'America/Los_Angeles', 'Asia/Singapore', 'Australia/Sydney'];
const ZH_LINK_CHANNELS = ['bilibili', 'douyin', 'zhihu', 'xiaohongshu', 'moments', 'weibo', 'wechat-article'];
const EN_LINK_CHANNELS = ['twitter', 'reddit', 'newsletter', 'youtube', 'producthunt', 'linkedin', 'website'];
const CAMPAIGNS = ['spring-fair', 'meetup', 'launch', 'open-day', 'webinar', 'summer-sale', 'year-end', 'campus'];
const CODE_PREFIXES: Readonly<Record<SimulatedGroup['purpose'], string>> = { sell: 'VIP', service: 'CLIENT', network: 'PARTNER', interest: 'FRIEND' };
const CODE_CHARS = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function pickSome<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0) chosen.push(pool.splice(rng.int(0, pool.length), 1)[0] as T);
  return chosen;
}

function inviteCode(rng: Rng, purpose: SimulatedGroup['purpose']): string {
  let tail = '';
  for (let i = 0; i < 4; i++) tail += CODE_CHARS.charAt(rng.int(0, CODE_CHARS.length));
  return `${CODE_PREFIXES[purpose]}-${tail}`;
}

function numberedTitle(title: string, copy: number, locale: NameLocale): string {
  if (copy === 1) return title;
  return locale === 'zh' ? `${title}（${copy}群）` : `${title} #${copy}`;
}

/**
 * Plans `count` groups for a community. Deterministic in (seed, start, count), and
 * group i's plan does not depend on count, so a bigger community extends a smaller one.
 */
export function planGroups(seed: number, start: number, count: number): GroupPlan[] {
  const titleCopies = new Map<string, number>();
  const plans: GroupPlan[] = [];
  for (let index = 0; index < count; index++) {
    const rng = Rng.from(seed, 0x67726f75, index);
    const cycle = Math.floor(index / TYPE_CYCLE.length);
    const type = TYPE_CYCLE[(index + cycle) % TYPE_CYCLE.length] as GroupType;
    const health = HEALTH_CYCLE[index % HEALTH_CYCLE.length] as GroupHealth;
    const locale: NameLocale = index < LOCALE_CYCLE.length ? (LOCALE_CYCLE[index] as NameLocale) : rng.chance(0.6) ? 'zh' : 'en';
    const archetype = GROUP_ARCHETYPES[type];
    const theme = archetype.themes[(rng.int(0, archetype.themes.length) + cycle) % archetype.themes.length];
    if (!theme) throw new Error(`group type ${type} has no themes`);
    const text = theme[locale];
    const copy = (titleCopies.get(text.title) ?? 0) + 1;
    titleCopies.set(text.title, copy);
    const profile = HEALTH_PROFILES[health];
    const [minDays, maxDays] = profile.createdAfterDays;
    const createdAt = start + Math.round((rng.range(minDays, maxDays) * DAY) / MINUTE) * MINUTE;
    const linkChannels = pickSome(rng, locale === 'zh' ? ZH_LINK_CHANNELS : EN_LINK_CHANNELS, rng.int(3, 5));
    for (const campaign of pickSome(rng, CAMPAIGNS, rng.int(1, 3))) linkChannels.push(`poster-${campaign}`);
    const inviteCodes = Array.from({ length: rng.int(2, 4) }, () => inviteCode(rng, theme.purpose));
    const room = `sim-${index + 1}`;
    plans.push({
      index,
      group: {
        room,
        title: numberedTitle(text.title, copy, locale),
        type,
        health,
        purpose: theme.purpose,
        theme: text.theme,
        audience: text.audience,
        timezone: rng.pick(locale === 'zh' ? ZH_ZONES : EN_ZONES),
        createdAt,
      },
      locale,
      archetype,
      phrases: archetype[locale],
      common: commonPhrases(locale),
      topics: text.topics,
      profile,
      baseDaily: rng.range(380, 520),
      linkChannels,
      inviteCodes,
    });
  }
  return plans;
}
