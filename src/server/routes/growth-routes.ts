import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { groupAccess, workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, inGroupScope } from '../../auth/principal.js';
import type { WorkspaceAccess } from '../../auth/principal.js';
import { resolveScan } from '../../growth/code-landing.js';
import { addSeriesGroup, codeStatus, createInviteCode, createLiveCode, findCode, InvalidGrowthCodeError, listCodes, uploadGroupQr, type CodeStatus } from '../../growth/code-store.js';
import { CHANNELS } from '../../growth/growth-code.js';
import { landingLanguage, landingPage } from '../../growth/landing-page.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const text = z.string().trim().min(1).max(100);
const common = {
  workspace: z.string().max(100).optional(),
  name: text,
  campaign: text.nullish(),
  channel: z.enum(CHANNELS).nullish(),
  expiresAt: z.number().int().positive().nullish(),
};
const createBody = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('invite'),
    ...common,
    groupId: z.number().int().positive(),
    quantity: z.number().int().min(1).max(1_000_000).nullish(),
    inviterMemberId: z.number().int().positive().nullish(),
  }),
  z.object({ kind: z.literal('live'), ...common, groupIds: z.array(z.number().int().positive()).min(1).max(100), capacity: z.number().int().min(1).max(100_000).nullish() }),
]);
const qrBody = z.object({ mime: z.string().max(40), image: z.string().min(1) });

const invalid = (error: unknown): never => {
  if (error instanceof InvalidGrowthCodeError) throw new HTTPException(400, { message: error.message });
  throw error;
};

/** Whether every group of a code is inside the caller's reach (a code is theirs to see only then). */
const inScope = (access: WorkspaceAccess, status: CodeStatus) => status.groups.every((g) => inGroupScope(access, g.id));

/**
 * `GET /j/:code`: the public end of every code Hearth issues. No session: counts the
 * scan and sends the visitor on (a platform link), shows the group's QR image, or
 * answers a clear page (unknown, expired, used up, link being made) — never an error.
 */
export function landingRoutes(deps: ServerDeps) {
  const app = new Hono();
  app.get('/j/:code', async (c) => {
    const lang = landingLanguage(c.req.header('accept-language'));
    const landing = await resolveScan(deps.runtime.store.db, c.req.param('code'), deps.clock());
    c.header('Cache-Control', 'no-store');
    if (landing.kind === 'redirect') return c.redirect(landing.url, 302);
    const page = landingPage(landing, lang);
    return c.html(page.html, page.status as 200);
  });
  return app;
}

/** Codes and live codes of a workspace: list and show (read), create, extend a series, upload a group's QR (configure, audit-logged). */
export function growthRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  app.get('/growth/codes', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    const codes = await listCodes(db, access.workspace.id, deps.clock());
    return c.json({ codes: codes.filter((s) => inScope(access, s)) });
  });

  /** A code of the caller's workspace within their groups, or 404. */
  const codeOf = async (c: Context<AuthEnv>, permission: 'read' | 'configure') => {
    const value = c.req.param('code') ?? '';
    const row = await findCode(db, value);
    const access = row ? c.var.principal.workspaces.get(row.workspace_id) : undefined;
    const status = row && access ? await codeStatus(db, row, deps.clock()) : undefined;
    if (!row || !access || !status || !inScope(access, status)) throw new HTTPException(404, { message: `no code ${JSON.stringify(value)}` });
    if (!access.permissions.has(permission)) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) lacks the ${permission} permission` });
    return { row, access, status };
  };

  app.get('/growth/codes/:code', authorize('read'), async (c) => c.json((await codeOf(c, 'read')).status));

  app.post('/growth/codes', authorize('configure'), async (c) => {
    const body = await readJson(c, createBody);
    const access = workspaceAccess(c.var.principal, body.workspace, 'configure');
    const groups = body.kind === 'invite' ? [body.groupId] : body.groupIds;
    const outside = groups.filter((g) => !inGroupScope(access, g));
    if (outside.length > 0) throw new HTTPException(404, { message: `no group ${outside.join(', ')}` });
    const now = deps.clock();
    const options = { workspaceId: access.workspace.id, name: body.name, campaign: body.campaign ?? null, channel: body.channel ?? null, expiresAt: body.expiresAt ?? null };
    const row =
      body.kind === 'invite'
        ? await createInviteCode(db, { ...options, groupId: body.groupId, quantity: body.quantity ?? null, inviterMemberId: body.inviterMemberId ?? null }, now).catch(invalid)
        : await createLiveCode(db, { ...options, groupIds: body.groupIds, capacity: body.capacity ?? null }, now).catch(invalid);
    await recordAudit(
      db,
      {
        workspaceId: access.workspace.id,
        actor: actorOf(c.var.principal),
        action: 'growth_code.create',
        target: { kind: 'growth_code', id: row.id },
        detail: { code: row.code, kind: row.kind, groups },
      },
      now,
    );
    return c.json(await codeStatus(db, row, now), 201);
  });

  app.post('/growth/codes/:code/groups', authorize('configure'), async (c) => {
    const { row, access } = await codeOf(c, 'configure');
    const { groupId } = await readJson(c, z.object({ groupId: z.number().int().positive() }));
    if (!inGroupScope(access, groupId)) throw new HTTPException(404, { message: `no group ${groupId}` });
    await addSeriesGroup(db, row, groupId).catch(invalid);
    const now = deps.clock();
    await recordAudit(
      db,
      { workspaceId: row.workspace_id, actor: actorOf(c.var.principal), action: 'growth_code.add_group', target: { kind: 'growth_code', id: row.id }, detail: { code: row.code, groupId } },
      now,
    );
    return c.json(await codeStatus(db, row, now));
  });

  app.put('/growth/groups/:id/qr', authorize('configure'), async (c) => {
    const groupId = intParam(c.req.param('id'), 'group id');
    // The group's own workspace: another workspace's group is not found, as everywhere.
    const { access } = await groupAccess(db, c.var.principal, groupId, 'configure');
    const body = await readJson(c, qrBody);
    const now = deps.clock();
    await uploadGroupQr(db, { workspaceId: access.workspace.id, groupId, mime: body.mime, base64: body.image }, now).catch(invalid);
    await recordAudit(
      db,
      { workspaceId: access.workspace.id, actor: actorOf(c.var.principal), action: 'growth_code.qr_upload', target: { kind: 'group', id: groupId }, detail: { mime: body.mime } },
      now,
    );
    return c.json({ groupId, uploadedAt: now });
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const growthRouteDocs: RouteDocs = {
  tag: 'growth',
  routes: [
    { method: 'get', path: '/growth/codes', summary: 'The workspace’s invitation and live codes with their counts', access: 'read', query: z.object({ workspace: z.string().optional() }) },
    { method: 'get', path: '/growth/codes/:code', summary: 'One code’s status', access: 'read' },
    { method: 'post', path: '/growth/codes', summary: 'Create an invitation code (one group) or a live code (several groups)', access: 'configure', body: createBody, status: 201 },
    { method: 'post', path: '/growth/codes/:code/groups', summary: 'Add a group to a live code', access: 'configure', body: z.object({ groupId: z.number().int().positive() }) },
    {
      method: 'put',
      path: '/growth/groups/:id/qr',
      summary: 'Upload a group’s QR image (base64) for the landing page',
      access: 'configure',
      query: z.object({ workspace: z.string().optional() }),
      body: qrBody,
    },
  ],
};
