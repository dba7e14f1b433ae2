import pino, { type DestinationStream, type Logger } from 'pino';

const CENSOR = '[redacted]';

/**
 * Credentials by their shape, wherever they turn up in free text (an error message
 * quoting a URL, a stack): Telegram bot tokens (`123456789:AA…`), Discord bot tokens
 * (three dot-separated base64url parts), and secrets in `bot<token>/` API paths.
 */
const SECRET_SHAPES = [/\d{3,20}:[A-Za-z0-9_-]{20,100}/g, /[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}/g];

/** Free text with anything shaped like a platform token replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  return SECRET_SHAPES.reduce((t, shape) => t.replace(shape, CENSOR), text);
}

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
        censor: CENSOR,
      },
      serializers: { err: errorSerializer },
    },
    destination,
  );
}
