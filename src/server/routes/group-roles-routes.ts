import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { groupAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf } from '../../auth/principal.js';
import { groupStaffing, setMemberRoles, UnknownGroupMemberError } from '../../groups/member-roles.js';
import { MEMBER_ROLES } from '../../groups/staffing-checks.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const rolesBody = z.object({ roles: z.array(z.enum(MEMBER_ROLES)).max(MEMBER_ROLES.length * 2) }).strict();

/**
 * A group's in-group roles: who holds which (owner, administrators, official accounts,
 * extras, experts, opinion leaders…) with the staffing checks' findings (read), and one
 * member's roles set (configure, audited with before and after).
 */
export function groupRolesRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  app.get('/groups/:id/roles', authorize('read'), async (c) => {
    const id = intParam(c.req.param('id'), 'group id');
    await groupAccess(db, c.var.principal, id, 'read');
    return c.json(await groupStaffing(db, id, deps.clock()));
  });

  app.put('/groups/:id/roles/:memberId', authorize('configure'), async (c) => {
    const id = intParam(c.req.param('id'), 'group id');
    const memberId = intParam(c.req.param('memberId'), 'member id');
    const { access } = await groupAccess(db, c.var.principal, id, 'configure');
    const body = await readJson(c, rolesBody);
    const actor = actorOf(c.var.principal);
    const changed = await setMemberRoles(db, { id, workspaceId: access.workspace.id }, memberId, body.roles, actor.label, deps.clock()).catch((error) => {
      if (error instanceof UnknownGroupMemberError) throw new HTTPException(404, { message: error.message });
      throw error;
    });
    await recordAudit(db, { workspaceId: access.workspace.id, actor, action: 'group.roles_changed', target: { kind: 'group', id }, detail: { memberId, ...changed } }, deps.clock());
    return c.json({ memberId, roles: changed.after });
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const groupRolesRouteDocs: RouteDocs = {
  tag: 'groups',
  routes: [
    { method: 'get', path: '/groups/:id/roles', summary: 'Who holds which role in a group, and the staffing checks’ findings', access: 'read' },
    { method: 'put', path: '/groups/:id/roles/:memberId', summary: 'Set the roles one member holds in a group', access: 'configure', body: rolesBody },
  ],
};
