import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { groupAccess, workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, groupFilter, inGroupScope } from '../../auth/principal.js';
import type { Permission } from '../../auth/roles.js';
import { chainCsv, chainJson } from '../../conversion/chains/chain-export.js';
import { ChainNotFoundError, closeChain, getChain, InvalidChainError, listChains, MAX_QUOTA, MAX_TITLE, startChain } from '../../conversion/chains/chain-store.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const startBody = z
  .object({
    title: z.string().trim().min(1).max(MAX_TITLE),
    quota: z.number().int().min(1).max(MAX_QUOTA).nullable().optional(),
    /** ISO 8601 time the chain closes at. */
    until: z.iso.datetime({ offset: true }).nullable().optional(),
    language: z.enum(['zh', 'en']).optional(),
  })
  .strict();

/**
 * Chain sign-ups (接龙): start one in a group, list a workspace's or a group's, show one
 * with its entries in order, close it, export it as CSV. Callers limited to some groups
 * see and touch only those groups' chains; starting and closing are audit-logged.
 */
export function chainRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  /** A chain the caller may see (404 otherwise), with the permission checked (403). */
  const chainOf = async (c: Context<AuthEnv>, permission: Permission) => {
    const id = intParam(c.req.param('id'), 'chain id');
    const row = await db.selectFrom('chain').select(['workspace_id', 'group_id']).where('id', '=', id).executeTakeFirst();
    const access = row ? c.var.principal.workspaces.get(row.workspace_id) : undefined;
    if (!row || !access || !inGroupScope(access, row.group_id)) throw new HTTPException(404, { message: `no chain ${id}` });
    if (!access.permissions.has(permission)) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) lacks the ${permission} permission` });
    return { id, workspaceId: row.workspace_id, groupId: row.group_id };
  };
  const refused = (error: unknown): never => {
    if (error instanceof InvalidChainError) throw new HTTPException(400, { message: error.message });
    if (error instanceof ChainNotFoundError) throw new HTTPException(404, { message: error.message });
    throw error;
  };

  app.get('/chains', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    const group = c.req.query('group');
    const groupId = group === undefined ? undefined : intParam(group, 'group');
    return c.json({ chains: await listChains(db, access.workspace.id, deps.clock(), { groupIds: groupFilter(access), ...(groupId !== undefined ? { groupId } : {}) }) });
  });

  app.get('/groups/:id/chains', authorize('read'), async (c) => {
    const { access, group } = await groupAccess(db, c.var.principal, intParam(c.req.param('id'), 'group id'), 'read');
    return c.json({ chains: await listChains(db, access.workspace.id, deps.clock(), { groupId: group.id }) });
  });

  app.post('/groups/:id/chains', authorize('act'), async (c) => {
    const { access, group } = await groupAccess(db, c.var.principal, intParam(c.req.param('id'), 'group id'), 'act');
    const body = await readJson(c, startBody);
    const now = deps.clock();
    const chain = await startChain(
      db,
      {
        workspaceId: access.workspace.id,
        groupId: group.id,
        title: body.title,
        quota: body.quota ?? null,
        deadline: body.until ? Date.parse(body.until) : null,
        ...(body.language ? { language: body.language } : {}),
        createdBy: actorOf(c.var.principal).label,
      },
      now,
    ).catch(refused);
    await recordAudit(
      db,
      {
        workspaceId: access.workspace.id,
        actor: actorOf(c.var.principal),
        action: 'chain.started',
        target: { kind: 'chain', id: chain.id },
        groupId: group.id,
        detail: { title: chain.title, quota: chain.quota },
      },
      now,
    );
    return c.json(chainJson(chain), 201);
  });

  app.get('/chains/:id', authorize('read'), async (c) => {
    const chain = await chainOf(c, 'read');
    return c.json(chainJson(await getChain(db, chain.workspaceId, chain.id, deps.clock()).catch(refused)));
  });

  app.post('/chains/:id/close', authorize('act'), async (c) => {
    const chain = await chainOf(c, 'act');
    const now = deps.clock();
    const closed = await closeChain(db, chain.workspaceId, chain.id, now).catch(refused);
    await recordAudit(db, { workspaceId: chain.workspaceId, actor: actorOf(c.var.principal), action: 'chain.closed', target: { kind: 'chain', id: chain.id }, groupId: chain.groupId }, now);
    return c.json(chainJson(closed));
  });

  app.get('/chains/:id/export.csv', authorize('read'), async (c) => {
    const chain = await chainOf(c, 'read');
    const view = await getChain(db, chain.workspaceId, chain.id, deps.clock()).catch(refused);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="chain-${view.id}.csv"`);
    return c.body(chainCsv(view));
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const chainRouteDocs: RouteDocs = {
  tag: 'chains',
  routes: [
    {
      method: 'get',
      path: '/chains',
      summary: 'A workspace’s chain sign-ups (接龙), optionally one group’s',
      access: 'read',
      query: z.object({ workspace: z.string().optional(), group: z.string().optional() }),
    },
    { method: 'get', path: '/groups/:id/chains', summary: 'A group’s chain sign-ups', access: 'read' },
    { method: 'post', path: '/groups/:id/chains', summary: 'Start a chain sign-up in a group', access: 'act', body: startBody },
    { method: 'get', path: '/chains/:id', summary: 'One chain with its entries in order', access: 'read' },
    { method: 'post', path: '/chains/:id/close', summary: 'Close a chain', access: 'act' },
    { method: 'get', path: '/chains/:id/export.csv', summary: 'A chain’s entries as CSV', access: 'read', produces: 'text/csv' },
  ],
};
