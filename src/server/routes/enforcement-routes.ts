import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { type AuthEnv, type Authorize, groupAccess, workspaceAccess } from '../../auth/authorize.js';
import { actorOf, groupFilter } from '../../auth/principal.js';
import {
  EnforcementAlreadyUndoneError,
  EnforcementNotFoundError,
  enforcementOwner,
  listEnforcements,
  readLadder,
  saveGroupLadder,
  saveWorkspaceLadder,
  undoEnforcement,
} from '../../enforcement/enforcement-store.js';
import { enforcementOverrideSchema, enforcementSettingsSchema } from '../../enforcement/ladder.js';
import type { RouteDocs } from '../openapi/route-doc.js';
import type { ServerDeps } from '../server-deps.js';

const ladderQuery = z.object({
  workspace: z.string().max(100).optional(),
  group: z.coerce.number().int().positive().optional(),
});
const listQuery = z.object({
  workspace: z.string().max(100).optional(),
  group: z.coerce.number().int().positive().optional(),
  member: z.coerce.number().int().positive().optional(),
  status: z.enum(['active', 'undone', 'all']).default('all'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

const bad = (error: z.ZodError) => new HTTPException(400, { message: error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });

/**
 * Enforcement (src/enforcement): GET/PUT /api/enforcement/ladder reads and sets the
 * workspace's ladder and detectors (with ?group=, that group's override; an empty
 * override removes it); GET /api/enforcement lists enforcements with their evidence;
 * POST /api/enforcement/:id/undo lifts one (unmute / unban through the outbox, the
 * strike removed).
 */
export function enforcementRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const db = deps.runtime.store.db;

  app.get('/enforcement/ladder', authorize('read'), async (c) => {
    const q = ladderQuery.safeParse(c.req.query());
    if (!q.success) throw bad(q.error);
    const workspaceId =
      q.data.group !== undefined ? (await groupAccess(db, c.var.principal, q.data.group, 'read')).access.workspace.id : workspaceAccess(c.var.principal, q.data.workspace, 'read').workspace.id;
    const { settings, override } = await readLadder(db, workspaceId, q.data.group);
    return c.json({ scope: q.data.group !== undefined ? 'group' : 'workspace', settings, override });
  });

  app.put('/enforcement/ladder', authorize('configure'), async (c) => {
    const q = ladderQuery.safeParse(c.req.query());
    if (!q.success) throw bad(q.error);
    const json = await c.req.json().catch(() => null);
    const now = deps.clock();
    let workspaceId: number;
    if (q.data.group !== undefined) {
      const body = enforcementOverrideSchema.strict().safeParse(json);
      if (!body.success) throw bad(body.error);
      workspaceId = (await groupAccess(db, c.var.principal, q.data.group, 'configure')).access.workspace.id;
      const empty = Object.keys(body.data).length === 0;
      await saveGroupLadder(db, workspaceId, q.data.group, empty ? null : body.data, now);
    } else {
      const body = enforcementSettingsSchema.safeParse(json);
      if (!body.success) throw bad(body.error);
      workspaceId = workspaceAccess(c.var.principal, q.data.workspace, 'configure').workspace.id;
      await saveWorkspaceLadder(db, workspaceId, body.data, now);
    }
    deps.runtime.enforcementRule.invalidate();
    await recordAudit(
      db,
      {
        workspaceId,
        actor: actorOf(c.var.principal),
        action: 'enforcement.ladder_set',
        ...(q.data.group !== undefined ? { groupId: q.data.group, target: { kind: 'group', id: q.data.group } } : {}),
        detail: { settings: json },
      },
      now,
    );
    const { settings, override } = await readLadder(db, workspaceId, q.data.group);
    return c.json({ scope: q.data.group !== undefined ? 'group' : 'workspace', settings, override });
  });

  app.get('/enforcement', authorize('read'), async (c) => {
    const q = listQuery.safeParse(c.req.query());
    if (!q.success) throw bad(q.error);
    const access =
      q.data.group !== undefined && q.data.workspace === undefined ? (await groupAccess(db, c.var.principal, q.data.group, 'read')).access : workspaceAccess(c.var.principal, q.data.workspace, 'read');
    if (q.data.group !== undefined && (await groupAccess(db, c.var.principal, q.data.group, 'read')).access.workspace.id !== access.workspace.id)
      throw new HTTPException(404, { message: `no group ${q.data.group}` });
    const enforcements = await listEnforcements(db, {
      workspaceId: access.workspace.id,
      groupIds: groupFilter(access),
      status: q.data.status,
      limit: q.data.limit,
      ...(q.data.group !== undefined ? { group: q.data.group } : {}),
      ...(q.data.member !== undefined ? { member: q.data.member } : {}),
    });
    return c.json({ enforcements });
  });

  app.post('/enforcement/:id/undo', authorize('act'), async (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || id <= 0) throw new HTTPException(400, { message: 'id: expected a positive integer' });
    const owner = await enforcementOwner(db, id);
    if (!owner) throw new HTTPException(404, { message: `no enforcement ${id}` });
    await groupAccess(db, c.var.principal, owner.groupId, 'act');
    const now = deps.clock();
    const actor = actorOf(c.var.principal);
    try {
      const undone = await undoEnforcement(db, id, { by: actor.label, now, traitsOf: (p) => deps.runtime.automations.traitsOf(p) });
      await recordAudit(
        db,
        { workspaceId: owner.workspaceId, actor, action: 'enforcement.undone', target: { kind: 'enforcement', id }, groupId: owner.groupId, detail: { planned: undone.planned } },
        now,
      );
      // The dispatch loop sends the queued unmute / unban on its next pass (it looks every few seconds).
      return c.json({ id, status: 'undone', planned: undone.planned, fallbacks: undone.fallbacks });
    } catch (error) {
      if (error instanceof EnforcementAlreadyUndoneError) throw new HTTPException(409, { message: error.message });
      if (error instanceof EnforcementNotFoundError) throw new HTTPException(404, { message: error.message });
      throw error;
    }
  });
  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const enforcementRouteDocs: RouteDocs = {
  tag: 'enforcement',
  routes: [
    { method: 'get', path: '/enforcement/ladder', summary: 'The escalation ladder and detectors that apply in the workspace (or a group, with its override)', access: 'read', query: ladderQuery },
    {
      method: 'put',
      path: '/enforcement/ladder',
      summary: "Set the workspace's ladder and detectors, or (with ?group=) a group's override; an empty override removes it",
      access: 'configure',
      query: ladderQuery,
      body: enforcementSettingsSchema,
    },
    { method: 'get', path: '/enforcement', summary: 'Enforcements taken, newest first, with their evidence, step and fallback', access: 'read', query: listQuery },
    { method: 'post', path: '/enforcement/:id/undo', summary: 'Undo an enforcement: lift the mute or ban through the outbox, remove the strike', access: 'act' },
  ],
};
