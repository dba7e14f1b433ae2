import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { RouteDoc, RouteDocs } from './route-doc.js';

const errorSchema = z.object({ error: z.string() });

/** `/webhooks/:id` → `/api/webhooks/{id}`. */
export function openApiPath(path: string): string {
  return `/api${path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}')}`;
}

function pathParams(route: RouteDoc): z.ZodObject | undefined {
  if (route.params) return route.params;
  const names = [...route.path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
  return names.length ? z.object(Object.fromEntries(names.map((n) => [n, z.string()]))) : undefined;
}

function accessText(access: RouteDoc['access']): string {
  switch (access) {
    case 'public':
      return 'Open to anyone.';
    case 'account':
      return 'A signed-in session acting on its own account (not an API token).';
    case 'signed-in':
      return 'Any signed-in session or API token.';
    default:
      return `Needs the \`${access}\` permission (a role that holds it, or an API token with that scope).`;
  }
}

/**
 * The OpenAPI 3 document of the API, generated from each route file's descriptions
 * and the zod schemas its handlers validate with (@asteasolutions/zod-to-openapi).
 */
export function openApiDocument(groups: readonly RouteDocs[], version: string): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An API token: `hearth token create` or the API tokens page.' });
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'hearth_session',
    description: 'The dashboard session; state changes also need the X-CSRF-Token header (GET /api/auth/session gives it).',
  });
  for (const group of groups) {
    for (const route of group.routes) {
      const params = pathParams(route);
      const request = {
        ...(params ? { params } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(route.body ? { body: { content: { 'application/json': { schema: route.body } }, required: true } } : {}),
      };
      const errors = {
        400: { description: 'The request is wrong; the answer names what.', content: { 'application/json': { schema: errorSchema } } },
        ...(route.access === 'public' ? {} : { 401: { description: 'Not signed in, or the token is not valid.' }, 403: { description: 'Signed in, but not allowed this.' } }),
      };
      registry.registerPath({
        method: route.method,
        path: openApiPath(route.path),
        summary: route.summary,
        description: [route.description, accessText(route.access)].filter(Boolean).join('\n\n'),
        tags: [group.tag],
        ...(route.access === 'public' ? {} : { security: [{ bearer: [] }, { session: [] }] }),
        ...(Object.keys(request).length ? { request } : {}),
        responses: {
          [route.status ?? 200]: {
            description: 'Done.',
            ...(route.produces ? { content: { [route.produces]: { schema: { type: 'string' } } } } : {}),
          },
          ...errors,
        },
      });
    }
  }
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Hearth API',
      version,
      description: 'The JSON API the dashboard uses, for scripts and other tools. Authenticate with `Authorization: Bearer <API token>`. Errors answer `{"error": "<what is wrong>"}`.',
    },
    servers: [{ url: '/' }],
  }) as unknown as Record<string, unknown>;
}
