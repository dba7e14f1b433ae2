import { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { accessibleWorkspaces, groupAccess, workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, groupFilter } from '../../auth/principal.js';
import { SandboxError } from '../../runtime/sandbox-service.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';
import { groupsInScope } from './group-routes.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const memberField = z.string().trim().min(1, 'is required').max(100);
const sayBody = z.object({ member: memberField, text: z.string().trim().min(1, 'is required').max(4000) });
const joinBody = z.object({ member: memberField, code: z.string().trim().min(1).max(100).optional() });
const leaveBody = z.object({ member: memberField });

/** Evidence kept of what the operator made a member say: enough to recognise it, bounded. */
const AUDIT_TEXT_MAX = 500;

/** The dashboard's sandbox chat: act as a member of a sandbox group and see what the bot does. */
export function sandboxRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  /** The sandbox group the caller names, checked for `permission`, with its workspace's sandbox. */
  async function sandboxGroup(principal: AuthEnv['Variables']['principal'], rawId: string | undefined, permission: 'read' | 'act') {
    const id = intParam(rawId, 'group id');
    const { access, group } = await groupAccess(db, principal, id, permission);
    if (group.platform !== 'sandbox') throw new SandboxError(`group ${group.id} (${group.name}) is a ${group.platform} group, not a sandbox group`);
    return { access, group, sandbox: await deps.sandbox(access.workspace.id) };
  }

  app.get('/sandbox/groups', authorize('read'), async (c) => {
    const principal = c.var.principal;
    const ref = c.req.query('workspace');
    const accesses = ref ? [workspaceAccess(principal, ref, 'read')] : accessibleWorkspaces(principal, 'read');
    const groups = await groupsInScope(
      db,
      accesses.map((a) => ({ workspaceId: a.workspace.id, groupIds: groupFilter(a) })),
      'sandbox',
    );
    return c.json({ groups: groups.map((g) => ({ id: g.id, name: g.name })) });
  });

  app.get('/sandbox/groups/:id/log', authorize('read'), async (c) => {
    const limit = intParam(c.req.query('limit'), 'limit', { min: 1, max: 1000, fallback: 200 });
    const { group, sandbox } = await sandboxGroup(c.var.principal, c.req.param('id'), 'read');
    return c.json({ entries: await sandbox.log(group.id, limit) });
  });

  app.post('/sandbox/groups/:id/say', authorize('act'), async (c) => {
    const body = await readJson(c, sayBody);
    const { access, group, sandbox } = await sandboxGroup(c.var.principal, c.req.param('id'), 'act');
    const actions = await sandbox.say(group.id, body.member, body.text);
    await recordAudit(
      db,
      {
        workspaceId: access.workspace.id,
        actor: actorOf(c.var.principal),
        action: 'sandbox.say',
        target: { kind: 'group', id: group.id },
        groupId: group.id,
        detail: { member: body.member, text: body.text.slice(0, AUDIT_TEXT_MAX), botActions: actions.length },
      },
      deps.clock(),
    );
    return c.json({ actions });
  });

  app.post('/sandbox/groups/:id/join', authorize('act'), async (c) => {
    const body = await readJson(c, joinBody);
    const { access, group, sandbox } = await sandboxGroup(c.var.principal, c.req.param('id'), 'act');
    const actions = await sandbox.join(group.id, body.member, body.code ? { code: body.code } : {});
    await recordAudit(
      db,
      {
        workspaceId: access.workspace.id,
        actor: actorOf(c.var.principal),
        action: 'sandbox.join',
        target: { kind: 'group', id: group.id },
        groupId: group.id,
        detail: { member: body.member, ...(body.code ? { code: body.code } : {}), botActions: actions.length },
      },
      deps.clock(),
    );
    return c.json({ actions });
  });

  app.post('/sandbox/groups/:id/leave', authorize('act'), async (c) => {
    const body = await readJson(c, leaveBody);
    const { access, group, sandbox } = await sandboxGroup(c.var.principal, c.req.param('id'), 'act');
    const actions = await sandbox.leave(group.id, body.member);
    await recordAudit(
      db,
      {
        workspaceId: access.workspace.id,
        actor: actorOf(c.var.principal),
        action: 'sandbox.leave',
        target: { kind: 'group', id: group.id },
        groupId: group.id,
        detail: { member: body.member, botActions: actions.length },
      },
      deps.clock(),
    );
    return c.json({ actions });
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const sandboxRouteDocs: RouteDocs = {
  tag: 'sandbox',
  routes: [
    { method: 'get', path: '/sandbox/groups', summary: 'The sandbox’s groups', access: 'read', query: z.object({ workspace: z.string().optional() }) },
    {
      method: 'get',
      path: '/sandbox/groups/:id/log',
      summary: 'A sandbox group’s conversation, the bot’s answers included',
      access: 'read',
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }),
    },
    { method: 'post', path: '/sandbox/groups/:id/say', summary: 'A sandbox member says something in the group', access: 'act', body: sayBody },
    { method: 'post', path: '/sandbox/groups/:id/join', summary: 'A sandbox member joins the group (optionally through an invitation code)', access: 'act', body: joinBody },
    { method: 'post', path: '/sandbox/groups/:id/leave', summary: 'A sandbox member leaves the group', access: 'act', body: leaveBody },
  ],
};
