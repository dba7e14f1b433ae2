import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthorize, guardOf, publicRoute } from '../auth/authorize.js';
import { DEFAULT_IMPORT_MAX_MB, ImportJobs, UploadTooLargeError } from '../importers/import-jobs.js';
import { platformModules } from '../platforms/platform-registry.js';
import { bodyLimits } from './body-limits.js';
import { errorResponse } from './http-errors.js';
import { alertRoutes } from './routes/alert-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { automationRoutes } from './routes/automation-routes.js';
import { chainRoutes } from './routes/chain-routes.js';
import { couponRoutes } from './routes/coupon-routes.js';
import { drawRoutes } from './routes/draw-routes.js';
import { voteRoutes } from './routes/vote-routes.js';
import { pointsRoutes } from './routes/points-routes.js';
import { linkPublicRoutes, linkRoutes } from './routes/link-routes.js';
import { campaignRoutes } from './routes/campaign-routes.js';
import { broadcastRoutes } from './routes/broadcast-routes.js';
import { connectionRoutes } from './routes/connection-routes.js';
import { groupProfileRoutes } from './routes/group-profile-routes.js';
import { groupRolesRoutes } from './routes/group-roles-routes.js';
import { groupRoutes } from './routes/group-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { importRoutes } from './routes/import-routes.js';
import { growthRoutes, landingRoutes } from './routes/growth-routes.js';
import { posterRoutes } from './routes/poster-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { moderationRoutes } from './routes/moderation-routes.js';
import { enforcementRoutes } from './routes/enforcement-routes.js';
import { outboxRoutes } from './routes/outbox-routes.js';
import { platformRoutes } from './routes/platform-routes.js';
import { privacyRoutes } from './routes/privacy-routes.js';
import { memberRoutes } from './routes/member-routes.js';
import { sandboxRoutes } from './routes/sandbox-routes.js';
import { setupRoutes } from './routes/setup-routes.js';
import { teamRoutes } from './routes/team-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { workspaceRoutes } from './routes/workspace-routes.js';
import { openApiRoutes } from './routes/openapi-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import { retentionRoutes } from './routes/retention-routes.js';
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
  // Nothing the API answers (figures, members, secrets shown once, errors) belongs in a
  // browser's or a proxy's cache. On '*' and not '/api/*': a route under /api must carry a guard.
  app.use('*', async (c, next) => {
    await next();
    if (c.req.path === '/api' || c.req.path.startsWith('/api/')) c.header('Cache-Control', 'no-store');
  });
  app.onError((error, c) => errorResponse(error, c, deps.logError));
  const imports = new ImportJobs(deps.runtime, {
    dir: deps.imports?.dir ?? join(tmpdir(), 'hearth-imports'),
    maxBytes: deps.imports?.maxBytes ?? DEFAULT_IMPORT_MAX_MB * 1024 * 1024,
    clock: deps.clock,
    logError: deps.logError,
  });
  // Before any route and before authentication: no body is read past its limit.
  app.use('*', bodyLimits({ uploads: [{ method: 'POST', path: '/api/imports', maxBytes: imports.maxBytes, tooLarge: new UploadTooLargeError(imports.maxBytes).message }] }));
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.route('/', opsRoutes(deps.runtime, deps.clock, deps.operations));
  // Growth codes' public landing: `/j/<code>` (no session).
  app.route('/', landingRoutes(deps));
  // Tracked links' public `/l/<code>` and the signed conversion webhook (no session; the signature is the credential).
  app.route('/', linkPublicRoutes(deps));
  // Each platform that is called over HTTP (Telegram's webhook) brings its own routes.
  for (const module of platformModules()) if (module.webhooks) app.route(`/hooks/${module.platform}`, module.webhooks(deps));
  const authorize = createAuthorize({ db: deps.runtime.store.db, clock: deps.clock, ...(deps.auth?.sessionPolicy ? { sessionPolicy: deps.auth.sessionPolicy } : {}) });
  const api = new Hono();
  api.route('/', authRoutes(deps, authorize));
  api.route('/', setupRoutes(deps));
  api.route('/', workspaceRoutes(deps, authorize));
  api.route('/', groupRoutes(deps, authorize));
  api.route('/', healthRoutes(deps, authorize));
  api.route('/', retentionRoutes(deps, authorize));
  api.route('/', groupProfileRoutes(deps, authorize));
  api.route('/', groupRolesRoutes(deps, authorize));
  api.route('/', sandboxRoutes(deps, authorize));
  api.route('/', tokenRoutes(deps, authorize));
  api.route('/', teamRoutes(deps, authorize));
  api.route('/', auditRoutes(deps, authorize));
  api.route('/', connectionRoutes(deps, authorize));
  api.route('/', automationRoutes(deps, authorize));
  api.route('/', privacyRoutes(deps, authorize));
  api.route('/', memberRoutes(deps, authorize));
  api.route('/', outboxRoutes(deps, authorize));
  api.route('/', chainRoutes(deps, authorize));
  api.route('/', couponRoutes(deps, authorize));
  api.route('/', drawRoutes(deps, authorize));
  api.route('/', voteRoutes(deps, authorize));
  api.route('/', pointsRoutes(deps, authorize));
  api.route('/', linkRoutes(deps, authorize));
  api.route('/', campaignRoutes(deps, authorize));
  api.route('/', broadcastRoutes(deps, authorize));
  api.route('/', moderationRoutes(deps, authorize));
  api.route('/', enforcementRoutes(deps, authorize));
  api.route('/', alertRoutes(deps, authorize));
  api.route('/', growthRoutes(deps, authorize));
  api.route('/', posterRoutes(deps, authorize));
  api.route('/', platformRoutes(authorize));
  api.route('/', webhookRoutes(deps, authorize));
  api.route('/', importRoutes(deps, authorize, imports));
  api.route('/', openApiRoutes());
  api.all('*', publicRoute(), (c) => c.json({ error: `no such API route: ${c.req.method} ${c.req.path}` }, 404));
  app.route('/api', api);
  assertEveryApiRouteGuarded(app);
  if (deps.dashboardRoot) app.use('*', dashboardAssets({ root: deps.dashboardRoot }));
  return app;
}

/**
 * Refuses to build an app with an API route that does not go through `authorize()`
 * (or is explicitly `publicRoute()`): the guard must come before the handler in the
 * route's own chain. A route added without one fails every test that builds the app.
 */
export function assertEveryApiRouteGuarded(app: Hono): void {
  const guarded = new Set<string>();
  for (const route of app.routes) {
    if (route.path !== '/api' && !route.path.startsWith('/api/')) continue;
    const key = `${route.method} ${route.path}`;
    if (guardOf(route.handler)) guarded.add(key);
    else if (!guarded.has(key)) throw new Error(`API route ${key} has no authorize() or publicRoute() guard before its handler`);
  }
}
