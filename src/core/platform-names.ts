/**
 * The platforms Hearth ships. Their modules live in `src/platforms/<name>/` and are
 * listed in the platform registry (`src/platforms/platform-registry.ts`).
 */
export const PLATFORMS = ['sandbox', 'telegram', 'wechat', 'discord'] as const;

export type BuiltInPlatform = (typeof PLATFORMS)[number];

/**
 * A platform's name: one Hearth ships, or one registered at run time (a test
 * platform proving the plug-in, a platform a deployment adds). Events, groups and
 * connections carry it; which names exist is the registry's business, so the type
 * stays open while the built-in names still autocomplete.
 */
export type Platform = BuiltInPlatform | (string & {});

/** A platform name's form: what a registered platform must be called. */
export const PLATFORM_NAME = /^[a-z][a-z0-9-]{1,31}$/;

const known = new Set<string>(PLATFORMS);

/** Whether `name` is a platform Hearth knows now (built in, or registered). */
export function isPlatform(name: unknown): name is Platform {
  return typeof name === 'string' && known.has(name);
}

/**
 * Makes a platform name known to event validation. Called by the platform registry
 * when a module is registered; nothing else should need it.
 */
export function addPlatformName(name: string): void {
  if (!PLATFORM_NAME.test(name)) throw new Error(`a platform name is 2–32 lowercase letters, digits or -, starting with a letter: ${JSON.stringify(name)}`);
  known.add(name);
}

/** Every platform known now, built-in ones first. */
export function platformNames(): Platform[] {
  return [...known];
}
