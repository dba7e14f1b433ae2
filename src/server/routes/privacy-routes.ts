import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { recordAudit } from '../../audit/audit-log.js';
import type { AuthEnv, Authorize } from '../../auth/authorize.js';
import { actorOf, type Principal, type WorkspaceAccess } from '../../auth/principal.js';
import type { Permission } from '../../auth/roles.js';
import { MemberNotFoundError, type ErasureReport } from '../../privacy/member-erasure.js';
import { exportMember } from '../../privacy/member-export.js';
import type { Database } from '../../store/schema.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

/**
 * A member by id, checked against the caller: 404 unless the member is in one of
 * their workspaces (exactly as for one that does not exist, so other workspaces' ids
 * do not leak); 403 when their role there lacks `permission`.
 */
async function memberAccess(db: Kysely<Database>, principal: Principal, memberId: number, permission: Permission): Promise<WorkspaceAccess> {
  const member = await db.selectFrom('member').select('workspace_id').where('id', '=', memberId).executeTakeFirst();
  const access = member ? principal.workspaces.get(member.workspace_id) : undefined;
  if (!access) throw new HTTPException(404, { message: `no member ${memberId}` });
  if (!access.permissions.has(permission)) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) lacks the ${permission} permission` });
  return access;
}

/** What an erasure answers: the member as they now are, and what was changed (counts). */
function presentErasure(r: ErasureReport) {
  const { memberId, pseudonym, erasedAt, ...changed } = r;
  return { member: { id: memberId, displayName: pseudonym, erasedAt }, changed };
}

/**
 * Personal data of members: export everything Hearth holds about one, or erase it.
 *
 * Both need `manage`, held by owners and admins and never by an API token: an export
 * hands out one person's whole record (every message they wrote), and an erasure
 * cannot be undone. Those are the data controller's decisions, not an automation
 * setting (`configure`), and a leaked script token must not be able to pull people's
 * records out or wipe them. Both are audited; the audit entry names the member by id
 * and never quotes their data.
 */
export function privacyRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  app.get('/members/:id/export', authorize('manage'), async (c) => {
    const id = intParam(c.req.param('id'), 'member id');
    const access = await memberAccess(db, c.var.principal, id, 'manage');
    const now = deps.clock();
    const doc = await exportMember(db, access.workspace.id, id, now);
    await recordAudit(
      db,
      {
        workspaceId: access.workspace.id,
        actor: actorOf(c.var.principal),
        action: 'member.exported',
        target: { kind: 'member', id },
        detail: { events: doc.events.length, memberships: doc.memberships.length, outbox: doc.outbox.length },
      },
      now,
    );
    c.header('Content-Disposition', `attachment; filename="hearth-member-${id}-${new Date(now).toISOString().slice(0, 10)}.json"`);
    c.header('Cache-Control', 'no-store');
    return c.body(JSON.stringify(doc, null, 2), 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });

  app.post('/members/:id/erase', authorize('manage'), async (c) => {
    const id = intParam(c.req.param('id'), 'member id');
    const access = await memberAccess(db, c.var.principal, id, 'manage');
    try {
      const report = await deps.runtime.eraseMember(access.workspace.id, id, { actor: actorOf(c.var.principal) });
      return c.json(presentErasure(report));
    } catch (error) {
      if (error instanceof MemberNotFoundError) throw new HTTPException(404, { message: `no member ${id}` });
      throw error;
    }
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const privacyRouteDocs: RouteDocs = {
  tag: 'members',
  routes: [
    { method: 'get', path: '/members/:id/export', summary: 'Everything Hearth holds about one member', access: 'manage' },
    { method: 'post', path: '/members/:id/erase', summary: 'Erase a member’s personal data (pseudonym, text blanked, figures kept)', access: 'manage' },
  ],
};
