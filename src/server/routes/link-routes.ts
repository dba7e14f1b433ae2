import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, groupFilter } from '../../auth/principal.js';
import { CONVERSION_SIGNATURE_HEADER, verifyConversionSignature } from '../../conversion/links/hook-signature.js';
import { unknownLinkPage } from '../../conversion/links/link-landing.js';
import { REPORT_DIMENSIONS } from '../../conversion/links/link-report.js';
import { InvalidLinkError, MAX_CAMPAIGN, MAX_CONVERSION_ID, MAX_TARGET_URL, MAX_WINDOW_DAYS } from '../../conversion/links/link-rules.js';
import {
  childLink,
  ConversionExistsError,
  ConversionImportError,
  conversionReport,
  createLink,
  getSettings,
  hookSecretOf,
  importConversions,
  LinkNotFoundError,
  listConversions,
  listLinks,
  recordClick,
  recordConversion,
  rotateHookSecret,
  setWindowDays,
} from '../../conversion/links/link-store.js';
import { CHANNELS } from '../../growth/growth-code.js';
import { landingLanguage } from '../../growth/landing-page.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, MAX_JSON_BODY, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const createBody = z
  .object({
    workspace: z.string().optional(),
    campaign: z.string().trim().min(1).max(MAX_CAMPAIGN),
    channel: z.enum(CHANNELS).default('custom'),
    /** Where `/l/<code>` sends visitors: http or https only. */
    targetUrl: z.string().min(1).max(MAX_TARGET_URL),
    groupId: z.number().int().positive().nullable().optional(),
    memberId: z.number().int().positive().nullable().optional(),
  })
  .strict();

const childBody = z.object({ groupId: z.number().int().positive().nullable().optional(), memberId: z.number().int().positive().nullable().optional() }).strict();

