import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf } from '../../auth/principal.js';
import { ConnectionNotFoundError, type ConnectionStore, type ConnectionSummary } from '../../connections/connection-store.js';
import { ConnectionSettingsError, validateConnectionSettings } from '../../connections/platform-connections.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const addBody = z.object({
  workspace: z.string().trim().min(1).max(100).optional(),
  /** Checked against the platform registry by validateConnectionSettings (400 naming the platforms). */
  platform: z.string().trim().min(1).max(40),
  name: z.string().trim().min(1, 'is required').max(63),
  settings: z.record(z.string(), z.unknown()),
});

/** What leaves the server about a connection: never its settings (they hold tokens). */
const present = (c: ConnectionSummary) => ({ id: c.id, platform: c.platform, name: c.name, status: c.status, createdAt: c.createdAt, health: c.health });

/** Platform connections: list (configure), add, pause, resume, remove. Credentials go in, never out. */
export function connectionRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const store = (): ConnectionStore => {
    if (!deps.connections) throw new HTTPException(503, { message: 'connections are not available in this process' });
    return deps.connections;
  };
  /** The connection, if it is in a workspace where the caller may configure; 404 otherwise. */
  const owned = async (principal: AuthEnv['Variables']['principal'], id: number) => {
    let summary: ConnectionSummary;
    try {
      summary = await store().summary(id);
    } catch (error) {
      if (error instanceof ConnectionNotFoundError) throw new HTTPException(404, { message: `no connection ${id}` });
      throw error;
    }
    const access = principal.workspaces.get(summary.workspaceId);
    if (!access) throw new HTTPException(404, { message: `no connection ${id}` });
    if (!access.permissions.has('configure')) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) lacks the configure permission` });
    return summary;
  };
  const audit = (principal: AuthEnv['Variables']['principal'], c: ConnectionSummary, action: string) =>
    recordAudit(
      deps.runtime.store.db,
      { workspaceId: c.workspaceId, actor: actorOf(principal), action, target: { kind: 'connection', id: c.id }, detail: { platform: c.platform, name: c.name } },
      deps.clock(),
    );

  app.get('/connections', authorize('configure'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'configure');
    return c.json({ connections: (await store().list(access.workspace.id)).map(present) });
  });

  app.post('/connections', authorize('configure'), async (c) => {
    const body = await readJson(c, addBody);
    const access = workspaceAccess(c.var.principal, body.workspace, 'configure');
    try {
      validateConnectionSettings(body.platform, body.settings);
      const added = await store().add({ workspaceId: access.workspace.id, platform: body.platform, name: body.name, settings: body.settings }, deps.clock());
      await audit(c.var.principal, added, 'connection.added');
      await deps.connectionChanged?.(added.id);
      return c.json({ connection: present(added) }, 201);
    } catch (error) {
      if (error instanceof ConnectionSettingsError || (error instanceof Error && /already exists|invalid connection name/.test(error.message)))
        throw new HTTPException(400, { message: error.message });
      throw error;
    }
  });

  for (const [verb, status] of [
    ['pause', 'paused'],
    ['resume', 'active'],
  ] as const) {
    app.post(`/connections/:id/${verb}`, authorize('configure'), async (c) => {
      const found = await owned(c.var.principal, intParam(c.req.param('id'), 'connection id'));
      const updated = await store().setStatus(found.id, status);
      await audit(c.var.principal, updated, `connection.${verb}d`);
      await deps.connectionChanged?.(updated.id);
      return c.json({ connection: present(updated) });
    });
  }

  app.delete('/connections/:id', authorize('configure'), async (c) => {
    const found = await owned(c.var.principal, intParam(c.req.param('id'), 'connection id'));
    await store().remove(found.id);
    await audit(c.var.principal, found, 'connection.removed');
    await deps.connectionChanged?.(found.id);
    return c.json({ removed: found.id });
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const connectionRouteDocs: RouteDocs = {
  tag: 'connections',
  routes: [
    {
      method: 'get',
      path: '/connections',
      summary: 'The workspace’s platform connections and their health (never their credentials)',
      access: 'configure',
      query: z.object({ workspace: z.string().optional() }),
    },
    { method: 'post', path: '/connections', summary: 'Add a platform connection; its settings are checked against the platform’s schema', access: 'configure', body: addBody, status: 201 },
    { method: 'post', path: '/connections/:id/pause', summary: 'Pause a connection', access: 'configure' },
    { method: 'post', path: '/connections/:id/resume', summary: 'Resume a paused connection', access: 'configure' },
    { method: 'delete', path: '/connections/:id', summary: 'Remove a connection', access: 'configure' },
  ],
};
