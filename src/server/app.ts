import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { errorResponse } from './http-errors.js';
import { groupRoutes } from './routes/group-routes.js';
import { sandboxRoutes } from './routes/sandbox-routes.js';
import { workspaceRoutes } from './routes/workspace-routes.js';
import type { ServerDeps } from './server-deps.js';
import { dashboardAssets } from './static-assets.js';

/**
 * The HTTP app as a fetch function: health, the JSON API and the dashboard. Tests
 * call `app.request()` without opening a port.
 */
export function createApp(deps: ServerDeps): Hono {
  const app = new Hono();
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
      xFrameOptions: 'DENY',
      referrerPolicy: 'same-origin',
    }),
  );
  app.onError((error, c) => errorResponse(error, c, deps.logError));
  app.get('/healthz', (c) => c.json({ ok: true }));
  const api = new Hono();
  api.route('/', workspaceRoutes(deps));
  api.route('/', groupRoutes(deps));
  api.route('/', sandboxRoutes(deps));
  api.all('*', (c) => c.json({ error: `no such API route: ${c.req.method} ${c.req.path}` }, 404));
  app.route('/api', api);
  if (deps.dashboardRoot) app.use('*', dashboardAssets({ root: deps.dashboardRoot }));
  return app;
}
