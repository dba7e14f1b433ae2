import { Hono } from 'hono';
import { publicRoute } from '../../auth/authorize.js';
import { API_ROUTE_DOCS } from '../openapi/api-docs.js';
import { openApiDocument } from '../openapi/openapi-document.js';
import { referencePage } from '../openapi/reference-page.js';

/** Hearth's version, as the reference names it. */
const VERSION = '0.1.0';

/**
 * `GET /api/openapi.json` (the OpenAPI 3 document, generated once from the route
 * files' descriptions and zod schemas) and `GET /api/docs` (the same as a page).
 * Public: they describe the API, not anyone's data.
 */
export function openApiRoutes() {
  const app = new Hono();
  let doc: Record<string, unknown> | undefined;
  let page: string | undefined;
  const document = () => (doc ??= openApiDocument(API_ROUTE_DOCS, VERSION));
  app.get('/openapi.json', publicRoute(), (c) => c.json(document()));
  app.get('/docs', publicRoute(), (c) => c.html((page ??= referencePage(document()))));
  return app;
}
