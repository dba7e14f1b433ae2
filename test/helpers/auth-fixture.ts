import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { createOperator, setMembership } from '../../src/auth/operators.js';
import { createSession } from '../../src/auth/sessions.js';
import type { Database } from '../../src/store/schema.js';

/** A password good enough for the strength check, used by every test operator. */
export const TEST_PASSWORD = 'correct horse battery staple';

/** Creates an operator with a role in a workspace (optionally limited to some groups). */
export async function addOperator(
  db: Kysely<Database>,
  input: { email: string; workspaceId: number; role: string; groups?: number[]; password?: string },
  now = Date.now(),
): Promise<{ id: number; email: string; password: string }> {
  const password = input.password ?? TEST_PASSWORD;
  const op = await createOperator(db, { email: input.email, password }, now);
  await setMembership(db, { operatorId: op.id, workspaceId: input.workspaceId, role: input.role, ...(input.groups ? { groups: input.groups } : {}) }, now);
  return { ...op, password };
}

/** How a test client authenticates: a session cookie (with its CSRF token), a bearer token, or nothing. */
export type Credentials = { cookie: string; csrf: string } | { bearer: string } | null;

/**
 * Calls the app as one caller: the session cookie and X-CSRF-Token on every request
 * (or a bearer token), JSON bodies. `csrf: false` leaves the CSRF header out.
 */
export class ApiClient {
  constructor(
    readonly app: Hono,
    public credentials: Credentials,
  ) {}

  async request(method: string, path: string, body?: unknown, options: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...(body !== undefined ? { 'content-type': 'application/json' } : {}) };
    const c = this.credentials;
    if (c && 'cookie' in c) {
      headers.cookie = `hearth_session=${c.cookie}`;
      if (options.csrf !== false) headers['x-csrf-token'] = c.csrf;
    } else if (c && 'bearer' in c) {
      headers.authorization = `Bearer ${c.bearer}`;
    }
    Object.assign(headers, options.headers);
    return this.app.request(path, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
  }

  get(path: string): Promise<Response> {
    return this.request('GET', path);
  }

  post(path: string, body: unknown = {}, options: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<Response> {
    return this.request('POST', path, body, options);
  }

  /** GET and parse JSON, failing loudly on a non-2xx answer. */
  async json<T = any>(path: string): Promise<T> {
    const res = await this.get(path);
    if (!res.ok) throw new Error(`GET ${path} → ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }
}

/** The session token a login response set, from its Set-Cookie header. */
export function sessionCookieOf(res: Response): string | undefined {
  const header = res.headers.get('set-cookie') ?? '';
  return /hearth_session=([^;]*)/.exec(header)?.[1];
}

/** Signs in through POST /api/auth/login, as the dashboard does. */
export async function signIn(app: Hono, email: string, password = TEST_PASSWORD): Promise<ApiClient> {
  const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = sessionCookieOf(res);
  if (!cookie) throw new Error('the login response set no session cookie');
  return new ApiClient(app, { cookie, csrf: csrfToken });
}

/** A session made directly in the store (no password hashing): for suites that need many callers. */
export async function sessionFor(app: Hono, db: Kysely<Database>, operatorId: number, now: number): Promise<ApiClient> {
  const { token, session } = await createSession(db, operatorId, now);
  return new ApiClient(app, { cookie: token, csrf: session.csrfToken });
}
