import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/server/app.js';
import { addOperator, signIn } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';

const NOW = Date.parse('2026-07-10T12:00:00Z');
const HOUR = 3_600_000;

describe.each(backends)('HTTP API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function serverWithActivity() {
    const made = backend.create();
    const f = await sandboxFixture(made.target, NOW - 3 * 24 * HOUR);
    cleanups.push(made.cleanup, () => f.runtime.close());
    const tea = await f.sandbox.addGroup('Tea Lovers');
    const quiet = await f.sandbox.addGroup('Quiet Corner', { timezone: 'Asia/Shanghai' });
    // Three days ago: two joins and a chat; today: one more message, a leave.
    await f.sandbox.join(tea.id, 'ann', { at: NOW - 3 * 24 * HOUR });
    await f.sandbox.join(tea.id, 'bo', { at: NOW - 3 * 24 * HOUR + 1000 });
    await f.sandbox.say(tea.id, 'ann', 'hello', NOW - 3 * 24 * HOUR + 2000);
    await f.sandbox.say(tea.id, 'bo', 'hi ann', NOW - 3 * 24 * HOUR + 3000);
    await f.sandbox.say(tea.id, 'ann', 'morning', NOW - 2 * HOUR);
    await f.sandbox.leave(tea.id, 'bo', NOW - HOUR);
    await f.sandbox.join(quiet.id, 'cy', { at: NOW - 10 * 24 * HOUR });
    f.clock.t = NOW;
    const app = createApp({ runtime: f.runtime, clock: () => NOW, sandbox: async () => f.sandbox, logError: () => {} });
    await addOperator(f.runtime.store.db, { email: 'owner@acme.test', workspaceId: f.workspace.id, role: 'owner' }, NOW);
    // Every API call below is made signed in, as the dashboard makes them.
    const api = await signIn(app, 'owner@acme.test');
    return { ...f, app, api, tea, quiet };
  }

  it('answers /healthz', async () => {
    const { app } = await serverWithActivity();
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("lists a workspace's groups with today's and last-7-days figures", async () => {
    const { api, tea, quiet } = await serverWithActivity();
    const res = await api.get('/api/workspaces/acme/groups');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { groups: Record<string, unknown>[] };
    expect(body.groups).toEqual([
      expect.objectContaining({
        id: tea.id,
        name: 'Tea Lovers',
        members: 1,
        today: { messages: 1, activeMembers: 1, joins: 0, leaves: 1 },
        last7: { messages: 3, activeMembers: 2, joins: 2, leaves: 1 },
        lastMessageAt: new Date(NOW - 2 * HOUR).toISOString(),
      }),
      expect.objectContaining({
        id: quiet.id,
        name: 'Quiet Corner',
        timezone: 'Asia/Shanghai',
        members: 1,
        today: { messages: 0, activeMembers: 0, joins: 0, leaves: 0 },
        last7: { messages: 0, activeMembers: 0, joins: 0, leaves: 0 },
        lastMessageAt: null,
      }),
    ]);
  });

  it('gives the overview: totals and a 30-day series ending today', async () => {
    const { api } = await serverWithActivity();
    const body = (await (await api.get('/api/workspaces/acme/overview?days=30')).json()) as {
      days: string[];
      totals: Record<string, number>;
      series: { messages: number[]; joins: number[] };
    };
    expect(body.days).toHaveLength(30);
    expect(body.days.at(-1)).toBe('2026-07-10');
    expect(body.totals).toEqual({ groups: 2, members: 2, messagesToday: 1, activeToday: 1, joinsToday: 0, leavesToday: 1 });
    expect(body.series.messages.slice(-4)).toEqual([2, 0, 0, 1]);
    expect(body.series.joins.slice(-4)).toEqual([2, 0, 0, 0]);
  });

  it("gives one group's activity and 404 for a group that does not exist", async () => {
    const { api, tea } = await serverWithActivity();
    const res = await api.get(`/api/groups/${tea.id}/activity?days=7`);
    const body = (await res.json()) as { group: { name: string }; series: { activeMembers: number[] } };
    expect(body.group.name).toBe('Tea Lovers');
    expect(body.series.activeMembers).toEqual([0, 0, 0, 2, 0, 0, 1]);
    expect((await api.get('/api/groups/9999/activity')).status).toBe(404);
    expect((await api.get('/api/groups/abc/activity')).status).toBe(400);
    expect((await api.get('/api/workspaces/nope/groups')).status).toBe(404);
  });

  it("lists the caller's groups and gives one group's profile; the API needs a signed-in caller", async () => {
    const { app, api, tea, quiet } = await serverWithActivity();
    const list = (await api.json('/api/groups')) as { groups: { id: number; name: string; workspace: { slug: string } }[] };
    expect(list.groups.map((g) => [g.id, g.name, g.workspace.slug])).toEqual([
      [tea.id, 'Tea Lovers', 'acme'],
      [quiet.id, 'Quiet Corner', 'acme'],
    ]);
    const one = (await api.json(`/api/groups/${quiet.id}`)) as { group: Record<string, unknown> };
    expect(one.group).toMatchObject({ id: quiet.id, name: 'Quiet Corner', timezone: 'Asia/Shanghai', platform: 'sandbox' });
    expect(one.group).not.toHaveProperty('connection_id');
    expect((await api.get('/api/groups/9999')).status).toBe(404);
    expect((await app.request('/api/groups')).status).toBe(401);
    expect((await app.request('/api/workspaces/acme/overview')).status).toBe(401);
  });

  it('drives the sandbox: say returns what the bot did; bad bodies get a 400 naming the field', async () => {
    const { api, tea } = await serverWithActivity();
    const join = await api.post(`/api/sandbox/groups/${tea.id}/join`, { member: 'dee' });
    expect(await join.json()).toEqual({ actions: [expect.objectContaining({ type: 'send_message', rule: 'welcome', status: 'done' })] });
    const log = (await (await api.get(`/api/sandbox/groups/${tea.id}/log`)).json()) as { entries: { kind: string; from: { bot: boolean } }[] };
    expect(log.entries.at(-1)).toMatchObject({ kind: 'message', from: { bot: true } });
    const bad = await api.post(`/api/sandbox/groups/${tea.id}/say`, { member: 'dee' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^text: /);
    const notJson = await api.post(`/api/sandbox/groups/${tea.id}/say`, '{');
    expect(await notJson.json()).toEqual({ error: 'the request body is not valid JSON' });
  });

  it('sends security headers and answers unknown API routes with a JSON 404', async () => {
    const { api } = await serverWithActivity();
    const res = await api.get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no such API route: GET /api/nothing-here' });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
