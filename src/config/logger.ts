import pino, { type Logger } from 'pino';

/**
 * Structured logs on stderr (stdout belongs to command output). Paths that could hold
 * secrets or member content are redacted wherever they appear.
 */
export function createLogger(level: string, name = 'hearth'): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: ['*.token', '*.secret', '*.password', '*.text', 'config', '*.config', 'headers.authorization', 'headers.cookie'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}
