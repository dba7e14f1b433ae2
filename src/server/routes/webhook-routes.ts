import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, type Principal } from '../../auth/principal.js';
import { WEBHOOK_EVENT_KINDS, webhookEventsSchema } from '../../webhooks/webhook-events.js';
import { insertDeliveries } from '../../webhooks/webhook-fanout.js';
import { WebhookBusy, WebhookNotFound, type DeliveryInfo, type WebhookInfo, type WebhookStore } from '../../webhooks/webhook-store.js';
import { WebhookTargetError } from '../../webhooks/webhook-target.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';
import type { ServerDeps } from '../server-deps.js';

const urlField = z.string().trim().min(1, 'is required').max(2000);
const createBody = z.object({
  workspace: z.string().trim().min(1).max(100).optional(),
  url: urlField,
  events: webhookEventsSchema,
  description: z.string().trim().max(200).optional(),
});
const changeBody = z
  .object({ url: urlField.optional(), events: webhookEventsSchema.optional(), description: z.string().trim().max(200).nullable().optional(), enabled: z.boolean().optional() })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give url, events, description or enabled');
const listQuery = z.object({ workspace: z.string().max(100).optional() });
const detailQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const present = (w: WebhookInfo) => ({ ...w, createdAt: iso(w.createdAt) });
const presentDelivery = (d: DeliveryInfo) => ({ ...d, nextAttemptAt: iso(d.nextAttemptAt), lastAttemptAt: iso(d.lastAttemptAt), deliveredAt: iso(d.deliveredAt), createdAt: iso(d.createdAt) });

