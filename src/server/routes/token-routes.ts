import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { createApiToken, getApiToken, listApiTokens, parseScopes, revokeApiToken, TokenError, type ApiTokenInfo } from '../../auth/api-tokens.js';
import { workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf } from '../../auth/principal.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const createBody = z.object({
  workspace: z.string().trim().min(1).max(100).optional(),
  name: z.string().trim().min(1, 'is required').max(100),
  scopes: z.union([z.array(z.string().max(20)).max(10), z.string().max(100)]),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

const DAY = 86_400_000;
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** A token as managers see it: which one, what it may do, whether it is live. Never its secret or hash. */
function presentToken(t: ApiTokenInfo, createdBy: string | undefined) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scopes: t.scopes,
    createdBy: createdBy ?? null,
    createdAt: iso(t.createdAt),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
    lastUsedAt: iso(t.lastUsedAt),
  };
}

/** API tokens for scripts: create (the secret is shown once), list, revoke. Needs the manage permission. */
export function tokenRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  const emails = async (ids: number[]) =>
    new Map(
      (ids.length
        ? await db
            .selectFrom('operator')
            .select(['id', 'email'])
            .where('id', 'in', [...new Set(ids)])
            .execute()
        : []
      ).map((o) => [o.id, o.email]),
    );

  app.get('/tokens', authorize('manage'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'manage');
    const tokens = await listApiTokens(db, access.workspace.id);
    const by = await emails(tokens.map((t) => t.operatorId));
    return c.json({ tokens: tokens.map((t) => presentToken(t, by.get(t.operatorId))) });
  });

  app.post('/tokens', authorize('manage'), async (c) => {
    const body = await readJson(c, createBody);
    const principal = c.var.principal;
    const access = workspaceAccess(principal, body.workspace, 'manage');
    let scopes: ReturnType<typeof parseScopes>;
    try {
      scopes = parseScopes(body.scopes);
    } catch (error) {
      if (error instanceof TokenError) throw new HTTPException(400, { message: `scopes: ${error.message}` });
      throw error;
    }
    const beyond = scopes.filter((s) => !access.permissions.has(s));
    if (beyond.length) throw new HTTPException(403, { message: `not allowed: you cannot give a token ${beyond.join(', ')}` });
    const now = deps.clock();
    const { token, info } = await createApiToken(
      db,
      { workspaceId: access.workspace.id, operatorId: principal.operatorId, name: body.name, scopes, expiresAt: body.expiresInDays ? now + body.expiresInDays * DAY : null },
      now,
    );
    await recordAudit(
      db,
      {
        workspaceId: access.workspace.id,
        actor: actorOf(principal),
        action: 'token.created',
        target: { kind: 'token', id: info.id },
        detail: { name: info.name, prefix: info.prefix, scopes: info.scopes, expiresAt: iso(info.expiresAt) },
      },
      now,
    );
    // The only time the secret leaves the server.
    return c.json({ token, info: presentToken(info, principal.email) }, 201);
  });

  app.post('/tokens/:id/revoke', authorize('manage'), async (c) => {
    const id = intParam(c.req.param('id'), 'token id');
    const principal = c.var.principal;
    const found = await getApiToken(db, id);
    const access = found ? principal.workspaces.get(found.workspaceId) : undefined;
    if (!found || !access) throw new HTTPException(404, { message: `no token ${id}` });
    workspaceAccess(principal, access.workspace.id, 'manage');
    const now = deps.clock();
    const revoked = await revokeApiToken(db, id, now);
    if (revoked) {
      await recordAudit(
        db,
        { workspaceId: found.workspaceId, actor: actorOf(principal), action: 'token.revoked', target: { kind: 'token', id }, detail: { name: found.name, prefix: found.prefix } },
        now,
      );
    }
    const after = (await getApiToken(db, id))!;
    return c.json({ token: presentToken(after, (await emails([after.operatorId])).get(after.operatorId)), revoked });
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const tokenRouteDocs: RouteDocs = {
  tag: 'tokens',
  routes: [
    { method: 'get', path: '/tokens', summary: 'The workspace’s API tokens (never their secrets)', access: 'manage', query: z.object({ workspace: z.string().optional() }) },
    { method: 'post', path: '/tokens', summary: 'Create an API token; the secret is answered this once', access: 'manage', body: createBody, status: 201 },
    { method: 'post', path: '/tokens/:id/revoke', summary: 'Revoke an API token', access: 'manage' },
  ],
};
