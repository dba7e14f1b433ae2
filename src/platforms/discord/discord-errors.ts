import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { redactSecrets } from '../../core/redact-secrets.js';
import { PlatformError } from '../platform-adapter.js';

/**
 * A REST failure as a PlatformError. 429 (Discord's, or the REST client's own
 * bucket bookkeeping) is retryable after Discord's retry_after; 5xx and network
 * failures are retryable; 4xx — 403 missing permissions, 404 unknown channel,
 * member or message, 400 bad request, 401 bad token — are final. The message holds
 * the status, Discord's words and its error code, never the token.
 */
export function discordError(method: string, error: unknown, secrets: readonly string[]): PlatformError {
  if (error instanceof PlatformError) return error;
  const clean = (text: string) => redactSecrets(text.split('\n')[0]!.slice(0, 300), secrets);
  if (error instanceof RateLimitError) {
    return new PlatformError(
      'discord',
      method,
      `rate limited${error.global ? ' (global)' : ''} on ${error.route}; retry after ${error.retryAfter} ms`,
      true,
      Math.max(0, Math.ceil(error.retryAfter)),
      429,
    );
  }
  if (error instanceof DiscordAPIError) {
    const retryAfter = retryAfterOf(error.rawError);
    const text = clean(`${error.status} ${error.message}${typeof error.code === 'number' ? ` (code ${error.code})` : ''}`);
    if (error.status === 429) return new PlatformError('discord', method, text, true, retryAfter, 429);
    return new PlatformError('discord', method, text, error.status >= 500, undefined, error.status);
  }
  if (error instanceof HTTPError) return new PlatformError('discord', method, clean(`${error.status} ${error.message}`), error.status >= 500 || error.status === 408, undefined, error.status);
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return new PlatformError('discord', method, `network: ${clean(message)}`, true, undefined, typeof code === 'string' || typeof code === 'number' ? code : 'network');
}

function retryAfterOf(raw: unknown): number | undefined {
  const seconds = raw && typeof raw === 'object' && 'retry_after' in raw ? Number(raw.retry_after) : NaN;
  return Number.isFinite(seconds) ? Math.ceil(seconds * 1000) : undefined;
}
