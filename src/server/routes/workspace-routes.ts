import { Hono } from 'hono';
import { groupsActivity, workspaceMemberCount, type GroupActivity } from '../../analytics/workspace-overview.js';
import { findWorkspace, listWorkspaces } from '../../store/workspaces.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam } from '../http-errors.js';

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

/** Workspaces, their groups with today's and last-7-days figures, and the overview the dashboard opens on. */
export function workspaceRoutes(deps: ServerDeps) {
  const app = new Hono();
  const { db } = deps.runtime.store;

  app.get('/workspaces', async (c) => c.json({ workspaces: await listWorkspaces(db) }));

  app.get('/workspaces/:ws/groups', async (c) => {
    const workspace = await findWorkspace(db, c.req.param('ws'));
    const groups = await groupsActivity(db, workspace.id, { now: deps.clock(), days: 7 });
    return c.json({ workspace, asOf: new Date(deps.clock()).toISOString(), groups: groups.map(presentGroupSummary) });
  });

  app.get('/workspaces/:ws/overview', async (c) => {
    const days = intParam(c.req.query('days'), 'days', { min: 7, max: 90, fallback: 30 });
    const workspace = await findWorkspace(db, c.req.param('ws'));
    const now = deps.clock();
    const groups = await groupsActivity(db, workspace.id, { now, days });
    const series = { messages: new Array<number>(days).fill(0), activeMembers: new Array<number>(days).fill(0), joins: new Array<number>(days).fill(0), leaves: new Array<number>(days).fill(0) };
    for (const g of groups) {
      for (const key of Object.keys(series) as (keyof typeof series)[]) g.series[key].forEach((v, i) => (series[key][i]! += v));
    }
    const sum = (pick: (g: GroupActivity) => number) => groups.reduce((s, g) => s + pick(g), 0);
    return c.json({
      workspace,
      asOf: new Date(now).toISOString(),
      days: groups[0]?.days ?? [],
      totals: {
        groups: groups.length,
        members: await workspaceMemberCount(db, workspace.id),
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
