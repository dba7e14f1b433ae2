import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { InvalidPointsError } from '../../activation/points/points-ledger.js';
import { InvalidPointsConfigError, MEDALS } from '../../activation/points/points-rules.js';
import { pointsSettings, savePointsSettings } from '../../activation/points/points-settings.js';
import { adjustPoints, checkinsByDay, checkMonth, leaderboard, memberPoints, monthMedals, PointsNotFoundError, pointsGroups } from '../../activation/points/points-store.js';
import { recordAudit } from '../../audit/audit-log.js';
import type { GroupPoints, PointsAdjusted } from '../../shared/points-records.js';
import { groupAccess, workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, groupFilter, inGroupScope } from '../../auth/principal.js';
import { dayIn } from '../../core/calendar.js';
import type { RouteDocs } from '../openapi/route-doc.js';
import { intParam, readJson } from '../http-errors.js';
import type { ServerDeps } from '../server-deps.js';

const int = (max = 100_000) => z.number().int().min(0).max(max);
const keywords = z.array(z.string().max(24)).max(20);
const settingsBody = z
  .object({
    enabled: z.boolean().optional(),
    config: z
      .object({
        language: z.enum(['zh', 'en']).optional(),
        checkin: z
          .object({
            enabled: z.boolean(),
            keywords,
            makeupKeywords: keywords,
            points: int(),
            streakBonus: int(),
            streakBonusMax: int(),
            makeupDays: int(30),
            makeupCost: int(),
          })
          .partial()
          .strict()
          .optional(),
        message: z
          .object({ points: int(), dailyCap: int(1000), minLength: int(1000) })
          .partial()
          .strict()
          .optional(),
        reply: z
          .object({ points: int(), dailyCap: int(1000) })
          .partial()
          .strict()
          .optional(),
        invite: z.object({ points: int() }).partial().strict().optional(),
        commendation: z.boolean().optional(),
        levels: z
          .array(z.object({ threshold: z.number().int().min(0), zh: z.string().min(1).max(40), en: z.string().min(1).max(40) }).strict())
          .min(1)
          .max(20)
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const adjustBody = z
  .object({
    /** The group the points are for; omitted or null: not tied to a group. */
    groupId: z.number().int().positive().nullable().optional(),
    points: z
      .number()
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .refine((n) => n !== 0, 'points must not be 0'),
    reason: z.string().trim().min(1).max(200),
  })
  .strict();

const monthQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional(),
});

/**
 * Points and check-in: each group's settings (off until turned on; keywords, points,
 * caps, make-up, levels), its leaderboard and check-ins for a month with the medals
 * awarded, one member's points (balance, level, streak, medals, ledger), and an
 * operator's adjustment with a reason (audit-logged). A group-limited caller sees and
 * adjusts only their groups.
 */
export function pointsRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;
  const refused = (error: unknown): never => {
    if (error instanceof InvalidPointsError || error instanceof InvalidPointsConfigError) throw new HTTPException(400, { message: error.message });
    if (error instanceof PointsNotFoundError) throw new HTTPException(404, { message: error.message });
    throw error;
  };
  const levelsOf = async (groupId: number) => (await pointsSettings(db, groupId)).config.levels;

  app.get('/points/groups', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    return c.json({ groups: await pointsGroups(db, access.workspace.id, groupFilter(access), deps.clock()) });
  });

  app.get('/points/groups/:id', authorize('read'), async (c) => {
    const { group } = await groupAccess(db, c.var.principal, intParam(c.req.param('id'), 'group id'), 'read');
    const query = monthQuery.safeParse({ month: c.req.query('month') });
    if (!query.success) throw new HTTPException(400, { message: `month must be YYYY-MM, got ${JSON.stringify(c.req.query('month'))}` });
    const month = query.data.month ?? dayIn(group.timezone, deps.clock()).slice(0, 7);
    const settings = await pointsSettings(db, group.id);
    return c.json({
      group: { id: group.id, name: group.name, timezone: group.timezone },
      settings,
      month,
      leaderboard: await leaderboard(db, group.id, checkMonth(month), settings.config.levels, 50),
      checkinsByDay: await checkinsByDay(db, group.id, month),
      medals: (await monthMedals(db, group.id, month)).map((m) => ({ ...m, title: MEDALS[m.medal as keyof typeof MEDALS] ?? { zh: m.medal, en: m.medal } })),
    } satisfies GroupPoints);
  });

  app.put('/points/groups/:id/settings', authorize('configure'), async (c) => {
    const { access, group } = await groupAccess(db, c.var.principal, intParam(c.req.param('id'), 'group id'), 'configure');
    const body = await readJson(c, settingsBody);
    const now = deps.clock();
    const saved = await savePointsSettings(db, { id: group.id, workspaceId: group.workspace_id }, body, now).catch(refused);
    deps.runtime.pointsRule.settings.forget(group.workspace_id);
    await recordAudit(db, { workspaceId: access.workspace.id, actor: actorOf(c.var.principal), action: 'points.settings', target: { kind: 'group', id: group.id }, detail: body }, now);
    return c.json(saved);
  });

  /** A member of a workspace the caller reads, in one of their groups when they are group-limited (404 otherwise). */
  const memberOf = async (principal: AuthEnv['Variables']['principal'], memberId: number, permission: 'read' | 'act') => {
    const row = await db.selectFrom('member').select(['workspace_id']).where('id', '=', memberId).executeTakeFirst();
    const access = row ? principal.workspaces.get(row.workspace_id) : undefined;
    if (!row || !access) throw new HTTPException(404, { message: `no member ${memberId}` });
    const groups = groupFilter(access);
    if (groups !== null) {
      const stays = await db.selectFrom('membership').select('group_id').where('member_id', '=', memberId).execute();
      if (!stays.some((s) => groups.includes(s.group_id))) throw new HTTPException(404, { message: `no member ${memberId}` });
    }
    if (!access.permissions.has(permission)) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) lacks the ${permission} permission` });
    return { access, workspaceId: row.workspace_id };
  };

  app.get('/points/members/:id', authorize('read'), async (c) => {
    const memberId = intParam(c.req.param('id'), 'member id');
    const { access, workspaceId } = await memberOf(c.var.principal, memberId, 'read');
    const limit = intParam(c.req.query('limit'), 'limit', { min: 1, max: 500, fallback: 100 });
    return c.json(await memberPoints(db, workspaceId, memberId, { groupIds: groupFilter(access), now: deps.clock(), limit, levelsOf }).catch(refused));
  });

  app.post('/points/members/:id/adjust', authorize('act'), async (c) => {
    const memberId = intParam(c.req.param('id'), 'member id');
    const { access, workspaceId } = await memberOf(c.var.principal, memberId, 'act');
    const body = await readJson(c, adjustBody);
    const groupId = body.groupId ?? null;
    if (groupId !== null) {
      const group = await db.selectFrom('chat_group').select('workspace_id').where('id', '=', groupId).executeTakeFirst();
      if (!group || group.workspace_id !== workspaceId || !inGroupScope(access, groupId)) throw new HTTPException(404, { message: `no group ${groupId}` });
    } else if (access.groups !== 'all') throw new HTTPException(400, { message: 'groupId is required: your role is limited to some groups' });
    const now = deps.clock();
    const actor = actorOf(c.var.principal);
    const result = await adjustPoints(db, { workspaceId, groupId, memberId, points: body.points, note: body.reason, by: actor.label }, now).catch(refused);
    await recordAudit(
      db,
      { workspaceId, actor, action: 'points.adjusted', target: { kind: 'member', id: memberId }, detail: { groupId, points: body.points, reason: body.reason, balance: result.balance } },
      now,
    );
    return c.json({ memberId, groupId, points: body.points, reason: body.reason, ...result } satisfies PointsAdjusted, 201);
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const pointsRouteDocs: RouteDocs = {
  tag: 'points',
  routes: [
    {
      method: 'get',
      path: '/points/groups',
      summary: 'A workspace’s groups with their points switch and this month’s points, check-ins and earners',
      access: 'read',
      query: z.object({ workspace: z.string().optional() }),
    },
    { method: 'get', path: '/points/groups/:id', summary: 'A group’s points settings, leaderboard, daily check-ins and medals for a month (default: this month)', access: 'read', query: monthQuery },
    {
      method: 'put',
      path: '/points/groups/:id/settings',
      summary: 'Turn points on or off and change check-in keywords, points, caps, make-up and levels (a bad field: 400, nothing stored)',
      access: 'configure',
      body: settingsBody,
    },
    {
      method: 'get',
      path: '/points/members/:id',
      summary: 'A member’s points: balance, level and streak per group, medals, latest ledger entries',
      access: 'read',
      query: z.object({ limit: z.string().optional() }),
    },
    {
      method: 'post',
      path: '/points/members/:id/adjust',
      summary: 'Credit or debit a member’s points with a reason (audit-logged; a debit below zero: 400)',
      access: 'act',
      body: adjustBody,
      status: 201,
    },
  ],
};
