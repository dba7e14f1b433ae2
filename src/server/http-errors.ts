import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';
import { NOT_STORABLE, unstorablePath } from '../core/stored-text.js';
import { GroupNotFoundError } from '../store/groups.js';
import { WorkspaceNotFoundError } from '../store/workspaces.js';
import { SandboxError } from '../runtime/sandbox-service.js';
import { InvalidPayloadError } from '../platforms/platform-adapter.js';

/** The largest JSON body an API route reads. */
export const MAX_JSON_BODY = 1024 * 1024;

/**
 * Parses a request body with a zod schema; a bad body is a 400 naming each field.
 * A body over 1 MB is a 413 (refused from Content-Length before it is read, when sent),
 * and a string Hearth cannot store unchanged (U+0000, a lone surrogate) is a 400.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const tooLarge = () => new HTTPException(413, { message: `the request body is larger than ${MAX_JSON_BODY / 1024 / 1024} MB` });
  if (Number(c.req.header('content-length')) > MAX_JSON_BODY) throw tooLarge();
  const raw = await c.req.text();
  if (raw.length > MAX_JSON_BODY) throw tooLarge();
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new HTTPException(400, { message: 'the request body is not valid JSON' });
  }
  const unstorable = unstorablePath(body);
  if (unstorable !== null) throw new HTTPException(400, { message: `${unstorable}: ${NOT_STORABLE}` });
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HTTPException(400, { message: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') });
  return parsed.data;
}

/** Maps errors to JSON answers: what the caller got wrong says so; anything else is a bare 500. */
export function errorResponse(error: Error, c: Context, log: (error: Error) => void) {
  if (error instanceof HTTPException) return c.json({ error: error.message }, error.status);
  if (error instanceof WorkspaceNotFoundError || error instanceof GroupNotFoundError) return c.json({ error: error.message }, 404);
  if (error instanceof SandboxError || error instanceof InvalidPayloadError) return c.json({ error: error.message }, 400);
  log(error);
  return c.json({ error: 'internal error' }, 500);
}

/** A positive integer path or query parameter, or a 400. */
export function intParam(value: string | undefined, name: string, bounds: { min?: number; max?: number; fallback?: number } = {}): number {
  if (value === undefined && bounds.fallback !== undefined) return bounds.fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (bounds.min ?? 1) || n > (bounds.max ?? Number.MAX_SAFE_INTEGER)) {
    throw new HTTPException(400, { message: `${name} must be a whole number${bounds.max ? ` from ${bounds.min ?? 1} to ${bounds.max}` : ''}` });
  }
  return n;
}
