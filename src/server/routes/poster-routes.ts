import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, groupFilter } from '../../auth/principal.js';
import type { Permission } from '../../auth/roles.js';
import { InvalidCampaignError } from '../../growth/campaigns/campaign-rules.js';
import { InvalidGrowthCodeError } from '../../growth/code-store.js';
import { renderPoster } from '../../growth/posters/poster-render.js';
import {
  createPosterTemplate,
  deletePosterTemplate,
  getPosterTemplate,
  listPosterTemplates,
  memberPosterContent,
  PosterTemplateNotFoundError,
  previewContent,
  updatePosterTemplate,
} from '../../growth/posters/poster-store.js';
import { InvalidPosterTemplateError, posterDesignSchema } from '../../growth/posters/poster-template.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const templateBody = z.object({ workspace: z.string().max(100).optional(), name: z.string().trim().min(1).max(100), design: posterDesignSchema }).strict();
const updateBody = templateBody.omit({ workspace: true });
const sample = z.string().trim().min(1).max(100).optional();
const previewBody = z.object({ workspace: z.string().max(100).optional(), design: posterDesignSchema, member: sample, campaign: sample, group: sample }).strict();

/** Previews one operator may render: at most one at a time, and this many a minute. */
export const PREVIEWS_PER_MINUTE = 30;

/**
 * Renders are CPU work (a 1080×1920 PNG takes 0.1–0.5 s): each caller gets one at a time
 * and PREVIEWS_PER_MINUTE a minute, so a dashboard typing fast (it debounces) or a script
 * cannot starve the server. In memory: a limit per process is what protects the process.
 */
export class PreviewLimiter {
  readonly #running = new Set<string>();
  readonly #recent = new Map<string, number[]>();
  constructor(readonly clock: () => number) {}

