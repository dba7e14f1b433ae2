import pino, { type DestinationStream, type Logger } from 'pino';
import { REDACTED, redactSecrets } from '../core/redact-secrets.js';

/** pino's error serializer, with token-shaped text redacted from the message and stack. */
function errorSerializer(error: Error): Record<string, unknown> {
  const out = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  for (const key of ['message', 'stack'] as const) if (typeof out[key] === 'string') out[key] = redactSecrets(out[key] as string);
  return out;
}

/**
 * Structured logs on stderr (stdout belongs to command output). Paths that could hold
 * secrets or member content are redacted wherever they appear, and errors have
 * anything shaped like a token cut from their message and stack.
 */
export function createLogger(level: string, name = 'hearth', destination: DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      name,
      level,
      redact: {
        paths: ['token', '*.token', 'secret', '*.secret', '*.password', '*.webhookSecret', '*.text', 'config', '*.config', 'settings', '*.settings', 'headers.authorization', 'headers.cookie'],
        censor: REDACTED,
      },
      serializers: { err: errorSerializer },
    },
    destination,
  );
}
