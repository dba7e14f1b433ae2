import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { decideModeration, listModeration, moderationItemOwner } from '../../antispam/moderation-queue.js';
import { setSpamGuard } from '../../antispam/spam-rule.js';
import { loadSpamModel } from '../../antispam/spam-model-store.js';
import { recordAudit } from '../../audit/audit-log.js';
import { type AuthEnv, type Authorize, groupAccess, workspaceAccess } from '../../auth/authorize.js';
import { actorOf, groupFilter } from '../../auth/principal.js';
import type { RouteDocs } from '../openapi/route-doc.js';
import type { ServerDeps } from '../server-deps.js';

const listQuery = z.object({
  workspace: z.string().max(100).optional(),
  status: z.enum(['pending', 'approved', 'dismissed', 'all']).default('pending'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
const guardBody = z.object({ enabled: z.boolean() });
const workspaceQuery = z.object({ workspace: z.string().max(100).optional() });

const bad = (error: z.ZodError) => new HTTPException(400, { message: error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });

/**
 * The moderation queue (src/antispam): GET /api/moderation lists messages the spam rule
 * took down, with their evidence; POST /api/moderation/:id/approve (it was spam) or
 * /dismiss (it was not) records the operator's decision, which the next training
 * learns from; GET/PUT /api/moderation/settings reads and switches the spam rule.
 */
export function moderationRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const db = deps.runtime.store.db;
  app.get('/moderation', authorize('read'), async (c) => {
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) throw bad(parsed.error);
    const access = workspaceAccess(c.var.principal, parsed.data.workspace, 'read');
    const items = await listModeration(db, { workspaceId: access.workspace.id, status: parsed.data.status, groupIds: groupFilter(access), limit: parsed.data.limit });
    return c.json({ items });
  });
  app.get('/moderation/settings', authorize('read'), async (c) => {
    const parsed = workspaceQuery.safeParse(c.req.query());
    if (!parsed.success) throw bad(parsed.error);
    const access = workspaceAccess(c.var.principal, parsed.data.workspace, 'read');
    const guard = await db.selectFrom('spam_guard').select('enabled').where('workspace_id', '=', access.workspace.id).executeTakeFirst();
    const model = await loadSpamModel(db, access.workspace.id);
    return c.json({ enabled: Number(guard?.enabled ?? 0) === 1, model: model.source, trainedAt: model.trainedAt, trainedOn: model.model.trainedOn });
  });
  app.put('/moderation/settings', authorize('configure'), async (c) => {
    const parsed = workspaceQuery.safeParse(c.req.query());
    if (!parsed.success) throw bad(parsed.error);
    const body = guardBody.safeParse(await c.req.json().catch(() => null));
    if (!body.success) throw bad(body.error);
    const access = workspaceAccess(c.var.principal, parsed.data.workspace, 'configure');
    const now = deps.clock();
    await setSpamGuard(db, access.workspace.id, body.data.enabled, now);
    deps.runtime.spamRule.invalidate();
    await recordAudit(db, { workspaceId: access.workspace.id, actor: actorOf(c.var.principal), action: body.data.enabled ? 'spam.enabled' : 'spam.disabled' }, now);
    return c.json({ enabled: body.data.enabled });
  });
  for (const [verb, status] of [
    ['approve', 'approved'],
    ['dismiss', 'dismissed'],
  ] as const) {
    app.post(`/moderation/:id/${verb}`, authorize('act'), async (c) => {
      const id = Number(c.req.param('id'));
      if (!Number.isInteger(id) || id <= 0) throw new HTTPException(400, { message: 'id: expected a positive integer' });
      const owner = await moderationItemOwner(db, id);
      const principal = c.var.principal;
      if (!owner) throw new HTTPException(404, { message: `no moderation item ${id}` });
      await groupAccess(db, principal, owner.groupId, 'act');
      const now = deps.clock();
      const actor = actorOf(principal);
      await decideModeration(db, id, status, actor.label, now);
      await recordAudit(db, { workspaceId: owner.workspaceId, actor, action: `moderation.${status}`, target: { kind: 'moderation_item', id }, groupId: owner.groupId }, now);
      return c.json({ id, status });
    });
  }
  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const moderationRouteDocs: RouteDocs = {
  tag: 'moderation',
  routes: [
    { method: 'get', path: '/moderation', summary: 'Messages the spam rule took down, with their evidence', access: 'read', query: listQuery },
    { method: 'get', path: '/moderation/settings', summary: 'Whether the spam rule runs, and which model it uses', access: 'read', query: workspaceQuery },
    { method: 'put', path: '/moderation/settings', summary: 'Switch the spam rule on or off', access: 'configure', query: workspaceQuery, body: guardBody },
    { method: 'post', path: '/moderation/:id/approve', summary: 'Confirm a queued message was spam', access: 'act' },
    { method: 'post', path: '/moderation/:id/dismiss', summary: 'Overturn: the queued message was not spam', access: 'act' },
  ],
};
