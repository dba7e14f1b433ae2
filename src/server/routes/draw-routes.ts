import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { InvalidDrawError, MAX_ROUNDS, MAX_SHARES, MAX_TOTAL } from '../../activation/draws/draw-split.js';
import { cancelDraw, createDraw, DrawNotFoundError, getDraw, listDraws, MAX_DRAW_TITLE } from '../../activation/draws/draw-store.js';
import { recordAudit } from '../../audit/audit-log.js';
import { groupAccess, workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, groupFilter, inGroupScope } from '../../auth/principal.js';
import type { Permission } from '../../auth/roles.js';
import { MEMBER_ROLES } from '../../groups/staffing-checks.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const createBody = z
  .object({
    groupId: z.number().int().positive(),
    title: z.string().trim().max(MAX_DRAW_TITLE).optional(),
    /** Per envelope: points, or minor units of `currency` (a cash envelope settled outside Hearth). */
    total: z.number().int().min(1).max(MAX_TOTAL),
    shares: z.number().int().min(1).max(MAX_SHARES),
    minimum: z.number().int().min(1).optional(),
    /** Omitted or null: a points draw. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'a currency is three capital letters (CNY, USD)')
      .nullable()
      .optional(),
    rounds: z.number().int().min(1).max(MAX_ROUNDS).optional(),
    /** Minutes between rounds; 0: all at once. */
    roundIntervalMinutes: z.number().int().min(0).max(10_080).optional(),
    /** ISO 8601: when the first round opens (default: now). */
    startsAt: z.iso.datetime({ offset: true }).optional(),
    /** Minutes an envelope stays open before its rest is refunded (default 1440). */
    expiresInMinutes: z.number().int().min(1).max(10_080).optional(),
    /** Only these members, or holders of this in-group role, may claim. */
    exclusive: z
      .object({ members: z.array(z.number().int().positive()).min(1).max(1000).optional(), role: z.enum(MEMBER_ROLES).optional() })
      .strict()
      .optional(),
    words: z.array(z.string()).min(1).max(10).optional(),
    language: z.enum(['zh', 'en']).optional(),
  })
  .strict();

/**
 * Lucky draws (红包): create one in a group (points or a cash label, several rounds,
 * exclusive, expiry), list a workspace's (or a group's) with their envelopes' claims and
 * activity figures, show one, cancel one (its unclaimed rest refunded). Callers limited
 * to some groups see and touch only those groups' draws; creating and cancelling are
 * audit-logged.
 */
export function drawRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  /** A draw the caller may see (404 otherwise), with the permission checked (403). */
  const drawOf = async (c: Context<AuthEnv>, permission: Permission) => {
    const id = intParam(c.req.param('id'), 'draw id');
    const row = await db.selectFrom('draw').select(['workspace_id', 'group_id']).where('id', '=', id).executeTakeFirst();
    const access = row ? c.var.principal.workspaces.get(row.workspace_id) : undefined;
    if (!row || !access || !inGroupScope(access, row.group_id)) throw new HTTPException(404, { message: `no draw ${id}` });
    if (!access.permissions.has(permission)) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) lacks the ${permission} permission` });
    return { id, workspaceId: row.workspace_id, groupId: row.group_id };
  };
  const refused = (error: unknown): never => {
    if (error instanceof InvalidDrawError) throw new HTTPException(400, { message: error.message });
    if (error instanceof DrawNotFoundError) throw new HTTPException(404, { message: error.message });
    throw error;
  };

  app.get('/draws', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    const group = c.req.query('group');
    const groupId = group === undefined ? undefined : intParam(group, 'group');
    return c.json({ draws: await listDraws(db, access.workspace.id, { groupIds: groupFilter(access), ...(groupId !== undefined ? { groupId } : {}) }) });
  });

  app.post('/draws', authorize('act'), async (c) => {
    const body = await readJson(c, createBody);
    const { access, group } = await groupAccess(db, c.var.principal, body.groupId, 'act');
    const now = deps.clock();
    const actor = actorOf(c.var.principal);
    const draw = await createDraw(
      db,
      {
        workspaceId: access.workspace.id,
        groupId: group.id,
        ...(body.title !== undefined ? { title: body.title } : {}),
        currency: body.currency ?? null,
        total: body.total,
        shares: body.shares,
        ...(body.minimum !== undefined ? { minimum: body.minimum } : {}),
        ...(body.rounds !== undefined ? { rounds: body.rounds } : {}),
        ...(body.roundIntervalMinutes !== undefined ? { roundIntervalMs: body.roundIntervalMinutes * 60_000 } : {}),
        ...(body.startsAt ? { startsAt: Date.parse(body.startsAt) } : {}),
        ...(body.expiresInMinutes !== undefined ? { expiresAfterMs: body.expiresInMinutes * 60_000 } : {}),
        exclusiveMembers: body.exclusive?.members ?? null,
        exclusiveRole: body.exclusive?.role ?? null,
        words: body.words ?? null,
        ...(body.language ? { language: body.language } : {}),
        createdBy: actor.label,
      },
      now,
    ).catch(refused);
    deps.runtime.drawRule.invalidate();
    deps.runtime.wakeDispatcher();
    await recordAudit(
      db,
      {
        workspaceId: access.workspace.id,
        actor,
        action: 'draw.created',
        target: { kind: 'draw', id: draw.id },
        groupId: group.id,
        detail: { total: draw.total, shares: draw.shares, currency: draw.currency, rounds: draw.rounds },
      },
      now,
    );
    return c.json(draw, 201);
  });

  app.get('/draws/:id', authorize('read'), async (c) => {
    const draw = await drawOf(c, 'read');
    return c.json(await getDraw(db, draw.workspaceId, draw.id, deps.clock()).catch(refused));
  });

  app.post('/draws/:id/cancel', authorize('act'), async (c) => {
    const draw = await drawOf(c, 'act');
    const now = deps.clock();
    const cancelled = await cancelDraw(db, draw.workspaceId, draw.id, now).catch(refused);
    await recordAudit(
      db,
      {
        workspaceId: draw.workspaceId,
        actor: actorOf(c.var.principal),
        action: 'draw.cancelled',
        target: { kind: 'draw', id: draw.id },
        groupId: draw.groupId,
        detail: { refunded: cancelled.refunded },
      },
      now,
    );
    return c.json(cancelled);
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const drawRouteDocs: RouteDocs = {
  tag: 'draws',
  routes: [
    {
      method: 'get',
      path: '/draws',
      summary: 'A workspace’s lucky draws (红包), optionally one group’s, with every envelope’s claims, claim speed and claimant count',
      access: 'read',
      query: z.object({ workspace: z.string().optional(), group: z.string().optional() }),
    },
    { method: 'post', path: '/draws', summary: 'Create a lucky draw in a group: points or a cash label in minor units, rounds, exclusive, expiry', access: 'act', body: createBody },
    { method: 'get', path: '/draws/:id', summary: 'One draw with its envelopes, claims and activity figures', access: 'read' },
    { method: 'post', path: '/draws/:id/cancel', summary: 'Cancel a draw: unopened rounds never open, the unclaimed rest is refunded', access: 'act' },
  ],
};
