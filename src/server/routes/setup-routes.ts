import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { publicRoute, type AuthEnv } from '../../auth/authorize.js';
import { completeSetup, SetupError, setupNeeded } from '../../auth/first-run-setup.js';
import { OperatorError } from '../../auth/operators.js';
import { MAX_PASSWORD_LENGTH, WeakPasswordError } from '../../auth/password.js';
import { loadPrincipal } from '../../auth/principal.js';
import { setSessionCookie } from '../../auth/session-cookie.js';
import { createSession } from '../../auth/sessions.js';
import { readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';
import type { ServerDeps } from '../server-deps.js';
import { presentPrincipal, requireJson } from './auth-routes.js';

const setupBody = z.object({
  token: z.string().trim().min(1, 'is required').max(200),
  email: z.string().trim().min(1, 'is required').max(320),
  password: z.string().min(1, 'is required').max(MAX_PASSWORD_LENGTH),
  workspace: z.string().trim().min(1, 'is required').max(80),
});

const STATUS = { done: 410, token: 403 } as const;

/**
 * First-run setup: whether it is needed, and doing it with the token `serve` printed.
 * Public, because nobody can sign in yet; once an operator exists it answers 410.
 */
export function setupRoutes(deps: ServerDeps) {
  const app = new Hono<AuthEnv>();
  const { db, dialect } = deps.runtime.store;

  app.get('/setup', publicRoute(), async (c) => c.json({ needed: await setupNeeded(db) }));

  app.post('/setup', publicRoute(), async (c) => {
    requireJson(c);
    if (!(await setupNeeded(db))) throw new HTTPException(410, { message: 'Hearth is already set up: sign in instead' });
    const body = await readJson(c, setupBody);
    const now = deps.clock();
    let done: Awaited<ReturnType<typeof completeSetup>>;
    try {
      done = await completeSetup(db, dialect, { token: body.token, email: body.email, password: body.password, workspaceName: body.workspace }, now);
    } catch (error) {
      if (error instanceof SetupError) throw new HTTPException(STATUS[error.reason], { message: error.message });
      if (error instanceof WeakPasswordError) throw new HTTPException(400, { message: `password: ${error.message}` });
      if (error instanceof OperatorError) throw new HTTPException(400, { message: `email: ${error.message}` });
      throw error;
    }
    // The owner is signed in straight away: the next steps need a session.
    const { token, session } = await createSession(db, done.operatorId, now, deps.auth?.sessionPolicy);
    const principal = await loadPrincipal(db, done.operatorId, { kind: 'session', session });
    if (!principal) throw new Error('the owner made by setup has no principal');
    setSessionCookie(c, token, session.expiresAt, now);
    return c.json({ ...presentPrincipal(principal), workspace: done.workspace }, 201);
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const setupRouteDocs: RouteDocs = {
  tag: 'setup',
  routes: [
    { method: 'get', path: '/setup', summary: 'Whether first-run setup is needed (no operator exists yet)', access: 'public' },
    {
      method: 'post',
      path: '/setup',
      summary: 'Create the owner and the first workspace with the one-time token the server printed; signs the owner in',
      description: '403 when the token is wrong or expired; 410 once any operator exists.',
      access: 'public',
      body: setupBody,
      status: 201,
    },
  ],
};
