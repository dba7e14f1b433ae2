import { Hono } from 'hono';
import type { AuthEnv, Authorize } from '../../auth/authorize.js';
import { CAPABILITIES } from '../../core/capabilities.js';
import type { PlatformModule } from '../../platforms/platform-module.js';
import { platformModules } from '../../platforms/platform-registry.js';
import type { RouteDocs } from '../openapi/route-doc.js';

/** What leaves the server about a platform: what it can do, never how it is wired. */
const present = (m: PlatformModule) => ({
  platform: m.platform,
  title: m.title,
  /** Connected with an account (settings and a token), unlike the sandbox. */
  connectable: m.settingsSchema !== null,
  capabilities: CAPABILITIES.filter((c) => m.capabilities.has(c)),
  ...(m.maxTextLength !== undefined ? { maxTextLength: m.maxTextLength } : {}),
});

/**
 * `GET /api/platforms`: every platform this Hearth runs and what it can do (send,
 * mute, ban…), from the platform registry, so the dashboard and scripts know which
 * rules carry out as asked and which get their fallback. The same for every
 * workspace; any operator who may read may ask.
 */
export function platformRoutes(authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  app.get('/platforms', authorize('read'), (c) => c.json({ capabilities: CAPABILITIES, platforms: platformModules().map(present) }));
  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const platformRouteDocs: RouteDocs = {
  tag: 'platforms',
  routes: [{ method: 'get', path: '/platforms', summary: 'The platforms Hearth speaks, their capabilities and settings', access: 'read' }],
};
