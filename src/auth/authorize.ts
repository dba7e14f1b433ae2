import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import type { Kysely, Selectable } from 'kysely';
import type { ChatGroupTable, Database } from '../store/schema.js';
import { findApiToken } from './api-tokens.js';
import { inGroupScope, loadPrincipal, type Principal, type WorkspaceAccess } from './principal.js';
import type { Permission } from './roles.js';
import { DEFAULT_SESSION_POLICY, findSession, type SessionPolicy } from './sessions.js';

/** The session cookie: HttpOnly, SameSite=Strict, Secure on HTTPS (see session-cookie.ts). */
export const SESSION_COOKIE = 'hearth_session';
export const CSRF_HEADER = 'X-CSRF-Token';

/** Hono's variables on an authorized request. */
export type AuthEnv = { Variables: { principal: Principal } };

/**
 * What a route requires of its caller:
 * - a permission (`read`, `act`, `configure`, `manage`), held in at least one of the
 *   caller's workspaces; the handler then checks the workspace or group it touches;
 * - `account`: a signed-in person acting on their own account (not a token);
 * - `signed-in`: anyone authenticated.
 */
export type Requirement = Permission | 'account' | 'signed-in';

/** How a route is guarded; attached to the middleware so the app can check every route has one. */
export type RouteGuard = { kind: 'authorize'; requirement: Requirement } | { kind: 'public' };

const GUARD = Symbol.for('hearth.route-guard');

/** The guard a handler carries, if it is one. */
export function guardOf(handler: unknown): RouteGuard | undefined {
  return typeof handler === 'function' ? (handler as { [GUARD]?: RouteGuard })[GUARD] : undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: any route's handler, whatever its Hono env
function tag<H extends MiddlewareHandler<any>>(handler: H, guard: RouteGuard): H {
  Object.defineProperty(handler, GUARD, { value: guard });
  return handler;
}

/** Marks a route as open to anyone (sign-in, the unknown-route answer). */
export function publicRoute(): MiddlewareHandler {
  return tag(async (_c, next) => next(), { kind: 'public' });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The host this request was addressed to, as the browser saw it. */
function requestHost(c: Context): string {
  return c.req.header('x-forwarded-host') ?? c.req.header('host') ?? new URL(c.req.url).host;
}

export interface AuthorizeOptions {
  db: Kysely<Database>;
  clock: () => number;
  sessionPolicy?: SessionPolicy;
}

/**
 * Builds the `authorize(requirement)` middleware factory every API route goes
 * through. It resolves the caller from `Authorization: Bearer …` or the session
 * cookie (401 when neither is valid), refuses cross-site and CSRF-less state changes
 * made with the cookie (403), checks the requirement (403), and leaves the
 * principal in `c.var.principal` for the handler's own workspace or group check.
 *
 * @example app.post('/sandbox/groups/:id/say', authorize('act'), handler)
 */
export function createAuthorize(options: AuthorizeOptions): (requirement: Requirement) => MiddlewareHandler<AuthEnv> {
  const policy = options.sessionPolicy ?? DEFAULT_SESSION_POLICY;

  async function resolve(c: Context): Promise<Principal | undefined> {
    const now = options.clock();
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const token = m ? await findApiToken(options.db, m[1]!, now) : undefined;
      return token ? loadPrincipal(options.db, token.operatorId, { kind: 'token', token }) : undefined;
    }
    const cookie = getCookie(c, SESSION_COOKIE);
    const session = cookie ? await findSession(options.db, cookie, now, policy) : undefined;
    return session ? loadPrincipal(options.db, session.operatorId, { kind: 'session', session }) : undefined;
  }

  return (requirement) =>
    tag<MiddlewareHandler<AuthEnv>>(
      async (c, next) => {
        const principal = await resolve(c);
        if (!principal) {
          if (c.req.header('authorization') !== undefined) c.header('WWW-Authenticate', 'Bearer');
          throw new HTTPException(401, { message: 'sign in first: the session is missing or has expired, or the token is not valid' });
        }
        if (principal.via.kind === 'session' && !SAFE_METHODS.has(c.req.method)) {
          const origin = c.req.header('origin');
          // Defence in depth beside SameSite=Strict and the CSRF token: a browser names the page's origin.
          if (origin !== undefined && safeHost(origin) !== requestHost(c)) throw new HTTPException(403, { message: 'cross-site request refused' });
          const sent = c.req.header(CSRF_HEADER) ?? '';
          if (!sameSecret(sent, principal.via.session.csrfToken)) throw new HTTPException(403, { message: `missing or wrong ${CSRF_HEADER} header (GET /api/auth/session gives it)` });
        }
        if (requirement === 'account') {
          if (principal.via.kind !== 'session') throw new HTTPException(403, { message: 'this needs a signed-in session, not an API token' });
        } else if (requirement !== 'signed-in') {
          const held = [...principal.workspaces.values()].some((w) => w.permissions.has(requirement));
          if (!held) throw new HTTPException(403, { message: `not allowed: this needs the ${requirement} permission` });
        }
        c.set('principal', principal);
        await next();
      },
      { kind: 'authorize', requirement },
    );
}

function safeHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/**
 * The workspace a request names (slug or id), checked against the caller: 404 when
 * the caller has no access to it, exactly as for one that does not exist, so ids of
 * other workspaces do not leak; 403 when their role lacks `permission` there. With no
 * `ref`, the caller's only workspace (a token always has one).
 */
export function workspaceAccess(principal: Principal, ref: string | number | undefined, permission: Permission): WorkspaceAccess {
  let access: WorkspaceAccess | undefined;
  if (ref === undefined || ref === '') {
    const all = [...principal.workspaces.values()];
    if (all.length !== 1) throw new HTTPException(all.length ? 400 : 404, { message: all.length ? 'name the workspace: ?workspace=<slug>' : 'you belong to no workspace' });
    access = all[0];
  } else {
    const byId = typeof ref === 'number' || /^\d+$/.test(ref);
    access = [...principal.workspaces.values()].find((w) => (byId ? w.workspace.id === Number(ref) : w.workspace.slug === ref));
  }
  if (!access) throw new HTTPException(404, { message: `no workspace ${JSON.stringify(String(ref))}` });
  if (!access.permissions.has(permission)) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) in ${access.workspace.slug} lacks the ${permission} permission` });
  return access;
}

/**
 * A group by id, checked against the caller: 404 unless it is in one of their
 * workspaces and inside their assigned groups there; 403 when their role lacks
 * `permission` in that workspace.
 */
export async function groupAccess(db: Kysely<Database>, principal: Principal, groupId: number, permission: Permission): Promise<{ access: WorkspaceAccess; group: Selectable<ChatGroupTable> }> {
  const group = await db.selectFrom('chat_group').selectAll().where('id', '=', groupId).executeTakeFirst();
  const access = group ? principal.workspaces.get(group.workspace_id) : undefined;
  if (!group || !access || !inGroupScope(access, group.id)) throw new HTTPException(404, { message: `no group ${groupId}` });
  if (!access.permissions.has(permission)) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) lacks the ${permission} permission` });
  return { access, group };
}

/** The workspaces where the caller holds a permission (for lists across workspaces). */
export function accessibleWorkspaces(principal: Principal, permission: Permission): WorkspaceAccess[] {
  return [...principal.workspaces.values()].filter((w) => w.permissions.has(permission));
}

/** The factory `createAuthorize` returns; route modules take it. */
export type Authorize = ReturnType<typeof createAuthorize>;
