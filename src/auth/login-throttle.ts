import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../store/dialect.js';
import type { Database } from '../store/schema.js';

/** How many failed sign-ins are allowed in a window, per email and address, and per address alone. */
export interface ThrottlePolicy {
  windowMs: number;
  perEmailAndIp: number;
  perIp: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { windowMs: 15 * 60_000, perEmailAndIp: 5, perIp: 50 };

const KEEP_MS = 86_400_000;

/** A sign-in attempt may go ahead (its reservation, to settle with the verdict), or is refused until a time. */
export type ThrottleAnswer = { allowed: true; attempt: number } | { allowed: false; until: number };

/**
 * The sign-in rate limit, kept in the database so a restart does not reset it and
 * several web processes share it. An attempt is counted as failed from the moment it
 * is let through, before its password is checked: a hundred sent at once are not all
 * checked, only as many as the allowance. A success clears the email+address count.
 */
export class LoginThrottle {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
    private readonly dialect: Dialect = 'sqlite',
  ) {}

  /**
   * Lets one attempt through, or says until when this email may not try from this
   * address. The check and the reservation are one transaction, taken in turns per
   * address (SQLite's one connection; a PostgreSQL transaction lock on the address).
   */
  async begin(email: string, ip: string, now: number): Promise<ThrottleAnswer> {
    return this.db.transaction().execute(async (trx) => {
      if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`hearth-login:${ip}`}))`.execute(trx);
      const until = await blockedUntil(trx, this.policy, email, ip, now);
      if (until !== null) return { allowed: false as const, until };
      const row = await trx.insertInto('login_attempt').values({ email, ip, at: now, succeeded: 0 }).returning('id').executeTakeFirstOrThrow();
      return { allowed: true as const, attempt: Number(row.id) };
    });
  }

  /** The verdict on an attempt `begin` let through: a failure stays counted, a success clears the count. */
  async settle(attempt: number, succeeded: boolean, now: number): Promise<void> {
    if (!succeeded) return;
    await this.db.updateTable('login_attempt').set({ succeeded: 1, at: now }).where('id', '=', attempt).execute();
    await this.db
      .deleteFrom('login_attempt')
      .where('at', '<', now - KEEP_MS)
      .execute();
  }
}

/** When this email may try again from this address (epoch ms), or null when it may try now. */
async function blockedUntil(db: Kysely<Database>, policy: ThrottlePolicy, email: string, ip: string, now: number): Promise<number | null> {
  const since = now - policy.windowMs;
  const lastSuccess = await db
    .selectFrom('login_attempt')
    .select((eb) => eb.fn.max<number>('at').as('at'))
    .where('email', '=', email)
    .where('ip', '=', ip)
    .where('succeeded', '=', 1)
    .where('at', '>', since)
    .executeTakeFirst();
  const from = Math.max(since, Number(lastSuccess?.at ?? 0));
  const pair = await db
    .selectFrom('login_attempt')
    .select('at')
    .where('email', '=', email)
    .where('ip', '=', ip)
    .where('succeeded', '=', 0)
    .where('at', '>', from)
    .orderBy('at', 'desc')
    .limit(policy.perEmailAndIp)
    .execute();
  let until: number | null = null;
  if (pair.length >= policy.perEmailAndIp) until = pair.at(-1)!.at + policy.windowMs;
  const address = await db.selectFrom('login_attempt').select('at').where('ip', '=', ip).where('succeeded', '=', 0).where('at', '>', since).orderBy('at', 'desc').limit(policy.perIp).execute();
  if (address.length >= policy.perIp) until = Math.max(until ?? 0, address.at(-1)!.at + policy.windowMs);
  return until !== null && until > now ? until : null;
}
