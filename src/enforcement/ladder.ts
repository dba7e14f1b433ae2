import { z } from 'zod';

/**
 * The escalation ladder and the detectors' settings, as data: a workspace's own, and a
 * group's override on top of it. Pure: parsing, merging, choosing the step.
 *
 * A strike counts for `strikeDays`; the n-th unexpired strike of a member (in the
 * whole workspace) takes the ladder's n-th step, the last step repeating.
 */

const HOUR = 3600;
const DAY = 86_400;

/** What a step does: `ban` bans in every group of the workspace, on every platform. */
export const STEP_KINDS = ['warn', 'mute', 'remove', 'ban'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** What runs instead of a mute or a ban the group's platform cannot do. */
export const STEP_FALLBACKS = ['warn', 'remove', 'alert'] as const;
export type StepFallback = (typeof STEP_FALLBACKS)[number];

export const ladderStepSchema = z.object({
  kind: z.enum(STEP_KINDS),
  /** A mute's length; unset: until lifted. */
  seconds: z
    .number()
    .int()
    .min(30)
    .max(366 * DAY)
    .optional(),
  /**
   * Where the platform lacks the step's capability (WeChat cannot mute): `warn` (only
   * the explanation), `remove` (take the member out), `alert` (ask an operator to do it
   * by hand). Default: alert.
   */
  fallback: z.enum(STEP_FALLBACKS).optional(),
});
export type LadderStep = z.infer<typeof ladderStepSchema>;

const memberIds = z.array(z.number().int().positive()).max(1000);
const keyword = z.string().trim().min(1).max(100);

export const detectorSettingsSchema = z.object({
  /** The spam verdict of the workspace's model (src/antispam). */
  spam: z.boolean(),
  /** `messages` or more in `seconds` from one member in one group. */
  flood: z.object({ messages: z.number().int().min(2).max(100), seconds: z.number().int().min(1).max(3600) }).nullable(),
  /** The same text `times` times within `minutes`. */
  repeat: z.object({ times: z.number().int().min(2).max(50), minutes: z.number().int().min(1).max(1440) }).nullable(),
  /** Links and QR-code images from members who joined less than `newMemberDays` ago (or from anyone not allow-listed, with `everyone`). */
  links: z.object({ newMemberDays: z.number().int().min(0).max(365), everyone: z.boolean() }).nullable(),
  /** Phone numbers, WeChat / QQ ids and "add me" invitations, disguised ones too. */
  contact: z.boolean(),
  /** Banned keywords (a group's are added to its workspace's). */
  keywords: z.array(keyword).max(500),
});
export type DetectorSettings = z.infer<typeof detectorSettingsSchema>;

export const enforcementSettingsSchema = z.object({
  enabled: z.boolean(),
  /** The language members are told in. */
  language: z.enum(['zh-CN', 'en']),
  steps: z.array(ladderStepSchema).min(1).max(10),
  /** How long a strike counts. */
  strikeDays: z.number().int().min(1).max(365),
  detectors: detectorSettingsSchema,
  /** Staff (owner, admins, the operation account): never caught. */
  staff: memberIds,
  /** Members who may post links and QR codes. */
  allowList: memberIds,
});
export type EnforcementSettings = z.infer<typeof enforcementSettingsSchema>;

/** A group's override: any part of the workspace's settings; its lists are added to the workspace's. */
export const enforcementOverrideSchema = enforcementSettingsSchema.partial().extend({ detectors: detectorSettingsSchema.partial().optional() });
export type EnforcementOverride = z.infer<typeof enforcementOverrideSchema>;

/** The settings a workspace has before an operator sets any: off, with the seeds' ladder ready. */
export const DEFAULT_ENFORCEMENT: EnforcementSettings = {
  enabled: false,
  language: 'zh-CN',
  steps: [{ kind: 'warn' }, { kind: 'mute', seconds: HOUR }, { kind: 'mute', seconds: DAY }, { kind: 'remove' }, { kind: 'ban' }],
  strikeDays: 30,
  detectors: { spam: true, flood: { messages: 8, seconds: 10 }, repeat: { times: 3, minutes: 10 }, links: { newMemberDays: 3, everyone: false }, contact: true, keywords: [] },
  staff: [],
  allowList: [],
};

/**
 * The settings that apply in one group: the workspace's (or the default), with the
 * group's override on top; keyword, staff and allow lists add up.
 */
export function effectiveSettings(workspace: EnforcementSettings | null, group: EnforcementOverride | null): EnforcementSettings {
  const base = workspace ?? DEFAULT_ENFORCEMENT;
  if (!group) return base;
  const union = <T>(a: readonly T[], b: readonly T[] | undefined) => [...new Set([...a, ...(b ?? [])])];
  return {
    ...base,
    ...withoutUndefined(group),
    detectors: { ...base.detectors, ...withoutUndefined(group.detectors ?? {}), keywords: union(base.detectors.keywords, group.detectors?.keywords) },
    staff: union(base.staff, group.staff),
    allowList: union(base.allowList, group.allowList),
  };
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The step a member's next violation takes, given their unexpired strikes before it (0-based index too). */
export function stepFor(steps: readonly LadderStep[], strikesBefore: number): { index: number; step: LadderStep } {
  const index = Math.min(Math.max(0, strikesBefore), steps.length - 1);
  return { index, step: steps[index]! };
}

/**
 * A ladder written the short way, as the CLI takes it: steps separated by `→`, `>` or
 * commas, each `warn`, `mute:<duration>`, `remove` or `ban`, a fallback after `/`
 * (`mute:1h/remove`). Durations: `30m`, `1h`, `1d`, or seconds.
 *
 * @example parseLadder('warn, mute:1h, mute:1d/remove, remove, ban') // five steps
 */
export function parseLadder(text: string): LadderStep[] {
  const parts = text
    .split(/\s*(?:→|->|>|,)\s*/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new LadderSyntaxError('a ladder needs at least one step');
  return parts.map((part) => {
    const m = /^(warn|mute|remove|ban)(?::([0-9]+[smhd]?))?(?:\/(warn|remove|alert))?$/i.exec(part);
    if (!m) throw new LadderSyntaxError(`${JSON.stringify(part)} is not a step (warn, mute:1h, remove, ban; a fallback after /)`);
    const kind = m[1]!.toLowerCase() as StepKind;
    if (m[2] && kind !== 'mute') throw new LadderSyntaxError(`only a mute has a duration: ${JSON.stringify(part)}`);
    const step: LadderStep = { kind };
    if (m[2]) step.seconds = parseDuration(m[2]);
    if (m[3]) step.fallback = m[3].toLowerCase() as StepFallback;
    const checked = ladderStepSchema.safeParse(step);
    if (!checked.success) throw new LadderSyntaxError(`${JSON.stringify(part)}: ${checked.error.issues[0]?.message ?? 'invalid'}`);
    return checked.data;
  });
}

/** The short form {@link parseLadder} reads. */
export function formatLadder(steps: readonly LadderStep[]): string {
  return steps.map((s) => `${s.kind}${s.seconds !== undefined ? `:${formatDuration(s.seconds)}` : ''}${s.fallback ? `/${s.fallback}` : ''}`).join(' → ');
}

export class LadderSyntaxError extends Error {
  override readonly name = 'LadderSyntaxError';
}

function parseDuration(text: string): number {
  const n = Number.parseInt(text, 10);
  const unit = text.at(-1);
  return unit === 'd' ? n * DAY : unit === 'h' ? n * HOUR : unit === 'm' ? n * 60 : n;
}

/** `3600` → `1h`, `86400` → `1d`, `90` → `90s`. */
export function formatDuration(seconds: number): string {
  if (seconds % DAY === 0) return `${seconds / DAY}d`;
  if (seconds % HOUR === 0) return `${seconds / HOUR}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
