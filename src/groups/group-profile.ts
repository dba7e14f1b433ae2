import { z } from 'zod';
import { isTimeZone } from '../core/calendar.js';
import { GROUP_PURPOSES, GROUP_TYPES } from '../shared/group-profile-terms.js';

export { GROUP_PURPOSES, GROUP_TYPES };

const PROFILE_TEXT_MAX = 500;

/** A profile field: text (trimmed; empty clears it) or null to clear it. */
const text = (max = PROFILE_TEXT_MAX) =>
  z
    .string()
    .max(max)
    .nullable()
    .transform((v) => (v === null || v.trim() === '' ? null : v.trim()));

/**
 * A change to a group's positioning, every field optional; the purpose and type take
 * the seeds' words (any other type is refused, naming the ones there are), the rest
 * is the operator's own text.
 */
export const groupProfileChangeSchema = z
  .object({
    purpose: z.enum(GROUP_PURPOSES).nullable().optional(),
    type: z.enum(GROUP_TYPES).nullable().optional(),
    theme: text(200).optional(),
    audience: text().optional(),
    promise: text().optional(),
    namingRule: text(200).optional(),
    timezone: z
      .string()
      .refine(isTimeZone, { error: (issue) => `unknown time zone ${JSON.stringify(issue.input)}` })
      .optional(),
  })
  .strict();

export type GroupProfileChange = z.infer<typeof groupProfileChangeSchema>;

/** A group's positioning as the API, the CLI and the dashboard show it. */
export interface GroupProfileView {
  purpose: string | null;
  type: string | null;
  theme: string | null;
  audience: string | null;
  promise: string | null;
  namingRule: string | null;
  timezone: string;
}

export { followsNamingRule } from '../shared/naming-rule.js';
