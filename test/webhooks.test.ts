import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../src/auth/api-tokens.js';
import { SecretBox } from '../src/connections/secret-box.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { SandboxService } from '../src/runtime/sandbox-service.js';
import { createApp } from '../src/server/app.js';
import { MAX_ATTEMPTS } from '../src/webhooks/webhook-backoff.js';
import { WebhookSender } from '../src/webhooks/webhook-sender.js';
import { verifySignature } from '../src/webhooks/webhook-signature.js';
import { WebhookStore } from '../src/webhooks/webhook-store.js';
import { checkTarget, WebhookTargetError } from '../src/webhooks/webhook-target.js';
import { addOperator, ApiClient } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';

const T0 = Date.parse('2026-08-01T09:00:00Z');
const SECRET = 'a-test-instance-secret-that-is-long-enough';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A webhook receiver on 127.0.0.1 that answers the statuses given, then 200. */
async function receiver(statuses: number[] = []): Promise<{ url: string; got: Received[]; close: () => Promise<void> }> {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, got, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe.each(backends)('outgoing webhooks on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function world() {
    const made = backend.create();
    const f = await sandboxFixture(made.target, T0);
    cleanups.push(made.cleanup, () => f.runtime.close());
    const store = new WebhookStore(f.runtime.store.db, new SecretBox(SECRET), { privateTargets: 'loopback' });
    const sender = new WebhookSender(store, f.clock.now, { random: () => 0 });
    const group = await f.sandbox.addGroup('Bakers');
    return { ...f, made, store, sender, group };
  }

  it('delivers a member joining, signed with the secret, with a timestamp, and only the kinds asked for', async () => {
    const w = await world();
    const r = await receiver();
    cleanups.push(r.close);
    const { secret } = await w.store.create({ workspaceId: w.workspace.id, url: r.url, events: ['member.joined'], createdBy: null }, T0);
    await w.sandbox.say(w.group.id, 'Mia', 'hello before joining counts as a message, not asked for');
    await w.sandbox.join(w.group.id, 'Ana');
    const pass = await w.sender.runDue();
    expect(pass).toMatchObject({ delivered: 1, retried: 0, failed: 0 });
    expect(r.got).toHaveLength(1);
    const [d] = r.got;
    const body = JSON.parse(d!.body);
    expect(body).toMatchObject({ kind: 'member.joined', workspace: 'acme', group: { id: w.group.id, name: 'Bakers', platform: 'sandbox' }, member: { name: 'Ana' } });
    // The receiver's check, written out: hex HMAC-SHA256 of the raw body with the secret.
    expect(d!.headers['x-hearth-signature']).toBe(`sha256=${createHmac('sha256', secret).update(d!.body).digest('hex')}`);
    expect(verifySignature(secret, d!.body, d!.headers['x-hearth-signature'] as string)).toBe(true);
    expect(verifySignature(secret, `${d!.body} `, d!.headers['x-hearth-signature'] as string)).toBe(false);
    expect(verifySignature('whsec_another', d!.body, d!.headers['x-hearth-signature'] as string)).toBe(false);
    expect(d!.headers['x-hearth-timestamp']).toBe(String(T0 / 1000));
    expect(d!.headers['x-hearth-event']).toBe('member.joined');
    // Nothing more is due: delivered once.
    expect(await w.sender.runDue()).toMatchObject({ delivered: 0, nextDueAt: null });
    expect(r.got).toHaveLength(1);
  });

  it('"*" gets every kind, the welcome the rule sent included', async () => {
    const w = await world();
    const r = await receiver();
    cleanups.push(r.close);
    await w.store.create({ workspaceId: w.workspace.id, url: r.url, events: ['*'], createdBy: null }, T0);
    await w.sandbox.join(w.group.id, 'Ana');
    await w.sandbox.say(w.group.id, 'Ana', 'hi all');
    await w.sender.runDue();
    const kinds = r.got.map((g) => JSON.parse(g.body).kind).sort();
    expect(kinds).toEqual(['action.sent', 'member.joined', 'message']);
    const sent = r.got.map((g) => JSON.parse(g.body)).find((b) => b.kind === 'action.sent');
    expect(sent.action).toMatchObject({ type: 'send_message' });
  });

  it('retries a receiver that answers 500 with backoff: the fourth try delivers', async () => {
    const w = await world();
    const r = await receiver([500, 500, 500]);
    cleanups.push(r.close);
    const { webhook } = await w.store.create({ workspaceId: w.workspace.id, url: r.url, events: ['member.joined'], createdBy: null }, T0);
    await w.sandbox.join(w.group.id, 'Ana');
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const pass = await w.sender.runDue();
      expect(pass).toMatchObject({ delivered: 0, retried: 1 });
      // Not again before it is due.
      expect(await w.sender.runDue()).toMatchObject({ retried: 0, delivered: 0 });
      delays.push(pass.nextDueAt! - w.clock.t);
      w.clock.t = pass.nextDueAt!;
    }
    expect(delays).toEqual([10_000, 30_000, 60_000]);
    expect(await w.sender.runDue()).toMatchObject({ delivered: 1 });
    expect(r.got).toHaveLength(4);
    expect(new Set(r.got.map((g) => g.body)).size).toBe(1);
    const { deliveries, counts } = await w.store.deliveries(webhook.id);
    expect(counts).toMatchObject({ delivered: 1, pending: 0, failed: 0 });
    expect(deliveries[0]).toMatchObject({ status: 'delivered', attempts: 4, lastStatus: 200, lastError: null });
    expect((await w.store.get(webhook.id))!.failuresInARow).toBe(0);
  });

  it('gives a delivery up after the last attempt, and disables a webhook after a long run of failures, with a note', async () => {
    const w = await world();
    const r = await receiver(new Array(100).fill(503));
    cleanups.push(r.close);
    const sender = new WebhookSender(w.store, w.clock.now, { random: () => 0, disableAfter: 1000 });
    const { webhook } = await w.store.create({ workspaceId: w.workspace.id, url: r.url, events: ['member.joined'], createdBy: null }, T0);
    await w.sandbox.join(w.group.id, 'Ana');
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const pass = await sender.runDue();
      if (pass.nextDueAt) w.clock.t = pass.nextDueAt;
    }
    expect((await w.store.deliveries(webhook.id)).deliveries[0]).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, lastStatus: 503, lastError: 'the receiver answered HTTP 503' });

    const strict = new WebhookSender(w.store, w.clock.now, { random: () => 0, disableAfter: MAX_ATTEMPTS + 2 });
    await w.sandbox.join(w.group.id, 'Bo', { at: w.clock.t });
    await strict.runDue();
    w.clock.t += 10_000;
    await strict.runDue();
    const after = (await w.store.get(webhook.id))!;
    expect(after).toMatchObject({ enabled: false, failuresInARow: MAX_ATTEMPTS + 2 });
    expect(after.disabledReason).toMatch(/disabled after 14 failed attempts in a row \(last: the receiver answered HTTP 503\)/);
    const audit = await w.runtime.store.db.selectFrom('audit_log').select(['action']).where('action', '=', 'webhook.disabled').execute();
    expect(audit).toHaveLength(1);
    // Disabled: its waiting delivery is kept but not sent; enabling it again sends it.
    const tries = r.got.length;
    w.clock.t += 3_600_000;
    await strict.runDue();
    expect(r.got).toHaveLength(tries);
    await w.store.update(webhook.id, { enabled: true });
    r.got.length = 0;
    const ok = await receiver();
    cleanups.push(ok.close);
    await w.store.update(webhook.id, { url: ok.url });
    await strict.runDue();
    expect(ok.got.map((g) => JSON.parse(g.body).member.name)).toEqual(['Bo']);
  });

  it('keeps a queued delivery across a restart and sends it from the new process', async () => {
    const w = await world();
    const r = await receiver();
    cleanups.push(r.close);
    const { secret } = await w.store.create({ workspaceId: w.workspace.id, url: r.url, events: ['member.joined'], createdBy: null }, T0);
    await w.sandbox.join(w.group.id, 'Ana');
    // The process stops before any pass sent it.
    await w.runtime.close();
    expect(r.got).toHaveLength(0);

    const again = await HearthRuntime.open(w.made.target, { clock: w.clock.now });
    cleanups.push(() => again.close());
    const store = new WebhookStore(again.store.db, new SecretBox(SECRET), { privateTargets: 'loopback' });
    expect(await new WebhookSender(store, w.clock.now).runDue()).toMatchObject({ delivered: 1 });
    expect(JSON.parse(r.got[0]!.body)).toMatchObject({ kind: 'member.joined', member: { name: 'Ana' } });
    expect(verifySignature(secret, r.got[0]!.body, r.got[0]!.headers['x-hearth-signature'] as string)).toBe(true);
  });

  it('serves the webhook API to a configure token: register (secret once), list, deliveries, redeliver, ping, remove', async () => {
    const w = await world();
    const r = await receiver();
    cleanups.push(r.close);
    const db = w.runtime.store.db;
    const owner = await addOperator(db, { email: 'owner@acme.test', workspaceId: w.workspace.id, role: 'owner' }, T0);
    const app = createApp({ runtime: w.runtime, clock: w.clock.now, webhooks: w.store, sandbox: (ws) => new SandboxService(w.runtime, ws, w.clock), logError: (e) => console.error(e) });
    const token = async (scopes: ('read' | 'act' | 'configure')[]) =>
      new ApiClient(app, { bearer: (await createApiToken(db, { workspaceId: w.workspace.id, operatorId: owner.id, name: scopes.join('-'), scopes }, T0)).token });
    const api = await token(['read', 'act', 'configure']);

    const made = await api.post('/api/webhooks', { url: r.url, events: ['*'] });
    expect(made.status).toBe(201);
    const { id, secret } = (await made.json()) as { id: number; secret: string };
    expect(secret).toMatch(/^whsec_/);
    const listed = await api.json('/api/webhooks');
    expect(listed.webhooks).toEqual([expect.objectContaining({ id, url: r.url, events: ['*'], enabled: true })]);
    expect(JSON.stringify(listed)).not.toContain(secret);
    // The secret is stored sealed, never as given.
    expect(JSON.stringify(await db.selectFrom('webhook').selectAll().execute())).not.toContain(secret);

    // A read-only token may not; bad input names what is wrong and stores nothing.
    expect((await (await token(['read'])).post('/api/webhooks', { url: r.url, events: ['*'] })).status).toBe(403);
    const unknown = await api.post('/api/webhooks', { url: r.url, events: ['member.joined', 'member.exploded'] });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toMatch(/events: unknown event kind "member.exploded"/);
    const lan = await api.post('/api/webhooks', { url: 'http://10.1.2.3/hook', events: ['*'] });
    expect(lan.status).toBe(400);
    expect((await lan.json()).error).toMatch(/10\.1\.2\.3 is a private address; .*HEARTH_WEBHOOK_PRIVATE_TARGETS=all/);
    const metadata = await api.post('/api/webhooks', { url: 'http://169.254.169.254/latest/meta-data', events: ['*'] });
    expect(metadata.status).toBe(400);
    expect((await api.post('/api/webhooks', { url: 'ftp://127.0.0.1/x', events: ['*'] })).status).toBe(400);
    expect(await db.selectFrom('webhook').select('id').execute()).toHaveLength(1);

    await api.post(`/api/sandbox/groups/${w.group.id}/join`, { member: 'webhook-probe' });
    await w.sender.runDue();
    const detail = await api.json(`/api/webhooks/${id}`);
    const joined = detail.deliveries.find((d: { kind: string }) => d.kind === 'member.joined');
    expect(joined).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200 });
    expect(detail.counts.delivered).toBe(detail.deliveries.length);

    // Redelivered: the same body, signed again.
    const before = r.got.length;
    const redo = await api.post(`/api/webhooks/${id}/deliveries/${joined.id}/redeliver`);
    expect(redo.status).toBe(200);
    expect((await redo.json()).delivery).toMatchObject({ status: 'pending', attempts: 0 });
    await w.sender.runDue();
    expect(r.got).toHaveLength(before + 1);
    const last = r.got.at(-1)!;
    expect(last.body).toBe(r.got.find((g) => JSON.parse(g.body).kind === 'member.joined')!.body);
    expect(verifySignature(secret, last.body, last.headers['x-hearth-signature'] as string)).toBe(true);
    expect((await api.post(`/api/webhooks/${id}/deliveries/999999/redeliver`)).status).toBe(404);

    expect((await api.post(`/api/webhooks/${id}/ping`)).status).toBe(202);
    await w.sender.runDue();
    expect(JSON.parse(r.got.at(-1)!.body)).toMatchObject({ kind: 'ping', webhook: id });

    expect((await api.request('PATCH', `/api/webhooks/${id}`, { events: ['member.left'] })).status).toBe(200);
    expect((await api.json('/api/webhooks')).webhooks[0].events).toEqual(['member.left']);
    expect((await api.request('DELETE', `/api/webhooks/${id}`)).status).toBe(200);
    expect((await api.json('/api/webhooks')).webhooks).toEqual([]);
    expect((await api.request('DELETE', `/api/webhooks/${id}`)).status).toBe(404);
    const actions = (await db.selectFrom('audit_log').select('action').where('action', 'like', 'webhook.%').execute()).map((a) => a.action);
    expect(actions).toEqual(['webhook.created', 'webhook.changed', 'webhook.removed']);
  });
});

