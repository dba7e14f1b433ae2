import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { groupAccess, workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, groupFilter } from '../../auth/principal.js';
import { groupProfileChangeSchema } from '../../groups/group-profile.js';
import { changeGroupProfile } from '../../groups/group-profile-store.js';
import { groupSelectorSchema, resolveGroupSelector } from '../../groups/group-selector.js';
import { InvalidGroupTagError, listGroupSets, setGroupTags, tagsOfGroups } from '../../groups/group-sets.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const setsBody = z.object({ sets: z.array(z.string().max(200)).max(50) }).strict();
const selectBody = z.object({ workspace: z.string().trim().min(1).max(100).optional(), selector: groupSelectorSchema }).strict();

/**
 * A group's positioning and its sets: change the profile, put the group in sets
 * (configure), list a workspace's sets and resolve "these groups" (read). Every change
 * goes into the audit log with the values before and after.
 */
export function groupProfileRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;
  const badTag = (error: unknown): never => {
    if (error instanceof InvalidGroupTagError) throw new HTTPException(400, { message: error.message });
    throw error;
  };

  app.patch('/groups/:id/profile', authorize('configure'), async (c) => {
    const id = intParam(c.req.param('id'), 'group id');
    const { access } = await groupAccess(db, c.var.principal, id, 'configure');
    const change = await readJson(c, groupProfileChangeSchema);
    const { before, after } = await changeGroupProfile(db, id, change);
    await recordAudit(
      db,
      { workspaceId: access.workspace.id, actor: actorOf(c.var.principal), action: 'group.profile_changed', target: { kind: 'group', id }, detail: { before, after } },
      deps.clock(),
    );
    return c.json({ profile: after });
  });

  app.put('/groups/:id/sets', authorize('configure'), async (c) => {
    const id = intParam(c.req.param('id'), 'group id');
    const { access } = await groupAccess(db, c.var.principal, id, 'configure');
    const body = await readJson(c, setsBody);
    const before = (await tagsOfGroups(db, [id])).get(id) ?? [];
    const sets = await setGroupTags(db, { id, workspaceId: access.workspace.id }, body.sets, deps.clock()).catch(badTag);
    await recordAudit(
      db,
      { workspaceId: access.workspace.id, actor: actorOf(c.var.principal), action: 'group.sets_changed', target: { kind: 'group', id }, detail: { before, after: sets } },
      deps.clock(),
    );
    return c.json({ sets });
  });

  app.get('/group-sets', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    return c.json({ sets: await listGroupSets(db, access.workspace.id, groupFilter(access)) });
  });

  /** Which of the caller's groups a selector takes: what a broadcast or a rule over "these groups" would reach. */
  app.post('/groups/select', authorize('read'), async (c) => {
    const body = await readJson(c, selectBody);
    const access = workspaceAccess(c.var.principal, body.workspace, 'read');
    const ids = await resolveGroupSelector(db, access.workspace.id, body.selector, groupFilter(access)).catch(badTag);
    return c.json({ groups: ids });
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const groupProfileRouteDocs: RouteDocs = {
  tag: 'groups',
  routes: [
    { method: 'patch', path: '/groups/:id/profile', summary: 'Change a group’s profile (type, purpose, theme, audience…)', access: 'configure', body: groupProfileChangeSchema },
    { method: 'put', path: '/groups/:id/sets', summary: 'Set the named sets a group belongs to', access: 'configure', body: setsBody },
    { method: 'get', path: '/group-sets', summary: 'The workspace’s group sets', access: 'read', query: z.object({ workspace: z.string().optional() }) },
    { method: 'post', path: '/groups/select', summary: 'The groups a selector picks', access: 'read', body: selectBody },
  ],
};
