import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAccountEvent } from '../../auth/account-audit.js';
import { publicRoute, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { LoginThrottle } from '../../auth/login-throttle.js';
import { findOperatorByEmail, normalizeEmail, setPasswordHash } from '../../auth/operators.js';
import { checkNewPassword, hashPassword, MAX_PASSWORD_LENGTH, verifyAgainstDummy, verifyPassword, WeakPasswordError } from '../../auth/password.js';
import { actorOf, loadPrincipal, type Principal } from '../../auth/principal.js';
import { clearSessionCookie, clientAddress, setSessionCookie } from '../../auth/session-cookie.js';
import { createSession, endOperatorSessions, endSession, pruneSessions } from '../../auth/sessions.js';
import { readJson } from '../http-errors.js';
import type { ServerDeps } from '../server-deps.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const loginBody = z.object({
  email: z.string().trim().min(1, 'is required').max(320),
  password: z.string().min(1, 'is required').max(MAX_PASSWORD_LENGTH),
});
const passwordBody = z.object({
  currentPassword: z.string().min(1, 'is required').max(MAX_PASSWORD_LENGTH),
  newPassword: z.string().min(1, 'is required').max(MAX_PASSWORD_LENGTH),
});

const WRONG_CREDENTIALS = 'wrong email or password';

/** Who is signed in, as the dashboard needs it: never the session id or any hash. */
export function presentPrincipal(principal: Principal) {
  const session = principal.via.kind === 'session' ? principal.via.session : null;
  return {
    operator: { id: principal.operatorId, email: principal.email },
    via: principal.via.kind,
    csrfToken: session?.csrfToken ?? null,
    expiresAt: session ? new Date(session.expiresAt).toISOString() : null,
    workspaces: [...principal.workspaces.values()].map((w) => ({
      id: w.workspace.id,
      slug: w.workspace.slug,
      name: w.workspace.name,
      role: w.role,
      permissions: [...w.permissions],
      groups: w.groups === 'all' ? 'all' : [...w.groups].sort((a, b) => a - b),
    })),
  };
}

/** JSON only: a cross-site HTML form cannot send it, so nobody can sign a browser in to their own account. */
export function requireJson(c: Context): void {
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) throw new HTTPException(415, { message: 'send the body as application/json' });
}

