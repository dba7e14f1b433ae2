import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { dayIn } from '../../core/calendar.js';
import { groupAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { groupHealth } from '../../health/health-queries.js';
import { groupLayers } from '../../health/layer-queries.js';
import { memberFigures } from '../../health/member-figures.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';
import { z } from 'zod';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function dayParam(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new HTTPException(400, { message: `${name} takes a date like 2026-03-01, not ${JSON.stringify(value)}` });
  return value;
}

/** A group's health as of a day (life-cycle stage, score, the figures behind them) and its members' figures. Definitions: docs/metrics.md. */
export function healthRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  app.get('/groups/:id/health', authorize('read'), async (c) => {
    const id = intParam(c.req.param('id'), 'group id');
    const { group } = await groupAccess(db, c.var.principal, id, 'read');
    const now = deps.clock();
    const asOf = dayParam(c.req.query('to'), 'to') ?? dayIn(group.timezone, now);
    const h = await groupHealth(db, group, asOf, now);
    return c.json({
      group: { id: group.id, name: group.name, timezone: group.timezone },
      asOf: h.asOf,
      weeklyActiveDays: h.weeklyActiveDays,
      messagesOnActiveDays: h.messagesOnActiveDays,
      lifecycle: h.lifecycle,
      health: h.health,
      days: h.days,
    });
  });

  app.get('/groups/:id/members/figures', authorize('read'), async (c) => {
    const id = intParam(c.req.param('id'), 'group id');
    await groupAccess(db, c.var.principal, id, 'read');
    const from = dayParam(c.req.query('from'), 'from');
    const to = dayParam(c.req.query('to'), 'to');
    const limit = intParam(c.req.query('limit'), 'limit', { min: 1, max: 500, fallback: 50 });
    const members = await memberFigures(db, id, { ...(from ? { from } : {}), ...(to ? { to } : {}), limit });
    return c.json({ members });
  });

  app.get('/groups/:id/layers', authorize('read'), async (c) => {
    const id = intParam(c.req.param('id'), 'group id');
    const { group } = await groupAccess(db, c.var.principal, id, 'read');
    const asOf = dayParam(c.req.query('to'), 'to') ?? dayIn(group.timezone, deps.clock());
    const limit = intParam(c.req.query('limit'), 'limit', { min: 1, max: 500, fallback: 50 });
    const layers = await groupLayers(db, group, asOf, limit);
    return c.json({ group: { id: group.id, name: group.name, timezone: group.timezone }, asOf: layers.asOf, counts: layers.counts, members: layers.members, candidates: layers.candidates });
  });

  return app;
}

const dayDoc = z.string().regex(DAY).describe('a date like 2026-03-01');

/** This file's routes as the API reference describes them (src/server/openapi). */
export const healthRouteDocs: RouteDocs = {
  tag: 'groups',
  routes: [
    {
      method: 'get',
      path: '/groups/:id/health',
      summary: 'A group’s life-cycle stage, health score and daily figures as of a day (docs/metrics.md)',
      access: 'read',
      query: z.object({ to: dayDoc.optional() }),
    },
    {
      method: 'get',
      path: '/groups/:id/members/figures',
      summary: 'A group’s members’ figures over a span of days',
      access: 'read',
      query: z.object({ from: dayDoc.optional(), to: dayDoc.optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }),
    },
    {
      method: 'get',
      path: '/groups/:id/layers',
      summary: 'A group’s member layers (core, active, normal, at risk, lurker) and opinion-leader candidates as of a day (docs/metrics.md)',
      access: 'read',
      query: z.object({ to: dayDoc.optional(), limit: z.coerce.number().int().min(1).max(500).default(50).describe('members listed per layer') }),
    },
  ],
};
