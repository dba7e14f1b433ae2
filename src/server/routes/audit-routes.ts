import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { isStorable, NOT_STORABLE } from '../../core/stored-text.js';
import { auditCsv, presentAuditEntry, recordAudit, searchAudit, type AuditQuery, type PresentedAuditEntry } from '../../audit/audit-log.js';
import { workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, groupFilter } from '../../auth/principal.js';
import type { ServerDeps } from '../server-deps.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const time = z
  .string()
  .max(40)
  .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 date or time')
  .transform((v) => Date.parse(v));
const positiveInt = z.coerce.number().int().positive();

const searchQuery = z.object({
  workspace: z.string().max(100).optional(),
  actor: z.string().trim().max(200).optional(),
  action: z.string().trim().max(100).optional(),
  target: z.string().trim().max(200).optional(),
  group: positiveInt.optional(),
  from: time.optional(),
  to: time.optional(),
  q: z.string().trim().max(200).optional(),
  before: positiveInt.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  format: z.enum(['csv', 'json']).optional(),
});

const EXPORT_MAX = 100_000;
const EXPORT_PAGE = 1_000;

function parseQuery(c: Context) {
  const query = c.req.query();
  const bad = Object.keys(query).find((k) => !isStorable(k) || !isStorable(query[k]!));
  if (bad !== undefined) throw new HTTPException(400, { message: `${bad}: ${NOT_STORABLE}` });
  const parsed = searchQuery.safeParse(query);
  if (!parsed.success) throw new HTTPException(400, { message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  return parsed.data;
}

/** The audit log: search (newest first, paged by `before`) and export as CSV or JSON. */
export function auditRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  /** The query for the caller: their workspace, and only their groups' entries when they are assigned groups. */
  function scopedQuery(c: Context<AuthEnv>, q: ReturnType<typeof parseQuery>): { query: Omit<AuditQuery, 'limit'>; workspace: { id: number; slug: string } } {
    const access = workspaceAccess(c.var.principal, q.workspace, 'read');
    const blank = (v: string | undefined) => (v ? v : undefined);
    const query: Omit<AuditQuery, 'limit'> = { workspaceId: access.workspace.id, groupIds: groupFilter(access) };
    if (blank(q.actor)) query.actor = q.actor!;
    if (blank(q.action)) query.action = q.action!;
    if (blank(q.target)) query.target = q.target!;
    if (blank(q.q)) query.text = q.q!;
    if (q.group !== undefined) query.group = q.group;
    if (q.from !== undefined) query.from = q.from;
    if (q.to !== undefined) query.to = q.to;
    if (q.before !== undefined) query.before = q.before;
    return { query, workspace: access.workspace };
  }

  app.get('/audit', authorize('read'), async (c) => {
    const q = parseQuery(c);
    const { query, workspace } = scopedQuery(c, q);
    const { entries, next } = await searchAudit(db, { ...query, limit: q.limit });
    return c.json({ workspace: { id: workspace.id, slug: workspace.slug }, entries: entries.map(presentAuditEntry), next });
  });

  app.get('/audit/export', authorize('read'), async (c) => {
    const q = parseQuery(c);
    const format = q.format ?? 'json';
    const { query, workspace } = scopedQuery(c, q);
    const entries: PresentedAuditEntry[] = [];
    let before = query.before;
    while (entries.length < EXPORT_MAX) {
      const page = await searchAudit(db, { ...query, ...(before !== undefined ? { before } : {}), limit: EXPORT_PAGE });
      entries.push(...page.entries.map(presentAuditEntry));
      if (page.next === null) break;
      before = page.next;
    }
    const now = deps.clock();
    // Data leaving the server is itself worth a line.
    await recordAudit(db, { workspaceId: workspace.id, actor: actorOf(c.var.principal), action: 'audit.exported', detail: { format, entries: entries.length, filters: { ...c.req.query() } } }, now);
    const stamp = new Date(now).toISOString().slice(0, 10);
    const name = `hearth-audit-${workspace.slug}-${stamp}.${format}`;
    c.header('Content-Disposition', `attachment; filename="${name}"`);
    c.header('Cache-Control', 'no-store');
    if (format === 'csv') return c.body(auditCsv(entries), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    return c.body(JSON.stringify(entries), 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const auditRouteDocs: RouteDocs = {
  tag: 'audit',
  routes: [
    { method: 'get', path: '/audit', summary: 'Search the audit log', access: 'read', query: searchQuery },
    { method: 'get', path: '/audit/export', summary: 'Export the matching audit entries as CSV or JSON', access: 'read', query: searchQuery, produces: 'text/csv' },
  ],
};