  /** A release function, or the seconds to wait before trying again. */
  acquire(key: string): (() => void) | number {
    const now = this.clock();
    const recent = (this.#recent.get(key) ?? []).filter((t) => t > now - 60_000);
    if (this.#running.has(key)) return 1;
    if (recent.length >= PREVIEWS_PER_MINUTE) return Math.max(1, Math.ceil((recent[0]! + 60_000 - now) / 1000));
    recent.push(now);
    this.#recent.set(key, recent);
    this.#running.add(key);
    return () => this.#running.delete(key);
  }
}

const png = (c: Context, bytes: Buffer) => {
  c.header('Content-Type', 'image/png');
  c.header('Content-Length', String(bytes.length));
  return c.body(new Uint8Array(bytes));
};

/**
 * Poster templates: list and show (read), create, replace and delete (configure,
 * audit-logged), a live preview of a design as the operator edits it (configure,
 * rate-limited), and a member's poster for a campaign (act: it issues the member's
 * personal code when they have none, audit-logged then).
 */
export function posterRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;
  const limiter = new PreviewLimiter(deps.clock);
  const baseUrl = (c: Context) => deps.publicUrl ?? new URL(c.req.url).origin;

  const failed = (error: unknown): never => {
    if (error instanceof InvalidPosterTemplateError || error instanceof InvalidCampaignError || error instanceof InvalidGrowthCodeError) throw new HTTPException(400, { message: error.message });
    if (error instanceof PosterTemplateNotFoundError) throw new HTTPException(404, { message: error.message });
    throw error;
  };

  /** A template the caller may see (404 otherwise), with the permission checked (403). */
  const templateOf = async (c: Context<AuthEnv>, permission: Permission) => {
    const id = intParam(c.req.param('id'), 'poster template id');
    const row = await db.selectFrom('poster_template').select(['workspace_id']).where('id', '=', id).executeTakeFirst();
    const access = row ? c.var.principal.workspaces.get(Number(row.workspace_id)) : undefined;
    if (!row || !access) throw new HTTPException(404, { message: `no poster template ${id}` });
    if (!access.permissions.has(permission)) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) lacks the ${permission} permission` });
    return { id, access, workspaceId: Number(row.workspace_id) };
  };

  app.get('/poster-templates', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    return c.json({ templates: await listPosterTemplates(db, access.workspace.id) });
  });

  app.post('/poster-templates/preview', authorize('configure'), async (c) => {
    const body = await readJson(c, previewBody);
    workspaceAccess(c.var.principal, body.workspace, 'configure');
    const slot = limiter.acquire(`operator:${c.var.principal.operatorId}`);
    if (typeof slot === 'number') {
      c.header('Retry-After', String(slot));
      throw new HTTPException(429, { message: `too many previews: at most one at a time and ${PREVIEWS_PER_MINUTE} a minute; try again in ${slot} s` });
    }
    try {
      const values = { ...(body.member ? { member: body.member } : {}), ...(body.campaign ? { campaign: body.campaign } : {}), ...(body.group ? { group: body.group } : {}) };
      const poster = await renderPoster(body.design, previewContent(baseUrl(c), values)).catch(failed);
      c.header('X-Poster-Truncated', poster.layout.truncated ? '1' : '0');
      return png(c, poster.png);
    } finally {
      slot();
    }
  });

  app.post('/poster-templates', authorize('configure'), async (c) => {
    const body = await readJson(c, templateBody);
    const access = workspaceAccess(c.var.principal, body.workspace, 'configure');
    const now = deps.clock();
    const actor = actorOf(c.var.principal);
    const template = await createPosterTemplate(db, { workspaceId: access.workspace.id, name: body.name, design: body.design, createdBy: actor.label }, now).catch(failed);
    await recordAudit(db, { workspaceId: access.workspace.id, actor, action: 'poster_template.create', target: { kind: 'poster_template', id: template.id }, detail: { name: template.name } }, now);
    return c.json(template, 201);
  });

  app.get('/poster-templates/:id', authorize('read'), async (c) => {
    const t = await templateOf(c, 'read');
    return c.json(await getPosterTemplate(db, t.workspaceId, t.id).catch(failed));
  });

  app.put('/poster-templates/:id', authorize('configure'), async (c) => {
    const t = await templateOf(c, 'configure');
    const body = await readJson(c, updateBody);
    const now = deps.clock();
    const template = await updatePosterTemplate(db, t.workspaceId, t.id, body, now).catch(failed);
    await recordAudit(
      db,
      { workspaceId: t.workspaceId, actor: actorOf(c.var.principal), action: 'poster_template.update', target: { kind: 'poster_template', id: t.id }, detail: { name: template.name } },
      now,
    );
    return c.json(template);
  });

  app.delete('/poster-templates/:id', authorize('configure'), async (c) => {
    const t = await templateOf(c, 'configure');
    const now = deps.clock();
    await deletePosterTemplate(db, t.workspaceId, t.id).catch(failed);
    await recordAudit(db, { workspaceId: t.workspaceId, actor: actorOf(c.var.principal), action: 'poster_template.delete', target: { kind: 'poster_template', id: t.id }, detail: {} }, now);
    return c.json({ deleted: t.id });
  });

  app.get('/poster-templates/:id/poster.png', authorize('act'), async (c) => {
    const t = await templateOf(c, 'act');
    const memberId = intParam(c.req.query('member'), 'member (?member=<id>)');
    const campaign = c.req.query('campaign');
    const campaignId = campaign === undefined ? null : intParam(campaign, 'campaign');
    // A group-limited caller reaches the members of their groups only.
    const groups = groupFilter(t.access);
    if (groups !== null) {
      const seen = groups.length === 0 ? undefined : await db.selectFrom('membership').select('member_id').where('member_id', '=', memberId).where('group_id', 'in', groups).executeTakeFirst();
      if (!seen) throw new HTTPException(404, { message: `no member ${memberId}` });
    }
    const now = deps.clock();
    const template = await getPosterTemplate(db, t.workspaceId, t.id).catch(failed);
    const content = await memberPosterContent(db, { workspaceId: t.workspaceId, templateId: t.id, memberId, campaignId, baseUrl: baseUrl(c) }, now).catch(failed);
    if (content.created) {
      await recordAudit(
        db,
        {
          workspaceId: t.workspaceId,
          actor: actorOf(c.var.principal),
          action: 'growth_code.create',
          target: { kind: 'member', id: memberId },
          detail: { code: content.code, campaignId: content.campaignId, via: 'poster' },
        },
        now,
      );
    }
    const poster = await renderPoster(template.design, content).catch(failed);
    c.header('Content-Disposition', `inline; filename="poster-${t.id}-member-${memberId}.png"`);
    return png(c, poster.png);
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const posterRouteDocs: RouteDocs = {
  tag: 'posters',
  routes: [
    {
      method: 'get',
      path: '/poster-templates',
      summary: 'The workspace’s poster templates (designs without their background images) and the campaigns using each',
      access: 'read',
      query: z.object({ workspace: z.string().optional() }),
    },
    {
      method: 'post',
      path: '/poster-templates/preview',
      summary: 'A design drawn as the 1080×1920 PNG poster, with sample values (or those given) and an example link',
      description: `For the editor's live preview. One render at a time per operator and ${PREVIEWS_PER_MINUTE} a minute (429 with Retry-After past that); the body is at most 1 MB (a background image at most 700 KB). X-Poster-Truncated: 1 when the copy did not fit above the QR code.`,
      access: 'configure',
      body: previewBody,
      produces: 'image/png',
    },
    { method: 'post', path: '/poster-templates', summary: 'Create a poster template (name and design, checked field by field)', access: 'configure', body: templateBody, status: 201 },
    { method: 'get', path: '/poster-templates/:id', summary: 'One template with its full design', access: 'read' },
    { method: 'put', path: '/poster-templates/:id', summary: 'Replace a template’s name and design', access: 'configure', body: updateBody },
    { method: 'delete', path: '/poster-templates/:id', summary: 'Delete a template no campaign uses (400 naming the campaigns that do)', access: 'configure' },
    {
      method: 'get',
      path: '/poster-templates/:id/poster.png',
      summary: 'A member’s poster: the template filled with their name, the campaign and group, and the QR code of their personal link',
      description:
        'The campaign is `campaign`, else the newest campaign using the template. The link is HEARTH_PUBLIC_URL (or this request’s origin) + /j/<code>, the member’s personal invitation code for the campaign, issued (and audit-logged) when they have none.',
      access: 'act',
      query: z.object({ member: z.string(), campaign: z.string().optional() }),
      produces: 'image/png',
    },
  ],
};
