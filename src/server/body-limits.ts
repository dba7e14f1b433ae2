import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_JSON_BODY } from './http-errors.js';

export interface BodyLimitOptions {
  /** Requests (method and path) that carry an upload, streamed to disk by their handler, and may be this large. */
  uploads: { method: string; path: string; maxBytes: number; tooLarge: string }[];
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * Every request body's size limit, enforced before authentication and before any
 * handler reads the body. A declared Content-Length over the limit is a 413 at once;
 * a chunked body (no length) is counted as it arrives and refused at the first byte
 * over: 1 MB for everything (JSON, platform webhooks), read here into memory at most
 * that far. Uploads are not read here: their own limit is checked against the
 * Content-Length now, and counted again by the handler that streams them to disk
 * (src/importers/import-jobs.ts), so an upload is never held in memory.
 */
export function bodyLimits(options: BodyLimitOptions): MiddlewareHandler {
  const small = bodyLimit({ maxSize: MAX_JSON_BODY, onError: (c) => c.json({ error: `the request body is larger than ${megabytes(MAX_JSON_BODY)}` }, 413) });
  return async (c, next) => {
    const upload = options.uploads.find((u) => u.method === c.req.method && u.path === c.req.path);
    if (!upload) return small(c, next);
    const declared = c.req.header('content-length');
    if (declared !== undefined && !c.req.header('transfer-encoding') && Number(declared) > upload.maxBytes) return c.json({ error: upload.tooLarge }, 413);
    return next();
  };
}
