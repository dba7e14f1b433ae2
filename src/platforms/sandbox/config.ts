import type { RateLimit } from '../platform-adapter.js';

/** The sandbox bot's own identity in its rooms. */
export const SANDBOX_BOT = { id: 'hearth-bot', name: 'Hearth' } as const;

/** Generous, but real: the dispatcher's limiting is exercised on the sandbox too. */
export const SANDBOX_RATE_LIMITS: readonly RateLimit[] = [
  { scope: 'group', limit: 20, windowMs: 1_000 },
  { scope: 'global', limit: 200, windowMs: 1_000 },
];
