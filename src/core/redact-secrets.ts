/** What a secret is replaced by, in messages and logs alike. */
export const REDACTED = '[redacted]';

/**
 * Credentials by their shape, wherever they turn up in free text (an error message
 * quoting a URL, a stack): Telegram bot tokens (`123456789:AA…`, also inside
 * `bot<token>/` API paths) and Discord bot tokens (three dot-separated base64url parts).
 */
const SECRET_SHAPES = [/\d{3,20}:[A-Za-z0-9_-]{20,100}/g, /[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}/g];

/**
 * Free text with a connection's known secrets (its token, a puppet's password) and
 * anything shaped like a platform token replaced by `[redacted]`. Every message that
 * can leave an adapter or reach a log goes through it: SDKs and HTTP clients quote
 * the URLs and options they were given.
 *
 * @example redactSecrets('GET /bot123:AAE…/getMe failed', [token]) // 'GET /bot[redacted]/getMe failed'
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret that contains another is cut whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) if (secret) out = out.split(secret).join(REDACTED);
  return SECRET_SHAPES.reduce((t, shape) => t.replace(shape, REDACTED), out);
}
