import { Hono } from 'hono';
import { z } from 'zod';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';

const memberField = z.string().trim().min(1, 'is required').max(100);
const sayBody = z.object({ member: memberField, text: z.string().trim().min(1, 'is required').max(4000) });
const joinBody = z.object({ member: memberField, code: z.string().trim().min(1).max(100).optional() });
const leaveBody = z.object({ member: memberField });

/** The dashboard's sandbox chat: act as a member of a sandbox group and see what the bot does. */
export function sandboxRoutes(deps: ServerDeps) {
  const app = new Hono();
  const sandbox = () => deps.sandbox();

  app.get('/sandbox/groups', async (c) => {
    const groups = await (await sandbox()).groups();
    return c.json({ groups: groups.map((g) => ({ id: g.id, name: g.name })) });
  });

  app.get('/sandbox/groups/:id/log', async (c) => {
    const limit = intParam(c.req.query('limit'), 'limit', { min: 1, max: 1000, fallback: 200 });
    return c.json({ entries: await (await sandbox()).log(intParam(c.req.param('id'), 'group id'), limit) });
  });

  app.post('/sandbox/groups/:id/say', async (c) => {
    const body = await readJson(c, sayBody);
    return c.json({ actions: await (await sandbox()).say(intParam(c.req.param('id'), 'group id'), body.member, body.text) });
  });

  app.post('/sandbox/groups/:id/join', async (c) => {
    const body = await readJson(c, joinBody);
    return c.json({ actions: await (await sandbox()).join(intParam(c.req.param('id'), 'group id'), body.member, body.code ? { code: body.code } : {}) });
  });

  app.post('/sandbox/groups/:id/leave', async (c) => {
    const body = await readJson(c, leaveBody);
    return c.json({ actions: await (await sandbox()).leave(intParam(c.req.param('id'), 'group id'), body.member) });
  });

  return app;
}
