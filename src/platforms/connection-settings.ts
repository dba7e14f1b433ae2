import { z } from 'zod';
import type { Platform } from '../core/event.js';

/** A connection's settings do not fit its platform: names each field and why, never a value (they hold tokens). */
export class InvalidSettingsError extends Error {
  override readonly name = 'InvalidSettingsError';
  constructor(
    readonly platform: Platform,
    readonly issues: string[],
  ) {
    super(`invalid ${platform} connection settings: ${issues.join('; ')}`);
  }
}

/** Validates a connection's settings with its platform's schema, or throws InvalidSettingsError. */
export function parseSettings<S extends z.ZodType>(platform: Platform, schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new InvalidSettingsError(
      platform,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`),
    );
  return parsed.data;
}

/** One sending window an operator may set in a connection's settings (`rateLimits`), in place of the platform's defaults. */
export const rateLimitSettingSchema = z.object({
  scope: z.enum(['group', 'global']),
  limit: z.number().int().positive(),
  windowMs: z.number().int().positive(),
});
