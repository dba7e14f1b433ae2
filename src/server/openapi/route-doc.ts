import type { z } from 'zod';
import type { Requirement } from '../../auth/authorize.js';

/**
 * One API route as the reference describes it, next to the route in its route file,
 * with the same zod schemas the handler validates with. `path` is written as the route
 * is registered under /api (Hono syntax: `/webhooks/:id`). The app's test compares
 * these with `app.routes`: a route without its description fails it.
 */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  /** Who may call it: `public`, or what `authorize()` requires. */
  access: Requirement | 'public';
  description?: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Path parameters; by default each `:name` in the path is a string. */
  params?: z.ZodObject;
  /** The answer's media type when it is not JSON (a CSV export, a page). */
  produces?: string;
  /** The success status, when not 200. */
  status?: number;
}

/** A route file's descriptions, grouped under one tag in the reference. */
export interface RouteDocs {
  tag: string;
  routes: RouteDoc[];
}