/** Outgoing webhooks: register (the secret is shown once), list, change, remove, see deliveries, redeliver, ping. Configure permission. */
export function webhookRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const store = (): WebhookStore => {
    if (!deps.webhooks) throw new HTTPException(503, { message: 'webhooks are not available in this process' });
    return deps.webhooks;
  };
  /** The webhook, if it is in a workspace where the caller may configure; 404 otherwise (ids of others do not leak). */
  const owned = async (principal: Principal, raw: string | undefined) => {
    const id = intParam(raw, 'webhook id');
    const hook = await store().get(id);
    const access = hook ? principal.workspaces.get(hook.workspaceId) : undefined;
    if (!hook || !access) throw new HTTPException(404, { message: `no webhook ${id}` });
    workspaceAccess(principal, access.workspace.id, 'configure');
    return hook;
  };
  const audit = (principal: Principal, hook: WebhookInfo, action: string, detail: Record<string, unknown> = {}) =>
    recordAudit(
      deps.runtime.store.db,
      { workspaceId: hook.workspaceId, actor: actorOf(principal), action, target: { kind: 'webhook', id: hook.id }, detail: { url: hook.url, ...detail } },
      deps.clock(),
    );
  const refused = (error: unknown): never => {
    if (error instanceof WebhookTargetError) throw new HTTPException(400, { message: error.message });
    if (error instanceof WebhookNotFound) throw new HTTPException(404, { message: error.message });
    if (error instanceof WebhookBusy) throw new HTTPException(409, { message: error.message });
    throw error;
  };

  app.get('/webhooks', authorize('configure'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'configure');
    return c.json({ webhooks: (await store().list(access.workspace.id)).map(present), eventKinds: WEBHOOK_EVENT_KINDS, privateTargets: store().options.privateTargets });
  });

  app.post('/webhooks', authorize('configure'), async (c) => {
    const body = await readJson(c, createBody);
    const principal = c.var.principal;
    const access = workspaceAccess(principal, body.workspace, 'configure');
    const { webhook, secret } = await store()
      .create({ workspaceId: access.workspace.id, url: body.url, events: body.events, description: body.description ?? null, createdBy: principal.email }, deps.clock())
      .catch(refused);
    await audit(principal, webhook, 'webhook.created', { events: webhook.events });
    // The only time the secret leaves the server.
    return c.json({ id: webhook.id, secret, webhook: present(webhook) }, 201);
  });

  app.get('/webhooks/:id', authorize('configure'), async (c) => {
    const hook = await owned(c.var.principal, c.req.param('id'));
    const query = detailQuery.safeParse(c.req.query());
    if (!query.success) throw new HTTPException(400, { message: query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const { deliveries, counts } = await store().deliveries(hook.id, query.data.limit);
    return c.json({ webhook: present(hook), counts, deliveries: deliveries.map(presentDelivery) });
  });

  app.patch('/webhooks/:id', authorize('configure'), async (c) => {
    const hook = await owned(c.var.principal, c.req.param('id'));
    const body = await readJson(c, changeBody);
    const changed = await store()
      .update(hook.id, {
        ...(body.url !== undefined ? { url: body.url } : {}),
        ...(body.events !== undefined ? { events: body.events } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      })
      .catch(refused);
    await audit(c.var.principal, changed, 'webhook.changed', { changed: Object.keys(body).filter((k) => body[k as keyof typeof body] !== undefined) });
    return c.json({ webhook: present(changed) });
  });

  app.delete('/webhooks/:id', authorize('configure'), async (c) => {
    const hook = await owned(c.var.principal, c.req.param('id'));
    await store().remove(hook.id, deps.clock()).catch(refused);
    await audit(c.var.principal, hook, 'webhook.removed');
    return c.json({ removed: hook.id });
  });

  app.post('/webhooks/:id/deliveries/:delivery/redeliver', authorize('configure'), async (c) => {
    const hook = await owned(c.var.principal, c.req.param('id'));
    const delivery = await store()
      .redeliver(hook.id, intParam(c.req.param('delivery'), 'delivery id'), deps.clock())
      .catch(refused);
    return c.json({ delivery: presentDelivery(delivery) });
  });

  app.post('/webhooks/:id/ping', authorize('configure'), async (c) => {
    const hook = await owned(c.var.principal, c.req.param('id'));
    const now = deps.clock();
    const source = `ping:${now}`;
    await insertDeliveries(
      deps.runtime.store.db,
      [{ webhookId: hook.id, sourceKey: source, kind: 'ping', body: JSON.stringify({ id: source, kind: 'ping', occurredAt: iso(now), webhook: hook.id }) }],
      now,
    );
    return c.json({ queued: source }, 202);
  });

  return app;
}

export const webhookRouteDocs: RouteDocs = {
  tag: 'webhooks',
  routes: [
    { method: 'get', path: '/webhooks', summary: 'List the workspace’s outgoing webhooks and the event kinds they can ask for', access: 'configure', query: listQuery },
    {
      method: 'post',
      path: '/webhooks',
      summary: 'Register a webhook; answers its id and signing secret (shown this once)',
      description:
        'Deliveries are JSON POSTs signed with `X-Hearth-Signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>`, with `X-Hearth-Timestamp` (Unix seconds of the attempt), `X-Hearth-Delivery` and `X-Hearth-Event`; a non-2xx answer is retried with backoff. Events: `*` or kinds such as `member.joined`.',
      access: 'configure',
      body: createBody,
      status: 201,
    },
    { method: 'get', path: '/webhooks/:id', summary: 'A webhook with its latest deliveries and how many are delivered, waiting or failed', access: 'configure', query: detailQuery },
    { method: 'patch', path: '/webhooks/:id', summary: 'Change a webhook’s URL, events or description, or disable / re-enable it', access: 'configure', body: changeBody },
    { method: 'delete', path: '/webhooks/:id', summary: 'Remove a webhook (its delivery history stays)', access: 'configure' },
    { method: 'post', path: '/webhooks/:id/deliveries/:delivery/redeliver', summary: 'Send a delivery again, now (the same body, newly signed)', access: 'configure' },
    { method: 'post', path: '/webhooks/:id/ping', summary: 'Queue a `ping` delivery to test the receiver', access: 'configure', status: 202 },
  ],
};
