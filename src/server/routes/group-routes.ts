import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { groupsActivity } from '../../analytics/workspace-overview.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam } from '../http-errors.js';

/** One group: its profile and activity. */
export function groupRoutes(deps: ServerDeps) {
  const app = new Hono();
  const { db } = deps.runtime.store;

  app.get('/groups/:id/activity', async (c) => {
    const id = intParam(c.req.param('id'), 'group id');
    const days = intParam(c.req.query('days'), 'days', { min: 7, max: 90, fallback: 30 });
    const row = await db.selectFrom('chat_group').select(['workspace_id']).where('id', '=', id).executeTakeFirst();
    if (!row) throw new HTTPException(404, { message: `no group ${id}` });
    const [g] = await groupsActivity(db, row.workspace_id, { now: deps.clock(), days, groupIds: [id] });
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
