import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Kysely, Selectable } from 'kysely';
import { groupsActivity } from '../../analytics/workspace-overview.js';
import { accessibleWorkspaces, groupAccess, workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { groupFilter } from '../../auth/principal.js';
import type { ChatGroupTable, Database } from '../../store/schema.js';
import { groupSelectorSchema, resolveGroupSelector, type GroupSelector } from '../../groups/group-selector.js';
import { tagsOfGroups } from '../../groups/group-sets.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';
import { z } from 'zod';

type GroupRow = Selectable<ChatGroupTable>;

/** A group in lists: who it is, not what is said in it; never its platform connection. */
function presentGroup(g: GroupRow, workspace: { id: number; slug: string }) {
  return { id: g.id, name: g.name, platform: g.platform, type: g.type, timezone: g.timezone, workspace: { id: workspace.id, slug: workspace.slug } };
}

/** A group's profile: its positioning as the operators describe it. */
function presentGroupProfile(g: GroupRow, workspace: { id: number; slug: string }) {
  return {
    ...presentGroup(g, workspace),
    purpose: g.purpose,
    theme: g.theme,
    audience: g.audience,
    promise: g.promise,
    namingRule: g.naming_rule,
    createdAt: new Date(g.created_at).toISOString(),
  };
}

/** The groups of some workspaces, each narrowed to the caller's assigned groups there. */
export async function groupsInScope(db: Kysely<Database>, scopes: { workspaceId: number; groupIds: number[] | null }[], platform?: string): Promise<GroupRow[]> {
  if (scopes.length === 0) return [];
  let q = db.selectFrom('chat_group').selectAll();
  if (platform) q = q.where('platform', '=', platform);
  q = q.where((eb) =>
    eb.or(scopes.map((s) => (s.groupIds ? eb.and([eb('workspace_id', '=', s.workspaceId), eb('id', 'in', s.groupIds.length ? s.groupIds : [-1])]) : eb('workspace_id', '=', s.workspaceId)))),
  );
  return q.orderBy('workspace_id').orderBy('id').execute();
}

/**
 * The list's filters (`?set=paid&type=product&purpose=sell&platform=telegram&name=bake`)
 * as a group selector; none given: undefined (every group). A bad value is a 400
 * naming it.
 */
function selectorOfQuery(query: Record<string, string>): GroupSelector | undefined {
  const { set, type, purpose, platform, name } = query;
  if ([set, type, purpose, platform, name].every((v) => v === undefined || v === '')) return undefined;
  const parsed = groupSelectorSchema.safeParse({
    ...(set ? { sets: set.split(',') } : {}),
    ...(type ? { type } : {}),
    ...(purpose ? { purpose } : {}),
    ...(platform ? { platform } : {}),
    ...(name ? { name } : {}),
  });
  if (!parsed.success) throw new HTTPException(400, { message: `bad group filter: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
  return parsed.data;
}

/** The caller's groups: the list, one group's profile, and its activity. */
export function groupRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  app.get('/groups', authorize('read'), async (c) => {
    const principal = c.var.principal;
    const ref = c.req.query('workspace');
    const accesses = ref ? [workspaceAccess(principal, ref, 'read')] : accessibleWorkspaces(principal, 'read');
    const selector = selectorOfQuery(c.req.query());
    const scopes = await Promise.all(
      accesses.map(async (a) => ({ workspaceId: a.workspace.id, groupIds: selector ? await resolveGroupSelector(db, a.workspace.id, selector, groupFilter(a)) : groupFilter(a) })),
    );
    const rows = await groupsInScope(db, scopes);
    const byId = new Map(accesses.map((a) => [a.workspace.id, a.workspace]));
    const sets = await tagsOfGroups(
      db,
      rows.map((g) => g.id),
    );
    return c.json({ groups: rows.map((g) => ({ ...presentGroup(g, byId.get(g.workspace_id)!), purpose: g.purpose, sets: sets.get(g.id) ?? [] })) });
  });

  app.get('/groups/:id', authorize('read'), async (c) => {
    const id = intParam(c.req.param('id'), 'group id');
    const { access, group } = await groupAccess(db, c.var.principal, id, 'read');
    const sets = (await tagsOfGroups(db, [group.id])).get(group.id) ?? [];
    return c.json({ group: { ...presentGroupProfile(group, access.workspace), sets } });
  });

  app.get('/groups/:id/activity', authorize('read'), async (c) => {
    const id = intParam(c.req.param('id'), 'group id');
    const days = intParam(c.req.query('days'), 'days', { min: 7, max: 90, fallback: 30 });
    const { access } = await groupAccess(db, c.var.principal, id, 'read');
    const [g] = await groupsActivity(db, access.workspace.id, { now: deps.clock(), days, groupIds: [id] });
    if (!g) throw new HTTPException(404, { message: `no group ${id}` });
    return c.json({
      group: { id: g.id, name: g.name, platform: g.platform, type: g.type, purpose: g.purpose, theme: g.theme, audience: g.audience, timezone: g.timezone, members: g.members },
      days: g.days,
      series: g.series,
      today: g.today,
      last7: g.last7,
    });
  });

  return app;
}

const listQueryDoc = z.object({
  workspace: z.string().optional(),
  set: z.string().optional().describe('comma-separated set names'),
  type: z.string().optional(),
  purpose: z.string().optional(),
  platform: z.string().optional(),
  name: z.string().optional(),
});
const daysQueryDoc = z.object({ days: z.coerce.number().int().min(7).max(90).default(30) });

/** This file's routes as the API reference describes them (src/server/openapi). */
export const groupRouteDocs: RouteDocs = {
  tag: 'groups',
  routes: [
    { method: 'get', path: '/groups', summary: 'The caller’s groups, optionally filtered by set, type, purpose, platform or name', access: 'read', query: listQueryDoc },
    { method: 'get', path: '/groups/:id', summary: 'One group’s profile', access: 'read' },
    { method: 'get', path: '/groups/:id/activity', summary: 'One group’s daily activity', access: 'read', query: daysQueryDoc },
  ],
};
