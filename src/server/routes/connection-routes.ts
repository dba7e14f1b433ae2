import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf } from '../../auth/principal.js';
import QRCode from 'qrcode';
import { ConnectionLifecycle } from '../../connections/connection-lifecycle.js';
import { ConnectionNotFoundError, type ConnectionStore, type ConnectionSummary } from '../../connections/connection-store.js';
import { ConnectionSettingsError } from '../../connections/platform-connections.js';
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

/**
 * What leaves the server about a connection: never its settings (they hold tokens).
 * A login QR code leaves as an image to scan, for the operator who may configure it.
 */
const present = async (c: ConnectionSummary) => {
  const { loginQr, ...health } = c.health;
  return {
    id: c.id,
    platform: c.platform,
    name: c.name,
    status: c.status,
    createdAt: c.createdAt,
    health,
    ...(loginQr ? { login: { qrImage: await QRCode.toDataURL(loginQr, { margin: 1, width: 240 }) } } : {}),
  };
};

/** The operator must change something (400), or the platform could not be reached (502): named, nothing stored. */
const refused = (error: unknown): never => {
  if (error instanceof ConnectionSettingsError) throw new HTTPException(error.status, { message: error.message });
  if (error instanceof Error && /already exists|invalid connection name/.test(error.message)) throw new HTTPException(400, { message: error.message });
  throw error;
};

/** Platform connections: list (configure), add, pause, resume, remove. Credentials go in, never out. */
export function connectionRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const store = (): ConnectionStore => {
    if (!deps.connections) throw new HTTPException(503, { message: 'connections are not available in this process' });
    return deps.connections;
  };
  const lifecycle = () => new ConnectionLifecycle(store(), deps.publicUrl ? { publicUrl: deps.publicUrl } : {});
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
    const connections = await store().list(access.workspace.id);
    return c.json({
      connections: await Promise.all(connections.map(async (connection) => ({ ...(await present(connection)), groups: await store().groups(connection.id) }))),
    });
  });

  app.post('/connections', authorize('configure'), async (c) => {
    const body = await readJson(c, addBody);
    const access = workspaceAccess(c.var.principal, body.workspace, 'configure');
    const added = await lifecycle().add({ workspaceId: access.workspace.id, platform: body.platform, name: body.name, settings: body.settings }, deps.clock()).catch(refused);
    await audit(c.var.principal, added, 'connection.added');
    await deps.connectionChanged?.(added.id);
    return c.json({ connection: await present(added) }, 201);
  });

  app.get('/connections/:id/groups', authorize('configure'), async (c) => {
    const found = await owned(c.var.principal, intParam(c.req.param('id'), 'connection id'));
    return c.json({ groups: await lifecycle().standing(found.id) });
  });

  app.post('/connections/:id/pause', authorize('configure'), async (c) => {
    const found = await owned(c.var.principal, intParam(c.req.param('id'), 'connection id'));
    const { connection, warning } = await lifecycle().pause(found.id);
    await audit(c.var.principal, connection, 'connection.paused');
    await deps.connectionChanged?.(connection.id);
    return c.json({ connection: await present(connection), ...(warning ? { warning } : {}) });
  });

  app.post('/connections/:id/resume', authorize('configure'), async (c) => {
    const found = await owned(c.var.principal, intParam(c.req.param('id'), 'connection id'));
    const updated = await lifecycle().resume(found.id).catch(refused);
    await audit(c.var.principal, updated, 'connection.resumed');
    await deps.connectionChanged?.(updated.id);
    return c.json({ connection: await present(updated) });
  });

  app.delete('/connections/:id', authorize('configure'), async (c) => {
    const found = await owned(c.var.principal, intParam(c.req.param('id'), 'connection id'));
    const { warning } = await lifecycle().remove(found.id);
    await audit(c.var.principal, found, 'connection.removed');
    await deps.connectionChanged?.(found.id);
    return c.json({ removed: found.id, ...(warning ? { warning } : {}) });
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
    {
      method: 'post',
      path: '/connections',
      summary:
        'Add a platform connection. Its settings are checked with the platform’s schema and then with the platform itself (a Telegram token with getMe) before anything is stored: 400 naming the problem, 502 when the platform cannot be reached. A Telegram bot receives by webhook (registered with setWebhook and a generated secret) when HEARTH_PUBLIC_URL is set, by long polling otherwise',
      access: 'configure',
      body: addBody,
      status: 201,
    },
    { method: 'get', path: '/connections/:id/groups', summary: 'The connection’s groups, the bot’s rights in each, and what it lacks of the capabilities in use there', access: 'configure' },
    { method: 'post', path: '/connections/:id/pause', summary: 'Pause a connection (its Telegram webhook is removed)', access: 'configure' },
    { method: 'post', path: '/connections/:id/resume', summary: 'Resume a paused connection (its Telegram webhook is registered again)', access: 'configure' },
    { method: 'delete', path: '/connections/:id', summary: 'Remove a connection (its Telegram webhook is removed with deleteWebhook); its groups and history stay', access: 'configure' },
  ],
};
