import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { listAlerts } from '../../alerts/alert-store.js';
import { workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { groupFilter } from '../../auth/principal.js';
import type { ServerDeps } from '../server-deps.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const listQuery = z.object({
  workspace: z.string().max(100).optional(),
  group: z.coerce.number().int().positive().optional(),
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

/**
 * GET /api/alerts: what needs an operator's eye (silence today; `kind` is open), newest
 * first, `{ alerts: [{ id, kind, groupId, groupName, at, detail }] }`. Callers limited
 * to some groups see only those groups' alerts.
 */
export function alertRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  app.get('/alerts', authorize('read'), async (c) => {
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) throw new HTTPException(400, { message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const q = parsed.data;
    const access = workspaceAccess(c.var.principal, q.workspace, 'read');
    const alerts = await listAlerts(deps.runtime.store.db, {
      workspaceId: access.workspace.id,
      groupIds: groupFilter(access),
      limit: q.limit,
      ...(q.group !== undefined ? { group: q.group } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
    });
    return c.json({ alerts });
  });
  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const alertRouteDocs: RouteDocs = {
  tag: 'alerts',
  routes: [{ method: 'get', path: '/alerts', summary: 'Alerts raised for the workspace’s groups', access: 'read', query: listQuery }],
};