/** Sign-in, sign-out (here or everywhere), who am I, and password change. */
export function authRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;
  const throttle = new LoginThrottle(db, deps.auth?.throttle, deps.runtime.store.dialect);
  const policy = deps.auth?.sessionPolicy;

  /**
   * Lets this attempt through (its reservation, counted as a failure until it succeeds),
   * or answers 429 with Retry-After when this email has failed too often from this address.
   */
  async function passThrottle(c: Context, email: string, ip: string, now: number): Promise<number> {
    const answer = await throttle.begin(email, ip, now);
    if (answer.allowed) return answer.attempt;
    const seconds = Math.max(1, Math.ceil((answer.until - now) / 1000));
    c.header('Retry-After', String(seconds));
    throw new HTTPException(429, { message: `too many failed sign-ins: try again in ${Math.ceil(seconds / 60)} minutes` });
  }

  app.post('/auth/login', publicRoute(), async (c) => {
    requireJson(c);
    const body = await readJson(c, loginBody);
    const now = deps.clock();
    const email = normalizeEmail(body.email);
    const ip = clientAddress(c);
    const attempt = await passThrottle(c, email, ip, now);

    const operator = await findOperatorByEmail(db, email);
    let verdict = { ok: false, needsRehash: false };
    // Unknown and disabled accounts cost the same hashing work, and get the same answer.
    if (operator && !operator.disabled) verdict = await verifyPassword(body.password, operator.password_hash);
    else await verifyAgainstDummy(body.password);
    if (!operator || operator.disabled || !verdict.ok) {
      if (operator) await recordAccountEvent(db, { operatorId: operator.id, actor: { kind: 'system', id: null, label: 'sign-in' }, action: 'auth.login_failed', detail: { ip } }, now);
      throw new HTTPException(401, { message: WRONG_CREDENTIALS });
    }
    if (verdict.needsRehash) await setPasswordHash(db, operator.id, await hashPassword(body.password), now);
    await throttle.settle(attempt, true, now);
    await pruneSessions(db, now);
    const { token, session } = await createSession(db, operator.id, now, policy);
    const principal = await loadPrincipal(db, operator.id, { kind: 'session', session });
    if (!principal) throw new HTTPException(401, { message: WRONG_CREDENTIALS });
    await recordAccountEvent(db, { operatorId: operator.id, actor: actorOf(principal), action: 'auth.login', detail: { ip } }, now);
    setSessionCookie(c, token, session.expiresAt, now);
    return c.json(presentPrincipal(principal));
  });

  app.get('/auth/session', authorize('signed-in'), (c) => c.json(presentPrincipal(c.var.principal)));

  app.post('/auth/logout', authorize('account'), async (c) => {
    const principal = c.var.principal;
    if (principal.via.kind === 'session') await endSession(db, principal.via.session.id);
    await recordAccountEvent(db, { operatorId: principal.operatorId, actor: actorOf(principal), action: 'auth.logout' }, deps.clock());
    clearSessionCookie(c);
    return c.json({ ok: true });
  });

  app.post('/auth/logout-all', authorize('account'), async (c) => {
    const principal = c.var.principal;
    const ended = await endOperatorSessions(db, principal.operatorId);
    await recordAccountEvent(db, { operatorId: principal.operatorId, actor: actorOf(principal), action: 'auth.logout_all', detail: { sessionsEnded: ended } }, deps.clock());
    clearSessionCookie(c);
    return c.json({ ok: true, sessionsEnded: ended });
  });

  app.post('/auth/password', authorize('account'), async (c) => {
    const body = await readJson(c, passwordBody);
    const principal = c.var.principal;
    const now = deps.clock();
    const ip = clientAddress(c);
    try {
      checkNewPassword(body.newPassword);
    } catch (error) {
      if (error instanceof WeakPasswordError) throw new HTTPException(400, { message: `newPassword: ${error.message}` });
      throw error;
    }
    const attempt = await passThrottle(c, principal.email, ip, now);
    const operator = await findOperatorByEmail(db, principal.email);
    if (!operator || !(await verifyPassword(body.currentPassword, operator.password_hash)).ok) {
      // 403, not 401: the session is fine, and the dashboard must not take it for a sign-out.
      throw new HTTPException(403, { message: 'the current password is wrong' });
    }
    await throttle.settle(attempt, true, now);
    await setPasswordHash(db, operator.id, await hashPassword(body.newPassword), now);
    const keep = principal.via.kind === 'session' ? principal.via.session.id : undefined;
    const ended = await endOperatorSessions(db, operator.id, keep);
    await recordAccountEvent(db, { operatorId: operator.id, actor: actorOf(principal), action: 'auth.password_changed', detail: { otherSessionsEnded: ended } }, now);
    return c.json({ ok: true, otherSessionsEnded: ended });
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const authRouteDocs: RouteDocs = {
  tag: 'auth',
  routes: [
    { method: 'post', path: '/auth/login', summary: 'Sign in with email and password; sets the session cookie', access: 'public', body: loginBody },
    { method: 'get', path: '/auth/session', summary: 'Who is signed in, their workspaces and permissions, and the CSRF token', access: 'signed-in' },
    { method: 'post', path: '/auth/logout', summary: 'End this session', access: 'account' },
    { method: 'post', path: '/auth/logout-all', summary: 'End every session of this operator', access: 'account' },
    { method: 'post', path: '/auth/password', summary: 'Change the password (other sessions end)', access: 'account', body: passwordBody },
  ],
};
