import { redactSecrets } from '../../core/redact-secrets.js';
import { PlatformError } from '../platform-adapter.js';
import { WECHAT_FAILURE_COOLDOWN_MS } from './config.js';

/**
 * The secret strings of a connection's puppet options (a puppet-service token, a
 * password): every message that leaves the adapter is scrubbed of them, since
 * puppets and gRPC errors sometimes quote what they were given.
 */
export function secretsOf(puppetOptions: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (value: unknown, depth: number) => {
    if (typeof value === 'string' && value.length >= 6) out.push(value);
    else if (value && typeof value === 'object' && depth < 3 && Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) walk(v, depth + 1);
  };
  walk(puppetOptions, 0);
  return out.sort((a, b) => b.length - a.length);
}

const NOT_FOUND = /no payload|not ?found|not exist|does not exist/i;
const NOT_LOGGED_IN = /not logged ?in|login first|logged out/i;

/**
 * A puppet's failure as a PlatformError. Puppets throw plain errors with no status,
 * so: a room or contact the account cannot see is final; anything else (network,
 * not logged in, the service busy) may pass, and is retried no sooner than a minute
 * later — on WeChat hammering a failing send is itself a risk signal.
 */
export function wechatError(method: string, error: unknown, secrets: readonly string[]): PlatformError {
  if (error instanceof PlatformError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const message = redactSecrets(raw.split('\n')[0]!.slice(0, 300), secrets);
  const code = error && typeof error === 'object' && 'code' in error && (typeof error.code === 'string' || typeof error.code === 'number') ? error.code : undefined;
  if (NOT_LOGGED_IN.test(raw)) return new PlatformError('wechat', method, `the account is not logged in: ${message}`, true, WECHAT_FAILURE_COOLDOWN_MS, code ?? 'not_logged_in');
  if (NOT_FOUND.test(raw)) return new PlatformError('wechat', method, message, false, undefined, code ?? 'not_found');
  return new PlatformError('wechat', method, message, true, WECHAT_FAILURE_COOLDOWN_MS, code ?? 'puppet_error');
}