/** The body of a signed conversion webhook (and, one per line, of the CSV import). */
export const conversionBody = z
  .object({
    id: z.string().min(1).max(MAX_CONVERSION_ID),
    /** Integer minor units (1999 CNY is ¥19.99); never a float. */
    amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    currency: z.string().regex(/^[A-Z]{3}$/, 'three capital letters (ISO 4217)'),
    member: z
      .object({ platform: z.string().min(1).max(40), externalId: z.string().min(1).max(200) })
      .strict()
      .optional(),
    memberId: z.number().int().positive().optional(),
    /** The `/l/` code the buyer came through, when the shop kept it. */
    code: z.string().min(1).max(32).optional(),
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((b) => !(b.member && b.memberId), { message: 'give member or memberId, not both' });

const settingsBody = z.object({ workspace: z.string().optional(), windowDays: z.number().int().min(1).max(MAX_WINDOW_DAYS) }).strict();
const importBody = z.object({ workspace: z.string().optional(), csv: z.string().min(1) }).strict();
const workspaceBody = z.object({ workspace: z.string().optional() }).strict();

const refused = (error: unknown): never => {
  if (error instanceof InvalidLinkError || error instanceof ConversionImportError) throw new HTTPException(400, { message: error.message });
  if (error instanceof LinkNotFoundError) throw new HTTPException(404, { message: error.message });
  if (error instanceof ConversionExistsError) throw new HTTPException(409, { message: error.message });
  throw error;
};

/**
 * The public side of tracked links: `GET /l/:code` counts the click and redirects to
 * the link's own stored target, never anywhere a request names (no open redirect); an
 * unknown code is a small 404 page. `POST /hooks/conversions/:workspace` takes a
 * conversion signed with the workspace's secret (see docs/conversion.md): a missing,
 * bad or stale signature (401/400), a bad body (400) or a replayed id (409) stores nothing.
 */
export function linkPublicRoutes(deps: ServerDeps) {
  const app = new Hono();
  const { db } = deps.runtime.store;
  app.get('/l/:code', async (c) => {
    c.header('Cache-Control', 'no-store');
    const hit = await recordClick(db, c.req.param('code'), deps.clock());
    if (hit) return c.redirect(hit.url, 302);
    return c.html(unknownLinkPage(landingLanguage(c.req.header('accept-language'))), 404);
  });
  app.post('/hooks/conversions/:workspace', async (c) => {
    const fail = (status: 400 | 401 | 409 | 503, error: string) => c.json({ error }, status);
    if (!deps.secretBox) return fail(503, 'conversion webhooks are not available in this process');
    if (Number(c.req.header('content-length')) > MAX_JSON_BODY) return c.json({ error: 'the request body is larger than 1 MB' }, 413);
    const raw = await c.req.text();
    const ref = c.req.param('workspace');
    const ws = await db
      .selectFrom('workspace')
      .select(['id', 'slug'])
      .where(/^\d+$/.test(ref) ? 'id' : 'slug', '=', /^\d+$/.test(ref) ? Number(ref) : ref)
      .executeTakeFirst();
    const secret = ws ? await hookSecretOf(db, deps.secretBox, ws.id) : null;
    // An unknown workspace and one without a secret answer alike: which workspaces exist does not leak.
    if (!ws || !secret) return fail(401, 'no conversion secret for this workspace: an owner makes one (hearth conversion secret rotate)');
    const now = deps.clock();
    const bad = verifyConversionSignature(secret, raw, c.req.header(CONVERSION_SIGNATURE_HEADER), now);
    if (bad) return fail(bad.status, bad.error);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return fail(400, 'the body is not valid JSON');
    }
    const parsed = conversionBody.safeParse(json);
    if (!parsed.success) return fail(400, parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
    const b = parsed.data;
    try {
      const conversion = await recordConversion(
        db,
        ws.id,
        {
          id: b.id,
          amountMinor: b.amountMinor,
          currency: b.currency,
          member: b.memberId !== undefined ? { memberId: b.memberId } : (b.member ?? null),
          code: b.code ?? null,
          at: b.at ? Date.parse(b.at) : null,
        },
        'webhook',
        now,
      );
      return c.json({ conversion }, 201);
    } catch (error) {
      if (error instanceof InvalidLinkError) return fail(400, error.message);
      if (error instanceof ConversionExistsError) return fail(409, error.message);
      throw error;
    }
  });
  return app;
}

/**
 * Tracked links and conversions of a workspace: list and create links (act), a link's
 * child for a group or member, the conversion report by campaign, channel, group or
 * member (read), the CSV import (act), the attribution window (configure) and the
 * webhook secret, made or rotated by an owner or admin (manage) and shown once.
 */
export function linkRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  app.get('/links', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    return c.json({ links: await listLinks(db, access.workspace.id, groupFilter(access)) });
  });

  app.post('/links', authorize('act'), async (c) => {
    const body = await readJson(c, createBody);
    const access = workspaceAccess(c.var.principal, body.workspace, 'act');
    const groups = groupFilter(access);
    if (groups !== null && (body.groupId === undefined || body.groupId === null || !groups.includes(body.groupId)))
      throw new HTTPException(403, { message: 'your role is limited to your groups: name one of them (groupId)' });
    const now = deps.clock();
    const actor = actorOf(c.var.principal);
    const link = await createLink(
      db,
      {
        workspaceId: access.workspace.id,
        campaign: body.campaign,
        channel: body.channel,
        targetUrl: body.targetUrl,
        groupId: body.groupId ?? null,
        memberId: body.memberId ?? null,
        createdBy: actor.label,
      },
      now,
    ).catch(refused);
    await recordAudit(
      db,
      { workspaceId: access.workspace.id, actor, action: 'link.created', target: { kind: 'link', id: link.id }, detail: { code: link.code, campaign: link.campaign, targetUrl: link.targetUrl } },
      now,
    );
    return c.json(link, 201);
  });

  app.post('/links/:id/children', authorize('act'), async (c) => {
    const id = intParam(c.req.param('id'), 'link id');
    const row = await db.selectFrom('tracked_link').select(['workspace_id', 'group_id']).where('id', '=', id).executeTakeFirst();
    const access = row ? c.var.principal.workspaces.get(row.workspace_id) : undefined;
    const groups = access ? groupFilter(access) : null;
    if (!row || !access || (groups !== null && (row.group_id === null || !groups.includes(row.group_id)))) throw new HTTPException(404, { message: `no link ${id}` });
    workspaceAccess(c.var.principal, row.workspace_id, 'act');
    const body = await readJson(c, childBody);
    if (groups !== null && body.groupId != null && !groups.includes(body.groupId)) throw new HTTPException(404, { message: `no group ${body.groupId}` });
    const now = deps.clock();
    const actor = actorOf(c.var.principal);
    const link = await childLink(db, { workspaceId: row.workspace_id, linkId: id, groupId: body.groupId ?? null, memberId: body.memberId ?? null, createdBy: actor.label }, now).catch(refused);
    await recordAudit(db, { workspaceId: row.workspace_id, actor, action: 'link.child', target: { kind: 'link', id: link.id }, detail: { parent: id, code: link.code } }, now);
    return c.json(link, 201);
  });

  app.get('/conversions/report', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    const by = c.req.query('by') ?? 'campaign';
    if (!(REPORT_DIMENSIONS as readonly string[]).includes(by)) throw new HTTPException(400, { message: `by is one of ${REPORT_DIMENSIONS.join(', ')}, not ${JSON.stringify(by)}` });
    return c.json(await conversionReport(db, access.workspace.id, by as (typeof REPORT_DIMENSIONS)[number], groupFilter(access)));
  });

  app.get('/conversions', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    const limit = intParam(c.req.query('limit'), 'limit', { min: 1, max: 500, fallback: 50 });
    return c.json({ conversions: await listConversions(db, access.workspace.id, groupFilter(access), limit) });
  });

  app.post('/conversions/import', authorize('act'), async (c) => {
    const body = await readJson(c, importBody);
    const access = workspaceAccess(c.var.principal, body.workspace, 'act');
    if (groupFilter(access) !== null) throw new HTTPException(403, { message: 'importing conversions is for callers who see every group of the workspace' });
    const now = deps.clock();
    const result = await importConversions(db, access.workspace.id, body.csv, now).catch(refused);
    await recordAudit(
      db,
      { workspaceId: access.workspace.id, actor: actorOf(c.var.principal), action: 'conversion.imported', target: { kind: 'workspace', id: access.workspace.id }, detail: result },
      now,
    );
    return c.json(result, 201);
  });

  app.get('/conversions/settings', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    return c.json({ ...(await getSettings(db, access.workspace.id)), hookPath: `/hooks/conversions/${access.workspace.slug}` });
  });

  app.put('/conversions/settings', authorize('configure'), async (c) => {
    const body = await readJson(c, settingsBody);
    const access = workspaceAccess(c.var.principal, body.workspace, 'configure');
    const now = deps.clock();
    const actor = actorOf(c.var.principal);
    const settings = await setWindowDays(db, access.workspace.id, body.windowDays, actor.label, now).catch(refused);
    await recordAudit(
      db,
      { workspaceId: access.workspace.id, actor, action: 'conversion.window', target: { kind: 'workspace', id: access.workspace.id }, detail: { windowDays: body.windowDays } },
      now,
    );
    return c.json(settings);
  });

  app.post('/conversions/secret', authorize('manage'), async (c: Context<AuthEnv>) => {
    const body = await readJson(c, workspaceBody);
    const access = workspaceAccess(c.var.principal, body.workspace, 'manage');
    if (!deps.secretBox) throw new HTTPException(503, { message: 'conversion webhooks are not available in this process' });
    const now = deps.clock();
    const actor = actorOf(c.var.principal);
    const secret = await rotateHookSecret(db, deps.secretBox, access.workspace.id, actor.label, now);
    await recordAudit(db, { workspaceId: access.workspace.id, actor, action: 'conversion.secret_rotated', target: { kind: 'workspace', id: access.workspace.id } }, now);
    return c.json({ secret, hookPath: `/hooks/conversions/${access.workspace.slug}` }, 201);
  });

  return app;
}

