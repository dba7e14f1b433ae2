import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { BroadcastNotFoundError, cancelBroadcast, createBroadcast, getBroadcast, InvalidBroadcastError, listBroadcasts, MAX_BROADCAST_TEXT } from '../../activation/broadcasts/broadcast-store.js';
import { recordAudit } from '../../audit/audit-log.js';
import { workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, groupFilter } from '../../auth/principal.js';
import type { Permission } from '../../auth/roles.js';
import { groupSelectorSchema, resolveGroupSelector } from '../../groups/group-selector.js';
import { InvalidGroupTagError } from '../../groups/group-sets.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const sendBody = z
  .object({
    workspace: z.string().trim().min(1).max(100).optional(),
    /** The post; `{group}` and `{members}` are filled per group. */
    text: z.string().trim().min(1).max(MAX_BROADCAST_TEXT),
    /** A link sent on its own line under the text. */
    link: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .nullable()
      .optional(),
    /** "These groups": ids, sets, profile filters (POST /groups/select takes the same). */
    selector: groupSelectorSchema,
    /** ISO 8601 time to send at; unset or past: at once. */
    at: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict();

/**
 * Broadcasts: one post to the groups a selector takes, now or at a time, through the
 * outbox (each platform's limits hold), with each group's result read back from its
 * outbox row. Callers limited to some groups reach and see only those groups; sending
 * and cancelling are audit-logged.
 */
export function broadcastRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  /** A broadcast the caller may see (404 otherwise), with the permission checked (403). */
  const broadcastOf = async (c: Context<AuthEnv>, permission: Permission) => {
    const id = intParam(c.req.param('id'), 'broadcast id');
    const row = await db.selectFrom('broadcast').select(['workspace_id']).where('id', '=', id).executeTakeFirst();
    const access = row ? c.var.principal.workspaces.get(row.workspace_id) : undefined;
    if (!row || !access) throw new HTTPException(404, { message: `no broadcast ${id}` });
    if (!access.permissions.has(permission)) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) lacks the ${permission} permission` });
    return { id, access };
  };
  const refused = (error: unknown): never => {
    if (error instanceof InvalidBroadcastError || error instanceof InvalidGroupTagError) throw new HTTPException(400, { message: error.message });
    if (error instanceof BroadcastNotFoundError) throw new HTTPException(404, { message: error.message });
    throw error;
  };

  app.get('/broadcasts', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    return c.json({ broadcasts: await listBroadcasts(db, access.workspace.id, groupFilter(access)) });
  });

  app.post('/broadcasts', authorize('act'), async (c) => {
    const body = await readJson(c, sendBody);
    const access = workspaceAccess(c.var.principal, body.workspace, 'act');
    const groupIds = await resolveGroupSelector(db, access.workspace.id, body.selector, groupFilter(access)).catch(refused);
    const now = deps.clock();
    const { id, scheduled } = await createBroadcast(
      db,
      {
        workspaceId: access.workspace.id,
        text: body.text,
        link: body.link ?? null,
        selector: body.selector,
        groupIds,
        sendAt: body.at ? Date.parse(body.at) : null,
        createdBy: actorOf(c.var.principal).label,
      },
      now,
    ).catch(refused);
    if (!scheduled) deps.runtime.wakeDispatcher();
    await recordAudit(
      db,
      {
        workspaceId: access.workspace.id,
        actor: actorOf(c.var.principal),
        action: scheduled ? 'broadcast.scheduled' : 'broadcast.sent',
        target: { kind: 'broadcast', id },
        detail: { groups: groupIds.length, ...(body.at ? { at: body.at } : {}) },
      },
      now,
    );
    return c.json(await getBroadcast(db, access.workspace.id, id, groupFilter(access)), 201);
  });

  app.get('/broadcasts/:id', authorize('read'), async (c) => {
    const { id, access } = await broadcastOf(c, 'read');
    return c.json(await getBroadcast(db, access.workspace.id, id, groupFilter(access)).catch(refused));
  });

  app.post('/broadcasts/:id/cancel', authorize('act'), async (c) => {
    const { id, access } = await broadcastOf(c, 'act');
    if (!(await cancelBroadcast(db, access.workspace.id, id).catch(refused))) throw new HTTPException(409, { message: `broadcast ${id} has already started or was cancelled` });
    await recordAudit(db, { workspaceId: access.workspace.id, actor: actorOf(c.var.principal), action: 'broadcast.cancelled', target: { kind: 'broadcast', id } }, deps.clock());
    return c.json(await getBroadcast(db, access.workspace.id, id, groupFilter(access)));
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const broadcastRouteDocs: RouteDocs = {
  tag: 'broadcasts',
  routes: [
    { method: 'get', path: '/broadcasts', summary: 'A workspace’s broadcasts, newest first, with their progress', access: 'read', query: z.object({ workspace: z.string().optional() }) },
    { method: 'post', path: '/broadcasts', summary: 'Send a post to the groups a selector takes, now or at a time', access: 'act', body: sendBody },
    { method: 'get', path: '/broadcasts/:id', summary: 'One broadcast with every group’s result (sent, failed and why, pending)', access: 'read' },
    { method: 'post', path: '/broadcasts/:id/cancel', summary: 'Cancel a broadcast that has not started', access: 'act' },
  ],
};
