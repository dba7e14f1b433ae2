import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf } from '../../auth/principal.js';
import { isTimeZone } from '../../core/calendar.js';
import { IMPORT_FORMATS } from '../../importers/import-formats.js';
import { UploadFailedError, UploadTooLargeError, type ImportJobInfo, type ImportJobs } from '../../importers/import-jobs.js';
import { intParam } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';
import type { ServerDeps } from '../server-deps.js';

const uploadQuery = z.object({
  workspace: z.string().trim().min(1).max(100).optional(),
  format: z.enum(IMPORT_FORMATS),
  name: z.string().trim().min(1, 'is required').max(255),
  tz: z.string().max(64).refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai').optional(),
  chatId: z
    .string()
    .regex(/^-?\d{1,30}$/, 'must be the chat’s numeric id')
    .optional(),
});
const listQuery = z.object({ workspace: z.string().max(100).optional() });

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const present = (j: ImportJobInfo) => ({ ...j, createdAt: iso(j.createdAt), updatedAt: iso(j.updatedAt), finishedAt: iso(j.finishedAt) });

function query<S extends z.ZodObject>(schema: S, raw: Record<string, string>): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new HTTPException(400, { message: parsed.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; ') });
  return parsed.data;
}

/**
 * History import from the dashboard: upload an export (the body is the file, streamed
 * to disk), follow its progress, read its report. Configure permission, as for
 * `hearth import`: an import writes a workspace's history.
 */
export function importRoutes(deps: ServerDeps, authorize: Authorize, jobs: ImportJobs) {
  const app = new Hono<AuthEnv>();

  app.post('/imports', authorize('configure'), async (c) => {
    const q = query(uploadQuery, c.req.query());
    const principal = c.var.principal;
    const access = workspaceAccess(principal, q.workspace, 'configure');
    const body = c.req.raw.body;
    if (!body) throw new HTTPException(400, { message: 'send the export file as the request body' });
    let job: ImportJobInfo;
    try {
      job = await jobs.receive({
        workspaceId: access.workspace.id,
        format: q.format,
        fileName: q.name,
        ...(q.tz ? { tz: q.tz } : {}),
        ...(q.chatId ? { chatId: q.chatId } : {}),
        createdBy: principal.email,
        body,
      });
    } catch (error) {
      if (error instanceof UploadTooLargeError) throw new HTTPException(413, { message: error.message });
      if (error instanceof UploadFailedError) throw new HTTPException(400, { message: error.message });
      throw error;
    }
    await recordAudit(
      deps.runtime.store.db,
      {
        workspaceId: access.workspace.id,
        actor: actorOf(principal),
        action: 'import.started',
        target: { kind: 'import', id: job.id },
        detail: { format: job.format, file: job.fileName, bytes: job.fileBytes },
      },
      deps.clock(),
    );
    return c.json({ import: present(job) }, 202);
  });

  app.get('/imports', authorize('configure'), async (c) => {
    const q = query(listQuery, c.req.query());
    const access = workspaceAccess(c.var.principal, q.workspace, 'configure');
    return c.json({ imports: (await jobs.list(access.workspace.id)).map(present), formats: IMPORT_FORMATS, maxBytes: jobs.maxBytes });
  });

  app.get('/imports/:id', authorize('configure'), async (c) => {
    const id = intParam(c.req.param('id'), 'import id');
    const job = await jobs.get(id);
    const access = job ? c.var.principal.workspaces.get(job.workspaceId) : undefined;
    if (!job || !access) throw new HTTPException(404, { message: `no import ${id}` });
    workspaceAccess(c.var.principal, access.workspace.id, 'configure');
    return c.json({ import: present(job) });
  });

  return app;
}

export const importRouteDocs: RouteDocs = {
  tag: 'imports',
  routes: [
    {
      method: 'post',
      path: '/imports',
      summary: 'Upload a chat export and import it; answers the queued import (follow it with GET /imports/{id})',
      description: `The request body is the export file itself (any content type; a Telegram JSON \`result.json\`, one Telegram HTML page, a WeChat or DiscordChatExporter CSV, a DiscordChatExporter JSON), streamed to disk, up to HEARTH_IMPORT_MAX_MB (413 beyond it, counted as the bytes arrive, chunked or not). Formats: ${IMPORT_FORMATS.join(', ')}. As \`hearth import\`: all or nothing (a malformed file stores nothing and the import's \`error\` names the entry and the reason), and importing the same file again stores nothing new.`,
      access: 'configure',
      query: uploadQuery,
      status: 202,
    },
    { method: 'get', path: '/imports', summary: 'The workspace’s recent imports, newest first, with status, progress and report', access: 'configure', query: listQuery },
    {
      method: 'get',
      path: '/imports/:id',
      summary: 'One import: status (queued, checking, importing, done, failed), bytes and events so far, and its report or error',
      access: 'configure',
    },
  ],
};
