import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../src/connections/secret-box.js';
import { SandboxService } from '../src/runtime/sandbox-service.js';
import { createApp } from '../src/server/app.js';
import { API_ROUTE_DOCS } from '../src/server/openapi/api-docs.js';
import { openApiPath } from '../src/server/openapi/openapi-document.js';
import { WebhookStore } from '../src/webhooks/webhook-store.js';
import { backends } from './helpers/backends.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';

const T0 = Date.parse('2026-08-01T09:00:00Z');

describe('the API reference (OpenAPI)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function app() {
    const made = backends[0]!.create();
    const f = await sandboxFixture(made.target, T0);
    cleanups.push(made.cleanup, () => f.runtime.close());
    const webhooks = new WebhookStore(f.runtime.store.db, new SecretBox('a-test-instance-secret-that-is-long-enough'), { privateTargets: 'loopback' });
    return createApp({ runtime: f.runtime, clock: f.clock.now, webhooks, sandbox: (ws) => new SandboxService(f.runtime, ws, f.clock), logError: (e) => console.error(e) });
  }

  it('describes every /api route the app serves, and none it does not', async () => {
    const served = [
      ...new Set(
        (await app()).routes
          // The guard middlewares register as ALL; the catch-all 404 is not an operation.
          .filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL')
          .map((r) => `${r.method} ${r.path}`),
      ),
    ].sort();
    const documented = API_ROUTE_DOCS.flatMap((g) => g.routes.map((r) => `${r.method.toUpperCase()} /api${r.path}`)).sort();
    // A route missing here: describe it in its route file's `…RouteDocs` (and list a new file in src/server/openapi/api-docs.ts).
    expect(
      served.filter((r) => !documented.includes(r)),
      'served but not documented',
    ).toEqual([]);
    expect(
      documented.filter((r) => !served.includes(r)),
      'documented but not served',
    ).toEqual([]);
    expect(new Set(documented).size, 'a route documented twice').toBe(documented.length);
  });

  it('serves the OpenAPI 3 document generated from the routes’ zod schemas, and a readable page of it', async () => {
    const a = await app();
    const res = await a.request('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, any>> };
    expect(doc.openapi).toMatch(/^3\./);
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    for (const group of API_ROUTE_DOCS) for (const r of group.routes) expect(operations).toContain(`${r.method.toUpperCase()} ${openApiPath(r.path)}`);
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(30);

    // The body schema is the one the handler validates with: its fields, limits and requirements.
    const create = doc.paths['/api/webhooks']!.post;
    const schema = create.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['url', 'events']));
    expect(schema.properties.url).toMatchObject({ type: 'string', maxLength: 2000 });
    expect(schema.properties.events).toMatchObject({ type: 'array', minItems: 1 });
    expect(create.security).toEqual([{ bearer: [] }, { session: [] }]);
    expect(create.description).toMatch(/configure/);
    const audit = doc.paths['/api/audit']!.get;
    expect(audit.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['workspace', 'limit', 'format']));
    expect(doc.paths['/api/webhooks/{id}/deliveries/{delivery}/redeliver']!.post.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['path:id', 'path:delivery']);
    expect(doc.paths['/api/auth/login']!.post.security).toBeUndefined();

    const page = await a.request('/api/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<code>/api/webhooks/{id}/deliveries/{delivery}/redeliver</code>');
    expect(html).not.toMatch(/<script/);
  });
});
