import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** How many failed sign-ins are allowed in a window, per email and address, and per address alone. */
export interface ThrottlePolicy {
  windowMs: number;
  perEmailAndIp: number;
  perIp: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { windowMs: 15 * 60_000, perEmailAndIp: 5, perIp: 50 };

const KEEP_MS = 86_400_000;

/**
 * The sign-in rate limit, kept in the database so a restart does not reset it and
 * several web processes share it. A success clears the email+address count.
 */
export class LoginThrottle {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
  ) {}

  /** When this email may try again from this address (epoch ms), or null when it may try now. */
  async blockedUntil(email: string, ip: string, now: number): Promise<number | null> {
    const since = now - this.policy.windowMs;
    const lastSuccess = await this.db
      .selectFrom('login_attempt')
      .select((eb) => eb.fn.max<number>('at').as('at'))
      .where('email', '=', email)
      .where('ip', '=', ip)
      .where('succeeded', '=', 1)
      .where('at', '>', since)
      .executeTakeFirst();
    const from = Math.max(since, Number(lastSuccess?.at ?? 0));
    const pair = await this.db
      .selectFrom('login_attempt')
      .select('at')
      .where('email', '=', email)
      .where('ip', '=', ip)
      .where('succeeded', '=', 0)
      .where('at', '>', from)
      .orderBy('at', 'desc')
      .limit(this.policy.perEmailAndIp)
      .execute();
    let until: number | null = null;
    if (pair.length >= this.policy.perEmailAndIp) until = pair.at(-1)!.at + this.policy.windowMs;
    const address = await this.db
      .selectFrom('login_attempt')
      .select('at')
      .where('ip', '=', ip)
      .where('succeeded', '=', 0)
      .where('at', '>', since)
      .orderBy('at', 'desc')
      .limit(this.policy.perIp)
      .execute();
    if (address.length >= this.policy.perIp) until = Math.max(until ?? 0, address.at(-1)!.at + this.policy.windowMs);
    return until !== null && until > now ? until : null;
  }

  async record(email: string, ip: string, succeeded: boolean, now: number): Promise<void> {
    await this.db
      .insertInto('login_attempt')
      .values({ email, ip, at: now, succeeded: succeeded ? 1 : 0 })
      .execute();
    if (succeeded)
      await this.db
        .deleteFrom('login_attempt')
        .where('at', '<', now - KEEP_MS)
        .execute();
  }
}
