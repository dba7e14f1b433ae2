import { parseSettings } from '../platforms/connection-settings.js';
import { connectablePlatforms, platformModule } from '../platforms/platform-registry.js';

export class ConnectionSettingsError extends Error {
  override readonly name = 'ConnectionSettingsError';
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