describe('webhook target policy', () => {
  const resolveTo = (addresses: string[]) => async () => addresses;

  it('allows public addresses, loopback by default, private networks only when told', async () => {
    expect((await checkTarget('https://hooks.example.com/x', 'none', resolveTo(['93.184.216.34']))).host).toBe('hooks.example.com');
    await expect(checkTarget('http://127.0.0.1:8080/x', 'none')).rejects.toThrow(/127\.0\.0\.1 is a loopback address; .*=loopback or all/);
    expect((await checkTarget('http://127.0.0.1:8080/x', 'loopback')).port).toBe('8080');
    expect((await checkTarget('http://[::1]:8080/x', 'loopback')).hostname).toBe('[::1]');
    await expect(checkTarget('http://n8n.lan/x', 'loopback', resolveTo(['192.168.1.20']))).rejects.toThrow(/192\.168\.1\.20 is a private address/);
    expect((await checkTarget('http://n8n.lan/x', 'all', resolveTo(['192.168.1.20']))).hostname).toBe('n8n.lan');
    // A name with one public and one private address is refused: either could be used.
    await expect(checkTarget('http://mixed.example/x', 'loopback', resolveTo(['93.184.216.34', '10.0.0.5']))).rejects.toThrow(WebhookTargetError);
    await expect(checkTarget('http://[::ffff:169.254.169.254]/', 'loopback')).rejects.toThrow(/linkLocal/);
    await expect(checkTarget('http://user:pw@example.com/', 'all')).rejects.toThrow(/user name or password/);
    await expect(checkTarget('not a url', 'all')).rejects.toThrow(/is not a URL/);
  });
});
