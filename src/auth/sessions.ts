import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** How long a session lasts: it ends after `idleMs` without use, and after `maxMs` in any case. */
export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 7 * 86_400_000, maxMs: 30 * 86_400_000 };

/** Activity is written back at most this often, so reading a page is not a write per request. */
const TOUCH_EVERY_MS = 5 * 60_000;

export interface SessionRecord {
  id: string;
  operatorId: number;
  csrfToken: string;
  expiresAt: number;
}

/** A random secret, URL-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Sessions and API tokens are stored by the SHA-256 of their secret: a leaked table holds nothing usable. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Starts a session: returns the cookie's token (shown to the browser only) and the
 * CSRF token the dashboard sends back on every state-changing request.
 */
export async function createSession(db: Kysely<Database>, operatorId: number, now: number, policy: SessionPolicy = DEFAULT_SESSION_POLICY): Promise<{ token: string; session: SessionRecord }> {
  const token = randomToken();
  const session: SessionRecord = { id: sha256(token), operatorId, csrfToken: randomToken(), expiresAt: now + Math.min(policy.idleMs, policy.maxMs) };
  await db.insertInto('session').values({ id: session.id, operator_id: operatorId, csrf_token: session.csrfToken, created_at: now, last_seen_at: now, expires_at: session.expiresAt }).execute();
  return { token, session };
}

/**
 * The live session a cookie's token names, or undefined (unknown, expired, or its
 * operator disabled). Use moves the idle deadline forward, never past the maximum age.
 */
export async function findSession(db: Kysely<Database>, token: string, now: number, policy: SessionPolicy = DEFAULT_SESSION_POLICY): Promise<SessionRecord | undefined> {
  if (!token || token.length > 200) return undefined;
  const id = sha256(token);
  const row = await db
    .selectFrom('session')
    .innerJoin('operator', 'operator.id', 'session.operator_id')
    .select(['session.id', 'session.operator_id', 'session.csrf_token', 'session.created_at', 'session.last_seen_at', 'session.expires_at'])
    .where('session.id', '=', id)
    .where('operator.disabled', '=', 0)
    .executeTakeFirst();
  if (!row) return undefined;
  const hardEnd = row.created_at + policy.maxMs;
  if (row.expires_at <= now || hardEnd <= now) return undefined;
  let expiresAt = row.expires_at;
  if (now - row.last_seen_at >= TOUCH_EVERY_MS) {
    expiresAt = Math.min(now + policy.idleMs, hardEnd);
    await db.updateTable('session').set({ last_seen_at: now, expires_at: expiresAt }).where('id', '=', id).execute();
  }
  return { id: row.id, operatorId: row.operator_id, csrfToken: row.csrf_token, expiresAt };
}

/** Ends one session. */
export async function endSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('session').where('id', '=', sessionId).execute();
}

/** Ends every session of an operator, but `keep` if given. Returns how many ended. */
export async function endOperatorSessions(db: Kysely<Database>, operatorId: number, keep?: string): Promise<number> {
  let q = db.deleteFrom('session').where('operator_id', '=', operatorId);
  if (keep) q = q.where('id', '!=', keep);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Removes sessions that can no longer be used. */
export async function pruneSessions(db: Kysely<Database>, now: number): Promise<void> {
  await db.deleteFrom('session').where('expires_at', '<=', now).execute();
}
