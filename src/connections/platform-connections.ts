import { InvalidSettingsError, parseSettings } from '../platforms/connection-settings.js';
import { PlatformError, type SetupContext } from '../platforms/platform-module.js';
import { connectablePlatforms, platformModule } from '../platforms/platform-registry.js';

/**
 * A connection's settings cannot be used: the schema refuses them, or the platform
 * does (a token it does not know), or it could not be asked. `status` is the HTTP
 * answer: 400 for what the operator must change, 502 when the platform could not be
 * reached. Names the fields and the platform's words, never a credential.
 */
export class ConnectionSettingsError extends Error {
  override readonly name = 'ConnectionSettingsError';
  constructor(
    message: string,
    readonly status: 400 | 502 = 400,
  ) {
    super(message);
  }
}

/**
 * Checks a connection's settings with its platform module's own schema before they
 * are stored. The error names the fields, never their values (they hold tokens).
 */
export function validateConnectionSettings(platform: string, settings: unknown): Record<string, unknown> {
  const schema = platformModule(platform)?.settingsSchema;
  if (!schema) throw new ConnectionSettingsError(`cannot connect a ${platform} account; platforms: ${connectablePlatforms().join(', ')}`);
  try {
    parseSettings(platform, schema, settings);
  } catch (error) {
    throw new ConnectionSettingsError(error instanceof Error ? error.message : String(error));
  }
  return settings as Record<string, unknown>;
}

/**
 * Checks settings with the schema and then with the platform itself (the module's
 * `prepare`: a Telegram token with getMe), and returns them completed, ready to
 * store. Throws ConnectionSettingsError; nothing has been stored then.
 */
export async function prepareConnectionSettings(platform: string, settings: Record<string, unknown>, context: SetupContext): Promise<Record<string, unknown>> {
  const module = platformModule(platform);
  if (!module?.prepare) return validateConnectionSettings(platform, settings);
  if (!module.settingsSchema) throw new ConnectionSettingsError(`cannot connect a ${platform} account; platforms: ${connectablePlatforms().join(', ')}`);
  let prepared: Record<string, unknown>;
  try {
    prepared = await module.prepare(settings, context);
  } catch (error) {
    throw settingsErrorOf(error);
  }
  return validateConnectionSettings(platform, prepared);
}

/** A platform's refusal as the operator should read it: 400 for what they must fix, 502 when the platform could not be reached. */
export function settingsErrorOf(error: unknown): Error {
  if (error instanceof InvalidSettingsError) return new ConnectionSettingsError(error.message);
  if (error instanceof PlatformError) return new ConnectionSettingsError(error.message, error.retryable ? 502 : 400);
  return error instanceof Error ? error : new Error(String(error));
}
