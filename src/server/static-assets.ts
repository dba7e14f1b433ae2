import { existsSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';

/** Options of {@link dashboardAssets}. */
export interface DashboardAssetsOptions {
  /** The dashboard build directory (`dist/web`); relative paths resolve against the working directory. */
  root: string;
}

/** Paths owned by the API and health check; never answered with the dashboard. */
function isServerPath(p: string): boolean {
  return p === '/api' || p.startsWith('/api/') || p === '/healthz' || p.startsWith('/healthz/');
}

/** Whether `target` is `root` itself or lies inside it. */
function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Resolves a request path to a file inside `root`, or null when the path is malformed
 * or escapes the root (`..`, encoded separators, NUL bytes, symlinks pointing out).
 */
function resolveInside(root: string, realRoot: string, requestPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded.split('/').some((segment) => segment === '..' || segment === '.')) return null;
  const target = path.resolve(root, `.${decoded}`);
  if (!isInside(root, target)) return null;
  try {
    // Follow symlinks: a link inside the build must not expose files elsewhere.
    return isInside(realRoot, realpathSync(target)) ? target : null;
  } catch {
    return target; // Does not exist; the caller's lookup will simply miss.
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves the built dashboard (`npm run build:web` → dist/web) as a single-page app:
 * real files are served as they are, hashed `/assets/*` with a long cache, and any
 * other GET for a page path (e.g. /groups/12) gets index.html so the client router
 * can take over. /api and /healthz are always passed on to the next handler. When the
 * build is missing, page requests get a 503 that says how to build it.
 *
 * Mount it after the API routes: `app.use('*', dashboardAssets({ root: 'dist/web' }))`.
 */
export function dashboardAssets(options: DashboardAssetsOptions): MiddlewareHandler {
  const root = path.resolve(options.root);
  const indexFile = path.join(root, 'index.html');
  // Created on first use: serveStatic complains at creation when the root is missing,
  // and the build may well appear after the server started.
  let files: MiddlewareHandler | null = null;
  let realRoot: string | null = null;

  return async (c, next) => {
    const method = c.req.method;
    if ((method !== 'GET' && method !== 'HEAD') || isServerPath(c.req.path)) return next();

    if (!existsSync(indexFile)) {
      return c.text('The Hearth dashboard has not been built. Run `npm run build:web`, then reload this page.\n', 503, {
        'Cache-Control': 'no-store',
      });
    }
    realRoot ??= realpathSync(root);
    files ??= serveStatic({ root });

    const target = resolveInside(root, realRoot, c.req.path);
    if (target === null) return c.text('Not found\n', 404);

    if (c.req.path !== '/' && isFile(target)) {
      // Vite puts a content hash in every asset name under /assets, so they never change.
      const immutable = c.req.path.startsWith('/assets/');
      const response = await files(c, async () => {});
      if (response) {
        response.headers.set('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        response.headers.set('X-Content-Type-Options', 'nosniff');
        return response;
      }
    }

    // A missing file with an extension (a stale /assets/app-123.js) is a real 404:
    // answering it with HTML would only produce a confusing MIME error in the browser.
    const last = c.req.path.split('/').pop() ?? '';
    if (c.req.path.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(last)) return c.text('Not found\n', 404);

    const headers = {
      'Content-Type': 'text/html; charset=utf-8',
      // index.html names the current hashed bundles; always revalidate it.
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    };
    if (method === 'HEAD') return c.body(null, 200, headers);
    return c.body(await readFile(indexFile, 'utf8'), 200, headers);
  };
}
