import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, groupFilter, inGroupScope } from '../../auth/principal.js';
import { discardParked, listOutbox, OUTBOX_STATUSES, OutboxRowNotFoundError, OutboxRowNotParkedError, outboxRowScope, requeueParked } from '../../outbox/outbox-store.js';
import type { OutboxStatus } from '../../store/schema.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const positiveInt = z.coerce.number().int().positive();
const listQuery = z.object({
  workspace: z.string().max(100).optional(),
  status: z.enum(OUTBOX_STATUSES as [OutboxStatus, ...OutboxStatus[]]).optional(),
  group: positiveInt.optional(),
  before: positiveInt.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * The outbox of a workspace: what waits to be sent, what was, and what is parked —
 * actions that cannot be sent as they are, with the reason — (read), and an
 * operator's decision on a parked one: requeue it or discard it (act, audit-logged).
 * Callers limited to some groups see and touch only those groups' rows.
 */
export function outboxRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  app.get('/outbox', authorize('read'), async (c) => {
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) throw new HTTPException(400, { message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const q = parsed.data;
    const access = workspaceAccess(c.var.principal, q.workspace, 'read');
    const page = await listOutbox(db, {
      workspaceId: access.workspace.id,
      groupIds: groupFilter(access),
      limit: q.limit,
      ...(q.status ? { status: q.status } : {}),
      ...(q.group !== undefined ? { group: q.group } : {}),
      ...(q.before !== undefined ? { before: q.before } : {}),
    });
    return c.json(page);
  });

  /** A parked row the caller may act on: 404 when it is not theirs to see, 403 without `act`. */
  const parkedRow = async (c: Context<AuthEnv>) => {
    const id = intParam(c.req.param('id'), 'outbox id');
    const scope = await outboxRowScope(db, id);
    const access = scope ? c.var.principal.workspaces.get(scope.workspaceId) : undefined;
    if (!scope || !access || !inGroupScope(access, scope.groupId)) throw new HTTPException(404, { message: `no outbox row ${id}` });
    if (!access.permissions.has('act')) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) lacks the act permission` });
    return { id, ...scope };
  };
  const decide = (verb: 'requeued' | 'discarded', run: (id: number, now: number) => Promise<void>) => async (c: Context<AuthEnv>) => {
    const row = await parkedRow(c);
    const now = deps.clock();
    try {
      await run(row.id, now);
    } catch (error) {
      if (error instanceof OutboxRowNotFoundError) throw new HTTPException(404, { message: error.message });
      if (error instanceof OutboxRowNotParkedError) throw new HTTPException(409, { message: error.message });
      throw error;
    }
    await recordAudit(db, { workspaceId: row.workspaceId, actor: actorOf(c.var.principal), action: `outbox.${verb}`, target: { kind: 'outbox', id: row.id }, groupId: row.groupId }, now);
    return c.json({ id: row.id, status: verb === 'requeued' ? 'pending' : 'discarded' });
  };

  app.post(
    '/outbox/:id/requeue',
    authorize('act'),
    decide('requeued', (id, now) => requeueParked(db, id, now)),
  );
  app.post(
    '/outbox/:id/discard',
    authorize('act'),
    decide('discarded', (id, now) => discardParked(db, id, now)),
  );
  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const outboxRouteDocs: RouteDocs = {
  tag: 'outbox',
  routes: [
    { method: 'get', path: '/outbox', summary: 'Planned and sent actions, parked ones with their reason', access: 'read', query: listQuery },
    { method: 'post', path: '/outbox/:id/requeue', summary: 'Send a parked action again', access: 'act' },
    { method: 'post', path: '/outbox/:id/discard', summary: 'Discard a parked action', access: 'act' },
  ],
};
