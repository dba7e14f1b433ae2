import { Hono } from 'hono';
import { groupsActivity, workspaceMemberCount, type GroupActivity } from '../../analytics/workspace-overview.js';
import { accessibleWorkspaces, workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { groupFilter, type WorkspaceAccess } from '../../auth/principal.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';
import { z } from 'zod';

/** What leaves the server about a group in lists: figures, never member content. */
function presentGroupSummary(g: GroupActivity) {
  return {
    id: g.id,
    name: g.name,
    platform: g.platform,
    type: g.type,
    timezone: g.timezone,
    members: g.members,
    lastMessageAt: g.lastMessageAt,
    today: g.today,
    last7: g.last7,
    daily: g.series.messages,
  };
}

/** A workspace and the caller's place in it. */
function presentWorkspace(access: WorkspaceAccess) {
  return { id: access.workspace.id, slug: access.workspace.slug, name: access.workspace.name, role: access.role };
}

/** A workspace's groups the caller may see; every group for owners, admins and unassigned members. */
function activityOf(deps: ServerDeps, access: WorkspaceAccess, now: number, days: number) {
  const groupIds = groupFilter(access);
  return groupsActivity(deps.runtime.store.db, access.workspace.id, { now, days, ...(groupIds ? { groupIds } : {}) });
}

/** The caller's workspaces, their groups with today's and last-7-days figures, and the overview the dashboard opens on. */
export function workspaceRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  // Any signed-in caller may list their own workspaces, even none (an operator not yet given a role).
  app.get('/workspaces', authorize('signed-in'), (c) => c.json({ workspaces: accessibleWorkspaces(c.var.principal, 'read').map(presentWorkspace) }));

  app.get('/workspaces/:ws/groups', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.param('ws'), 'read');
    const groups = await activityOf(deps, access, deps.clock(), 7);
    return c.json({ workspace: presentWorkspace(access), asOf: new Date(deps.clock()).toISOString(), groups: groups.map(presentGroupSummary) });
  });

  app.get('/workspaces/:ws/overview', authorize('read'), async (c) => {
    const days = intParam(c.req.query('days'), 'days', { min: 7, max: 90, fallback: 30 });
    const access = workspaceAccess(c.var.principal, c.req.param('ws'), 'read');
    const now = deps.clock();
    const groups = await activityOf(deps, access, now, days);
    const series = { messages: new Array<number>(days).fill(0), activeMembers: new Array<number>(days).fill(0), joins: new Array<number>(days).fill(0), leaves: new Array<number>(days).fill(0) };
    for (const g of groups) {
      for (const key of Object.keys(series) as (keyof typeof series)[]) g.series[key].forEach((v, i) => (series[key][i]! += v));
    }
    const sum = (pick: (g: GroupActivity) => number) => groups.reduce((s, g) => s + pick(g), 0);
    const scope = groupFilter(access);
    return c.json({
      workspace: presentWorkspace(access),
      asOf: new Date(now).toISOString(),
      days: groups[0]?.days ?? [],
      totals: {
        groups: groups.length,
        members: await workspaceMemberCount(db, access.workspace.id, scope ?? undefined),
        messagesToday: sum((g) => g.today.messages),
        activeToday: sum((g) => g.today.activeMembers),
        joinsToday: sum((g) => g.today.joins),
        leavesToday: sum((g) => g.today.leaves),
      },
      series,
      groups: groups.map(presentGroupSummary),
    });
  });

  return app;
}

const daysQuery = z.object({ days: z.coerce.number().int().min(7).max(90).default(30) });

/** This file's routes as the API reference describes them (src/server/openapi). */
export const workspaceRouteDocs: RouteDocs = {
  tag: 'workspaces',
  routes: [
    { method: 'get', path: '/workspaces', summary: 'The workspaces the caller can read', access: 'signed-in' },
    { method: 'get', path: '/workspaces/:ws/groups', summary: 'A workspace’s groups with today’s activity', access: 'read' },
    { method: 'get', path: '/workspaces/:ws/overview', summary: 'A workspace’s totals and daily series', access: 'read', query: daysQuery },
  ],
};