/** This file's API routes as the reference describes them (src/server/openapi). */
export const linkRouteDocs: RouteDocs = {
  tag: 'tracked links and conversions',
  routes: [
    {
      method: 'get',
      path: '/links',
      summary: 'A workspace’s tracked links (`/l/<code>`) with their clicks and last-touch conversions',
      access: 'read',
      query: z.object({ workspace: z.string().optional() }),
    },
    { method: 'post', path: '/links', summary: 'Create a tracked link: campaign, channel, an http(s) target, optionally a group and a member', access: 'act', body: createBody, status: 201 },
    { method: 'post', path: '/links/:id/children', summary: 'The link’s own code for one group and/or member (made once, the same after)', access: 'act', body: childBody, status: 201 },
    {
      method: 'get',
      path: '/conversions/report',
      summary: 'Clicks, conversions, revenue per currency (minor units) and conversion rate, first and last touch side by side',
      access: 'read',
      query: z.object({ workspace: z.string().optional(), by: z.enum(REPORT_DIMENSIONS).optional() }),
    },
    {
      method: 'get',
      path: '/conversions',
      summary: 'The latest conversions (default 50, at most 500) with their member and the campaign of their first and last touch',
      access: 'read',
      query: z.object({ workspace: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).optional() }),
    },
    {
      method: 'post',
      path: '/conversions/import',
      summary: 'Import conversions from CSV (id,amountMinor,currency,memberId|platform+externalId,code,at), all or nothing; 400 names the first bad line',
      access: 'act',
      body: importBody,
      status: 201,
    },
    { method: 'get', path: '/conversions/settings', summary: 'The attribution window and whether a webhook secret is made', access: 'read', query: z.object({ workspace: z.string().optional() }) },
    { method: 'put', path: '/conversions/settings', summary: 'Set the attribution window in days (1..365, default 30)', access: 'configure', body: settingsBody },
    {
      method: 'post',
      path: '/conversions/secret',
      summary: 'Make or rotate the conversion webhook secret (shown once; the old one stops verifying at once)',
      access: 'manage',
      body: workspaceBody,
      status: 201,
      description: 'Incoming conversions are POSTed to /hooks/conversions/<workspace> with X-Hearth-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">; see docs/conversion.md.',
    },
  ],
};
