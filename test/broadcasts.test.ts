import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { startBroadcast } from '../src/activation/broadcasts/broadcast-store.js';
import { SANDBOX_RATE_LIMITS } from '../src/platforms/sandbox/config.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import type { Database } from '../src/store/schema.js';
import { addOperator, sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** `n` sandbox groups in a set, written straight to the store (rooms, groups, tags), for speed. */
async function sandboxGroupsInSet(db: Kysely<Database>, workspaceId: number, n: number, set: string, now: number): Promise<number[]> {
  const rooms = Array.from({ length: n }, (_, i) => ({ room: `bc-room-${i + 1}`, title: `Launch ${i + 1}`, created_at: now }));
  for (let i = 0; i < n; i += 200)
    await db
      .insertInto('sandbox_room')
      .values(rooms.slice(i, i + 200))
      .execute();
  const groups = rooms.map((r) => ({ workspace_id: workspaceId, connection_id: null, platform: 'sandbox', external_id: r.room, name: r.title, created_at: now }));
  for (let i = 0; i < n; i += 200)
    await db
      .insertInto('chat_group')
      .values(groups.slice(i, i + 200))
      .execute();
  const ids = (await db.selectFrom('chat_group').select('id').where('workspace_id', '=', workspaceId).where('external_id', 'like', 'bc-room-%').orderBy('id').execute()).map((g) => g.id);
  const tags = ids.map((id) => ({ workspace_id: workspaceId, group_id: id, tag: set, created_at: now }));
  for (let i = 0; i < n; i += 200)
    await db
      .insertInto('group_tag')
      .values(tags.slice(i, i + 200))
      .execute();
  return ids;
}

type Shown = { id: number; status: string; total: number; sent: number; failed: number; pending: number; groups: { groupId: number; groupName: string; status: string; reason: string | null }[] };

describe.each(backends)('broadcasts on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('a broadcast to 300 sandbox groups of a set completes with every group’s result, never past the sandbox’s limits', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const ids = await sandboxGroupsInSet(w.db, w.acme.id, 300, 'launch', T0);
    await w.sandbox.join(ids[0]!, 'ann', { at: T0 - MINUTE });
    await w.sandbox.join(ids[0]!, 'bo', { at: T0 - MINUTE });
    // What the fixture's members set off (welcomes) goes first, in a second of its own.
    await w.runtime.dispatcher.runDue();
    const start = T0 + 10_000;
    w.clock.t = start;
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, start);

    expect((await owner.post('/api/broadcasts', { text: 'Hi', selector: { sets: ['nobody-here'] } })).status).toBe(400);
    const created = await owner.post('/api/broadcasts', { text: 'Welcome to {group}, all {members} of you!', link: 'https://hearth.test/launch', selector: { sets: ['launch'] } });
    expect(created.status).toBe(201);
    const first = (await created.json()) as Shown;
    expect(first).toMatchObject({ status: 'sending', total: 300, sent: 0, failed: 0, pending: 300 });

    // One group's platform refuses for good: that group fails, saying why; the rest go on.
    w.runtime.sandbox.refuseNext(1, { retryable: false });
    const global = SANDBOX_RATE_LIMITS.find((l) => l.scope === 'global')!;
    await w.runtime.dispatcher.runDue();
    // Live progress: one second of the clock lets the sandbox's global window through, no more.
    const midway = await owner.json<Shown>(`/api/broadcasts/${first.id}`);
    expect([midway.status, midway.sent + midway.failed, midway.pending]).toEqual(['sending', global.limit, 300 - global.limit]);
    for (let s = 1; s <= 5; s++) {
      w.clock.t = start + s * global.windowMs;
      await w.runtime.dispatcher.runDue();
    }

    const done = await owner.json<Shown>(`/api/broadcasts/${first.id}`);
    expect([done.status, done.total, done.sent, done.failed, done.pending]).toEqual(['done', 300, 299, 1, 0]);
    expect(done.groups.map((g) => g.groupId)).toEqual(ids);
    expect(done.groups.filter((g) => g.status === 'failed').map((g) => g.reason)).toEqual([expect.stringContaining('not enough rights')]);
    expect(done.groups.every((g) => (g.status === 'sent' ? g.reason === null : g.status === 'failed'))).toBe(true);

    // What members saw: the text filled for their group, the link under it; one message per group.
    const said = await w.db.selectFrom('sandbox_message').select(['room', 'text']).where('text', 'like', '%hearth.test/launch').execute();
    expect(said).toHaveLength(299);
    expect(new Set(said.map((m) => m.room)).size).toBe(299);
    expect(said.find((m) => m.room === 'bc-room-1')?.text ?? `refused: ${done.groups[0]!.reason}`).toMatch(/^(Welcome to Launch 1, all 2 of you!\nhttps:\/\/hearth\.test\/launch|refused: .+)$/);
    expect(said.find((m) => m.room === 'bc-room-300')?.text).toBe('Welcome to Launch 300, all 0 of you!\nhttps://hearth.test/launch');

    // The limits held: no second of the clock sent more than the sandbox's global window allows.
    const perWindow = new Map<number, number>();
    for (const r of await w.db.selectFrom('outbox').select('done_at').where('idempotency_key', 'like', `broadcast:${first.id}:%`).where('status', '=', 'done').execute())
      perWindow.set(Math.floor(Number(r.done_at) / global.windowMs), (perWindow.get(Math.floor(Number(r.done_at) / global.windowMs)) ?? 0) + 1);
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(global.limit);

    const listed = await owner.json<{ broadcasts: Shown[] }>('/api/broadcasts');
    expect(listed.broadcasts.map((b) => [b.id, b.status, b.sent, b.failed])).toEqual([[first.id, 'done', 299, 1]]);
    // Another workspace neither sees it nor can reach its groups.
    expect((await w.zetaClient.get(`/api/broadcasts/${first.id}`)).status).toBe(404);
    expect((await w.zetaClient.json('/api/broadcasts')).broadcasts).toEqual([]);
    expect((await w.zetaClient.post('/api/broadcasts', { text: 'x', selector: { groups: [ids[0]] } })).status).toBe(400);
    const audit = await w.db.selectFrom('audit_log').select('action').where('action', 'like', 'broadcast.%').execute();
    expect(audit.map((a) => a.action)).toEqual(['broadcast.sent']);

    // An operator assigned to some groups reaches and sees only those.
    const two = await addOperator(w.db, { email: 'two@acme.test', workspaceId: w.acme.id, role: 'operator', groups: [w.tea.id, ids[0]!] }, start);
    const op = await sessionFor(w.app, w.db, two.id, w.clock.t);
    const mine = (await (await op.post('/api/broadcasts', { text: 'Just my groups', selector: { sets: ['launch'] } })).json()) as Shown;
    expect([mine.total, mine.groups.map((g) => g.groupId)]).toEqual([1, [ids[0]]]);
    expect((await op.json<Shown>(`/api/broadcasts/${first.id}`)).groups.map((g) => g.groupId)).toEqual([ids[0]]);
    expect((await op.json<{ broadcasts: Shown[] }>('/api/broadcasts')).broadcasts.map((b) => [b.id, b.total])).toEqual([
      [mine.id, 1],
      [first.id, 1],
    ]);
  }, 60_000);

  it('a scheduled broadcast fires once at its time: not before, not again after a restart, late but once after downtime; a cancelled one never', async () => {
    const made = backend.create();
    cleanups.push(made.cleanup);
    const f = await sandboxFixture(made.target, T0);
    let runtime = f.runtime;
    cleanups.push(() => runtime.close());
    const a = await f.sandbox.addGroup('Morning Run');
    const b = await f.sandbox.addGroup('Evening Swim');
    for (const g of [a, b]) await runtime.store.db.insertInto('group_tag').values({ workspace_id: f.workspace.id, group_id: g.id, tag: 'sports', created_at: T0 }).execute();
    const { createApp } = await import('../src/server/app.js');
    const { SandboxService } = await import('../src/runtime/sandbox-service.js');
    const appOf = (r: HearthRuntime) => createApp({ runtime: r, clock: f.clock.now, sandbox: (ws) => new SandboxService(r, ws, f.clock), logError: (e) => console.error(e) });
    const op = await addOperator(runtime.store.db, { email: 'op@acme.test', workspaceId: f.workspace.id, role: 'operator' }, T0);
    const client = await sessionFor(appOf(runtime), runtime.store.db, op.id, T0);

    const at = new Date(T0 + HOUR).toISOString();
    const res1 = await client.post('/api/broadcasts', { text: 'Session at 7 in {group}', selector: { sets: ['sports'] }, at });
    expect(res1.status, await res1.clone().text()).toBe(201);
    const made1 = (await res1.json()) as Shown & { sendAt: string };
    expect([made1.status, made1.sendAt, made1.pending]).toEqual(['scheduled', at, 2]);
    const later = (await (await client.post('/api/broadcasts', { text: 'Never sent', selector: { sets: ['sports'] }, at: new Date(T0 + 2 * HOUR).toISOString() })).json()) as Shown;
    const downtime = (await (await client.post('/api/broadcasts', { text: 'Sent late', selector: { groups: [a.id] }, at: new Date(T0 + 3 * HOUR).toISOString() })).json()) as Shown;
    expect((await client.post(`/api/broadcasts/${later.id}/cancel`)).status).toBe(200);
    expect((await client.post(`/api/broadcasts/${later.id}/cancel`)).status).toBe(409);

    const outboxOf = async (id: number) => (await runtime.store.db.selectFrom('outbox').select('group_id').where('idempotency_key', 'like', `broadcast:${id}:%`).execute()).length;
    f.clock.t = T0 + HOUR - MINUTE;
    await runtime.scheduler.runDue();
    expect(await outboxOf(made1.id)).toBe(0);
    f.clock.t = T0 + HOUR;
    const ran = await runtime.scheduler.runDue();
    expect(ran.ran.filter((r) => r.kind === 'broadcast').map((r) => r.slot)).toEqual([at]);
    expect(await outboxOf(made1.id)).toBe(2);
    // The slot run again (a crash between the run and its bookkeeping) plans nothing more.
    expect(await startBroadcast(runtime.store.db, made1.id, f.clock.t)).toBe(0);
    await runtime.dispatcher.runDue();

    // A restart: a new process on the same database, a minute later.
    await runtime.close();
    f.clock.t = T0 + HOUR + MINUTE;
    runtime = await HearthRuntime.open(made.target, { clock: f.clock.now });
    expect((await runtime.scheduler.runDue()).ran.filter((r) => r.kind === 'broadcast')).toEqual([]);
    expect(await outboxOf(made1.id)).toBe(2);

    // Down from 2h30 to 3h30: the cancelled one stays unsent, the one due at 3h goes once, late.
    await runtime.close();
    f.clock.t = T0 + 3 * HOUR + 30 * MINUTE;
    runtime = await HearthRuntime.open(made.target, { clock: f.clock.now });
    expect((await runtime.scheduler.runDue()).ran.filter((r) => r.kind === 'broadcast')).toHaveLength(1);
    expect((await runtime.scheduler.runDue()).ran.filter((r) => r.kind === 'broadcast')).toEqual([]);
    await runtime.dispatcher.runDue();
    expect([await outboxOf(later.id), await outboxOf(downtime.id)]).toEqual([0, 1]);

    const client2 = await sessionFor(appOf(runtime), runtime.store.db, op.id, f.clock.t);
    const shown = await client2.json<Shown>(`/api/broadcasts/${made1.id}`);
    expect([shown.status, shown.sent]).toEqual(['done', 2]);
    expect(shown.groups.map((g) => [g.groupName, g.status])).toEqual([
      ['Morning Run', 'sent'],
      ['Evening Swim', 'sent'],
    ]);
    expect((await client2.json<Shown>(`/api/broadcasts/${later.id}`)).status).toBe('cancelled');
    const texts = await runtime.store.db.selectFrom('sandbox_message').select('text').where('text', 'like', 'Session at 7%').execute();
    expect(texts.map((t) => t.text).sort()).toEqual(['Session at 7 in Evening Swim', 'Session at 7 in Morning Run']);
  }, 60_000);
});
