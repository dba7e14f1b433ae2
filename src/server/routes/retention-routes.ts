import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { type AuthEnv, type Authorize, groupAccess, workspaceAccess } from '../../auth/authorize.js';
import { actorOf, groupFilter } from '../../auth/principal.js';
import { dayIn } from '../../core/calendar.js';
import { DEFAULT_CLEANUP_CRITERIA } from '../../health/cleanup-list.js';
import { applyCleanupAction, groupCleanup, NotOnCleanupListError } from '../../health/cleanup-queries.js';
import { groupCohorts, workspaceCohorts } from '../../health/cohort-queries.js';
import type { RouteDocs } from '../openapi/route-doc.js';
import type { ServerDeps } from '../server-deps.js';
import type { GroupCleanupView, GroupCohortsView } from '../../shared/retention-records.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const cohortQuery = z.object({
  weeks: z.coerce.number().int().min(1).max(52).default(12).describe('cohorts shown: the join weeks ending with the current one'),
  by: z.enum(['week', 'channel']).default('week').describe('channel: each join week split by the channel of the code joined through'),
  to: z
    .string()
    .regex(DAY, 'takes a date like 2026-03-01')
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'is not a date')
    .optional()
    .describe("the day judged (the group's time zone; default today)"),
});
const workspaceCohortQuery = cohortQuery.omit({ to: true }).extend({ workspace: z.string().max(100).optional() });
const cleanupQuery = z.object({
  silentDays: z.coerce.number().int().min(1).max(3650).default(DEFAULT_CLEANUP_CRITERIA.silentDays).describe('silent: no message in the group for at least this many days'),
  periodDays: z.coerce.number().int().min(1).max(3650).default(DEFAULT_CLEANUP_CRITERIA.periodDays).describe('rule breakers and ad suspects: the days looked back'),
  minEnforcements: z.coerce.number().int().min(1).max(1000).default(DEFAULT_CLEANUP_CRITERIA.minEnforcements).describe('rule breaker: at least this many enforcements in the period'),
  minSpamHits: z.coerce.number().int().min(1).max(1000).default(DEFAULT_CLEANUP_CRITERIA.minSpamHits).describe('ad suspect: at least this many queued messages in the period'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
const actionBody = z
  .object({
    action: z.enum(['remove', 'dismiss']),
    memberIds: z.array(z.number().int().positive()).min(1).max(500),
  })
  .strict();

const bad = (error: z.ZodError) => new HTTPException(400, { message: error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });

/**
 * Retention (docs/metrics.md, "Retention cohorts" and "Cleanup list"): GET
 * /api/groups/:id/cohorts and GET /api/cohorts (the workspace's groups added
 * together), GET /api/groups/:id/cleanup (the reviewable list) and POST
 * /api/groups/:id/cleanup/actions (remove through the outbox, or dismiss; audited).
 */
export function retentionRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  app.get('/groups/:id/cohorts', authorize('read'), async (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || id <= 0) throw new HTTPException(400, { message: 'group id: expected a positive integer' });
    const { group } = await groupAccess(db, c.var.principal, id, 'read');
    const q = cohortQuery.safeParse(c.req.query());
    if (!q.success) throw bad(q.error);
    const table = await groupCohorts(db, group, { asOf: q.data.to ?? dayIn(group.timezone, deps.clock()), weeks: q.data.weeks, by: q.data.by });
    return c.json({ group: { id: group.id, name: group.name, timezone: group.timezone }, ...table } satisfies GroupCohortsView);
  });

  app.get('/cohorts', authorize('read'), async (c) => {
    const q = workspaceCohortQuery.safeParse(c.req.query());
    if (!q.success) throw bad(q.error);
    const access = workspaceAccess(c.var.principal, q.data.workspace, 'read');
    const table = await workspaceCohorts(db, access.workspace.id, groupFilter(access), { now: deps.clock(), weeks: q.data.weeks, by: q.data.by });
    return c.json(table);
  });

  app.get('/groups/:id/cleanup', authorize('read'), async (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || id <= 0) throw new HTTPException(400, { message: 'group id: expected a positive integer' });
    const { group } = await groupAccess(db, c.var.principal, id, 'read');
    const q = cleanupQuery.safeParse(c.req.query());
    if (!q.success) throw bad(q.error);
    const { limit, ...criteria } = q.data;
    const list = await groupCleanup(db, group, deps.clock(), criteria, limit);
    const removable = deps.runtime.automations.traitsOf(group.platform).capabilities.has('remove');
    return c.json({ group: { id: group.id, name: group.name, platform: group.platform }, removable, ...list } satisfies GroupCleanupView);
  });

  app.post('/groups/:id/cleanup/actions', authorize('act'), async (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || id <= 0) throw new HTTPException(400, { message: 'group id: expected a positive integer' });
    const { group } = await groupAccess(db, c.var.principal, id, 'act');
    const q = cleanupQuery.omit({ limit: true }).safeParse(c.req.query());
    if (!q.success) throw bad(q.error);
    const body = actionBody.safeParse(await c.req.json().catch(() => null));
    if (!body.success) throw bad(body.error);
    try {
      const outcomes = await applyCleanupAction(
        db,
        group,
        { memberIds: body.data.memberIds, action: body.data.action, criteria: q.data },
        { actor: actorOf(c.var.principal), now: deps.clock(), traitsOf: (p) => deps.runtime.automations.traitsOf(p) },
      );
      // The dispatch loop sends the queued removals on its next pass.
      return c.json({ action: body.data.action, outcomes });
    } catch (error) {
      if (error instanceof NotOnCleanupListError) throw new HTTPException(409, { message: error.message });
      throw error;
    }
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const retentionRouteDocs: RouteDocs = {
  tag: 'groups',
  routes: [
    {
      method: 'get',
      path: '/groups/:id/cohorts',
      summary: 'A group’s retention cohorts by ISO join week (or join week and channel): share still in the group and share active per week since joining, and churn per week (docs/metrics.md)',
      access: 'read',
      query: cohortQuery,
    },
    {
      method: 'get',
      path: '/cohorts',
      summary: 'The workspace’s retention cohorts and churn: its groups’ (the caller’s groups’) added together',
      access: 'read',
      query: workspaceCohortQuery,
    },
    {
      method: 'get',
      path: '/groups/:id/cleanup',
      summary: 'A group’s reviewable cleanup list: ad suspects, repeated rule breakers and members silent for three months, each with the figures behind it; staff never listed (docs/metrics.md)',
      access: 'read',
      query: cleanupQuery,
    },
    {
      method: 'post',
      path: '/groups/:id/cleanup/actions',
      summary:
        'Remove (a remove_member through the outbox; where the platform cannot remove, an alert to do it by hand) or dismiss listed members, all or none (409 when one is not on the list); each kept off the list for 90 days and audited',
      access: 'act',
      query: cleanupQuery.omit({ limit: true }),
      body: actionBody,
    },
  ],
};
