import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, groupFilter, inGroupScope, type Principal, type WorkspaceAccess } from '../../auth/principal.js';
import type { Permission } from '../../auth/roles.js';
import { linkSuggestionsInScope, memberDetail, searchMembers } from '../../members/member-directory.js';
import { MemberLinkError } from '../../members/member-links.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const searchQuery = z.object({
  workspace: z.string().optional(),
  q: z.string().max(200).optional(),
  platform: z.string().max(40).optional(),
  group: z.coerce.number().int().positive().optional(),
  cursor: z.string().max(20).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const suggestionsQuery = z.object({
  workspace: z.string().optional(),
  member: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const linkBody = z.object({
  /** The member who stays. */
  keep: z.number().int().positive(),
  /** The member folded into `keep`; their id stops existing. */
  merge: z.number().int().positive(),
});

/** A query parameter read with its schema; a bad one is a 400 naming it. */
function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.infer<S> {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(query).filter(([, v]) => v !== '')));
  if (!parsed.success) throw new HTTPException(400, { message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  return parsed.data;
}

/**
 * The workspace of a member, checked against the caller: 404 unless the member is in one
 * of their workspaces (as for one that does not exist); 403 when their role there lacks
 * `permission`.
 */
async function memberWorkspace(deps: ServerDeps, principal: Principal, memberId: number, permission: Permission): Promise<WorkspaceAccess> {
  const member = await deps.runtime.store.db.selectFrom('member').select('workspace_id').where('id', '=', memberId).executeTakeFirst();
  const access = member ? principal.workspaces.get(member.workspace_id) : undefined;
  if (!access) throw new HTTPException(404, { message: `no member ${memberId}` });
  if (!access.permissions.has(permission)) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) lacks the ${permission} permission` });
  return access;
}

/**
 * The members directory: search a workspace's members across groups and platforms, open
 * one, and make two members one person from a link suggestion.
 *
 * Search and open need `read`, narrowed to the caller's groups. Linking needs `manage`,
 * like export and erase (privacy-routes.ts): it rewrites whose messages are whose and
 * cannot be undone, so it is the data controller's decision; it is audited.
 */
export function memberRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  app.get('/members', authorize('read'), async (c) => {
    const query = parseQuery(searchQuery, c.req.query());
    const access = workspaceAccess(c.var.principal, query.workspace, 'read');
    if (query.group !== undefined) {
      const group = await db.selectFrom('chat_group').select(['id', 'workspace_id']).where('id', '=', query.group).executeTakeFirst();
      if (!group || group.workspace_id !== access.workspace.id || !inGroupScope(access, group.id)) throw new HTTPException(404, { message: `no group ${query.group}` });
    }
    const page = await searchMembers(db, access.workspace.id, groupFilter(access), {
      ...(query.q ? { q: query.q } : {}),
      ...(query.platform ? { platform: query.platform } : {}),
      ...(query.group !== undefined ? { groupId: query.group } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
      limit: query.limit,
    });
    return c.json(page);
  });

  app.get('/members/link-suggestions', authorize('read'), async (c) => {
    const query = parseQuery(suggestionsQuery, c.req.query());
    const access = workspaceAccess(c.var.principal, query.workspace, 'read');
    const suggestions = await linkSuggestionsInScope(db, access.workspace.id, groupFilter(access), {
      ...(query.member !== undefined ? { memberId: query.member } : {}),
      limit: query.limit,
    });
    return c.json({ suggestions });
  });

  app.post('/members/links', authorize('manage'), async (c) => {
    const body = await readJson(c, linkBody);
    const access = await memberWorkspace(deps, c.var.principal, body.keep, 'manage');
    try {
      await deps.runtime.linkMembers(access.workspace.id, body.keep, body.merge);
    } catch (error) {
      if (error instanceof MemberLinkError) throw new HTTPException(body.keep === body.merge ? 400 : 404, { message: body.keep === body.merge ? error.message : `no member ${body.merge}` });
      throw error;
    }
    await recordAudit(
      db,
      { workspaceId: access.workspace.id, actor: actorOf(c.var.principal), action: 'member.linked', target: { kind: 'member', id: body.keep }, detail: { merged: body.merge } },
      deps.clock(),
    );
    const member = await memberDetail(db, access.workspace.id, body.keep, groupFilter(access));
    return c.json({ merged: body.merge, ...member });
  });

  app.get('/members/:id', authorize('read'), async (c) => {
    const id = intParam(c.req.param('id'), 'member id');
    const access = await memberWorkspace(deps, c.var.principal, id, 'read');
    const detail = await memberDetail(db, access.workspace.id, id, groupFilter(access));
    if (!detail) throw new HTTPException(404, { message: `no member ${id}` });
    return c.json(detail);
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const memberRouteDocs: RouteDocs = {
  tag: 'members',
  routes: [
    {
      method: 'get',
      path: '/members',
      summary: 'Search members across groups and platforms by name or username, platform and group, a page at a time',
      description: 'Oldest member first; pass `nextCursor` back as `cursor` for the next page. A caller limited to some groups finds only members of those groups.',
      access: 'read',
      query: searchQuery,
    },
    { method: 'get', path: '/members/link-suggestions', summary: 'Members on different platforms who are likely one person', access: 'read', query: suggestionsQuery },
    { method: 'post', path: '/members/links', summary: 'Make two members one person (accept a link suggestion): `merge` is folded into `keep`', access: 'manage', body: linkBody },
    { method: 'get', path: '/members/:id', summary: 'One member: identities on each platform, stays in groups, figures per group', access: 'read' },
  ],
};
