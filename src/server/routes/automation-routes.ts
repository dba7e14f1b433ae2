import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { groupAccess, workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, groupFilter, inGroupScope, type Principal } from '../../auth/principal.js';
import { InvalidAutomationError } from '../../automations/automation-catalog.js';
import { addAutomation, AutomationNotFoundError, getAutomation, listAutomations, removeAutomation, updateAutomation, type AutomationInfo } from '../../automations/automation-store.js';
import { listRuleProblems } from '../../automations/automation-problems.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const addBody = z.object({
  workspace: z.string().trim().min(1).max(100).optional(),
  groupId: z.number().int().positive().optional(),
  kind: z.string().min(1).max(50),
  config: z.unknown(),
});
const changeBody = z.object({ config: z.unknown().optional(), enabled: z.boolean().optional() }).refine((b) => b.config !== undefined || b.enabled !== undefined, 'give config or enabled');

/**
 * The automations of a workspace (the welcome message, keyword replies): list and
 * their problems (read), add, change, switch on or off, remove (configure). A rule limited to a group is only
 * visible and changeable by callers who may see that group.
 */
export function automationRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;
  const changed = () => deps.runtime.automations.invalidate();
  const audit = (principal: Principal, a: AutomationInfo, action: string, detail: Record<string, unknown> = {}) =>
    recordAudit(db, { workspaceId: a.workspaceId, actor: actorOf(principal), action, target: { kind: 'automation', id: a.id }, detail: { kind: a.kind, groupId: a.groupId, ...detail } }, deps.clock());
  const invalid = (error: unknown): never => {
    if (error instanceof InvalidAutomationError) throw new HTTPException(400, { message: error.message });
    throw error;
  };
  /** The automation, if the caller may configure it; 404 when it is not theirs to see. */
  const owned = async (principal: Principal, id: number) => {
    const found = await getAutomation(db, id).catch((error) => {
      if (error instanceof AutomationNotFoundError) throw new HTTPException(404, { message: `no automation ${id}` });
      throw error;
    });
    const access = principal.workspaces.get(found.workspaceId);
    if (!access || (found.groupId !== null && !inGroupScope(access, found.groupId))) throw new HTTPException(404, { message: `no automation ${id}` });
    if (!access.permissions.has('configure')) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) lacks the configure permission` });
    return found;
  };

  app.get('/automations', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    const all = await listAutomations(db, access.workspace.id);
    return c.json({ automations: all.filter((a) => a.groupId === null || inGroupScope(access, a.groupId)) });
  });

  /** What went wrong in the rules: actions not planned (and why), fallbacks planned instead; the caller's groups only. */
  app.get('/automations/problems', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    return c.json({ problems: await listRuleProblems(db, access.workspace.id, { groupIds: groupFilter(access) }) });
  });

  app.post('/automations', authorize('configure'), async (c) => {
    const body = await readJson(c, addBody);
    const principal = c.var.principal;
    const access = body.groupId !== undefined ? (await groupAccess(db, principal, body.groupId, 'configure')).access : workspaceAccess(principal, body.workspace, 'configure');
    if (body.workspace !== undefined && body.groupId !== undefined && workspaceAccess(principal, body.workspace, 'configure').workspace.id !== access.workspace.id)
      throw new HTTPException(404, { message: `no group ${body.groupId}` });
    const id = await addAutomation(db, { workspaceId: access.workspace.id, groupId: body.groupId ?? null, kind: body.kind, config: body.config }, deps.clock()).catch(invalid);
    const added = await getAutomation(db, id);
    changed();
    await audit(principal, added, 'automation.added', { config: added.config });
    return c.json({ automation: added }, 201);
  });

  app.patch('/automations/:id', authorize('configure'), async (c) => {
    const found = await owned(c.var.principal, intParam(c.req.param('id'), 'automation id'));
    const body = await readJson(c, changeBody);
    const updated = await updateAutomation(db, found.id, { ...(body.config !== undefined ? { config: body.config } : {}), ...(body.enabled !== undefined ? { enabled: body.enabled } : {}) }).catch(
      invalid,
    );
    changed();
    await audit(c.var.principal, updated, 'automation.changed', { before: { config: found.config, enabled: found.enabled }, after: { config: updated.config, enabled: updated.enabled } });
    return c.json({ automation: updated });
  });

  app.delete('/automations/:id', authorize('configure'), async (c) => {
    const found = await owned(c.var.principal, intParam(c.req.param('id'), 'automation id'));
    await removeAutomation(db, found.id);
    changed();
    await audit(c.var.principal, found, 'automation.removed', { config: found.config });
    return c.json({ removed: found.id });
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const automationRouteDocs: RouteDocs = {
  tag: 'automations',
  routes: [
    { method: 'get', path: '/automations', summary: 'The workspace’s automations', access: 'read', query: z.object({ workspace: z.string().optional() }) },
    { method: 'get', path: '/automations/problems', summary: 'Actions rules could not plan as written, with why', access: 'read', query: z.object({ workspace: z.string().optional() }) },
    { method: 'post', path: '/automations', summary: 'Add an automation (for the workspace or one group)', access: 'configure', body: addBody, status: 201 },
    { method: 'patch', path: '/automations/:id', summary: 'Change an automation’s config or enable / disable it', access: 'configure', body: changeBody },
    { method: 'delete', path: '/automations/:id', summary: 'Remove an automation', access: 'configure' },
  ],
};
