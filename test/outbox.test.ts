import { afterEach, describe, expect, it } from 'vitest';
import { addAutomation } from '../src/automations/automation-store.js';
import { Dispatcher } from '../src/outbox/dispatcher.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { SandboxService } from '../src/runtime/sandbox-service.js';
import { backends } from './helpers/backends.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';

const T0 = Date.parse('2026-05-04T08:00:00Z');

describe.each(backends)('outbox and dispatcher on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  async function fixture() {
    const made = backend.create();
    const f = await sandboxFixture(made.target, T0);
    cleanups.push(made.cleanup, () => f.runtime.close());
    return { ...f, target: made.target };
  }
  const botLines = async (sandbox: SandboxService, group: number) => (await sandbox.log(group)).filter((e) => e.from.bot);

  it('welcomes a new member through the whole loop: event → automation → outbox → sandbox', async () => {
    const { sandbox } = await fixture();
    const group = await sandbox.addGroup('Sourdough Circle');
    const out = await sandbox.join(group.id, 'Mia');
    expect(out).toMatchObject([{ type: 'send_message', rule: 'welcome', status: 'done' }]);
    expect(out[0]!.text).toContain('Welcome Mia to Sourdough Circle');
    const lines = await botLines(sandbox, group.id);
    expect(lines.map((l) => l.text)).toEqual([expect.stringMatching(/^@Mia Welcome Mia to Sourdough Circle/)]);
  });

  it('sends an action that was pending at a crash after restart, once', async () => {
    const { runtime, sandbox, workspace, target } = await fixture();
    const group = await sandbox.addGroup('Night Owls');
    // The member joins; the process "crashes" before the dispatcher runs.
    await runtime.deliverSandbox(workspace.id, [{ type: 'join', updateId: 'u-1', room: group.external_id, at: T0, member: { id: 'leo', name: 'Leo' } }], { dispatch: false });
    expect(await runtime.store.db.selectFrom('outbox').select('status').execute()).toEqual([{ status: 'pending' }]);
    await runtime.close();
    cleanups.pop();

    const restarted = await HearthRuntime.open(target, { clock: () => T0 + 5_000 });
    cleanups.push(() => restarted.close());
    const first = await restarted.dispatcher.runDue();
    const second = await restarted.dispatcher.runDue();
    expect(first.dispatched.map((d) => d.status)).toEqual(['done']);
    expect(second.dispatched).toEqual([]);
    const again = new SandboxService(restarted, workspace.id, { now: () => T0 + 5_000, set: async () => {}, advanceTo: async () => {} });
    expect((await botLines(again, group.id)).map((l) => l.text)).toEqual([expect.stringContaining('Welcome Leo')]);
  });

  it('takes over an action whose sender crashed mid-send, without posting it twice', async () => {
    const { runtime, sandbox, workspace, clock } = await fixture();
    const group = await sandbox.addGroup('Relay');
    await runtime.deliverSandbox(workspace.id, [{ type: 'join', updateId: 'u-2', room: group.external_id, at: T0, member: { id: 'kai', name: 'Kai' } }], { dispatch: false });
    const [row] = await runtime.store.db.selectFrom('outbox').selectAll().execute();
    // The platform got the message, but the worker died before marking it done.
    await runtime.sandbox.send({ idempotencyKey: row!.idempotency_key, action: JSON.parse(row!.action), group: { id: group.id, externalId: group.external_id, name: group.name }, members: new Map() });
    await runtime.store.db
      .updateTable('outbox')
      .set({ status: 'sending', lease_until: T0 + 60_000, attempts: 1 })
      .execute();

    expect((await runtime.dispatcher.runDue()).dispatched).toEqual([]); // lease still held
    clock.t = T0 + 61_000;
    expect((await runtime.dispatcher.runDue()).dispatched.map((d) => d.status)).toEqual(['done']);
    expect(await botLines(sandbox, group.id)).toHaveLength(1);
  });

  it('retries what the platform refuses, with backoff, and never loses it', async () => {
    const { runtime, sandbox, clock } = await fixture();
    const group = await sandbox.addGroup('Retry Club');
    runtime.sandbox.refuseNext(2, { retryable: true, retryAfterMs: 30_000 });
    const out = await sandbox.join(group.id, 'Ana');
    expect(out.map((o) => o.status)).toEqual(['retry']);
    expect(await botLines(sandbox, group.id)).toHaveLength(0);

    clock.t += 10_000; // before retry_after: nothing goes out
    expect((await runtime.dispatcher.runDue()).dispatched).toEqual([]);
    const later = await sandbox.tick(T0 + 10 * 60_000);
    expect(later.map((o) => o.status)).toEqual(['retry', 'done']);
    expect(await botLines(sandbox, group.id)).toHaveLength(1);
    const [row] = await runtime.store.db.selectFrom('outbox').select(['status', 'attempts']).execute();
    expect(row).toEqual({ status: 'done', attempts: 3 });
  });

  it('parks an action the platform forbids, kept with its reason', async () => {
    const { runtime, sandbox } = await fixture();
    const group = await sandbox.addGroup('Locked');
    runtime.sandbox.refuseNext(1, { retryable: false });
    const out = await sandbox.join(group.id, 'Bo');
    expect(out).toMatchObject([{ status: 'parked', error: expect.stringContaining('not enough rights') }]);
    expect(await runtime.store.db.selectFrom('outbox').select(['status', 'parked_reason', 'last_error']).execute()).toEqual([
      { status: 'parked', parked_reason: 'refused', last_error: expect.stringContaining('not enough rights') },
    ]);
  });

  it("parks a row whose stored action no longer validates, and sends every other group's row in the same pass", async () => {
    const { runtime, sandbox, workspace } = await fixture();
    const groups = [await sandbox.addGroup('One'), await sandbox.addGroup('Two'), await sandbox.addGroup('Three')];
    await runtime.deliverSandbox(
      workspace.id,
      groups.map((g, i) => ({ type: 'join', updateId: `v-${i}`, room: g.external_id, at: T0, member: { id: `m${i}`, name: `M${i}` } })),
      { dispatch: false },
    );
    const rows = await runtime.store.db.selectFrom('outbox').select(['id', 'group_id', 'action']).orderBy('id').execute();
    // The first row was written by an older version: its text is now over the limit; the second is not JSON at all.
    const first = JSON.parse(rows[0]!.action) as Record<string, unknown>;
    await runtime.store.db
      .updateTable('outbox')
      .set({ action: JSON.stringify({ ...first, text: 'x'.repeat(5_000) }) })
      .where('id', '=', rows[0]!.id)
      .execute();
    await runtime.store.db.updateTable('outbox').set({ action: '{"type":"send_message",' }).where('id', '=', rows[1]!.id).execute();

    const pass = await runtime.dispatcher.runDue();
    expect(pass.dispatched.map((d) => [d.groupId, d.status])).toEqual([[groups[2]!.id, 'done']]);
    expect(pass.unreadable).toEqual([
      { outboxId: rows[0]!.id, groupId: groups[0]!.id, rule: 'welcome', reason: 'message text longer than 4096 characters (5000 characters)' },
      { outboxId: rows[1]!.id, groupId: groups[1]!.id, rule: null, reason: 'the stored action is not JSON' },
    ]);
    const stored = await runtime.store.db.selectFrom('outbox').select(['status', 'parked_reason']).orderBy('id').execute();
    expect(stored).toEqual([
      { status: 'parked', parked_reason: 'invalid_action' },
      { status: 'parked', parked_reason: 'invalid_action' },
      { status: 'done', parked_reason: null },
    ]);
    expect((await runtime.dispatcher.runDue()).dispatched).toEqual([]); // parked rows wait for an operator
  });

  it('parks an action the platform cannot do, naming the capability', async () => {
    const { runtime, sandbox, workspace } = await fixture();
    const group = await sandbox.addGroup('Send only');
    const sends = {
      platform: 'sandbox' as const,
      rateLimits: runtime.sandbox.rateLimits,
      capabilities: new Set(['send' as const]),
      send: (o: Parameters<typeof runtime.sandbox.send>[0]) => runtime.sandbox.send(o),
    };
    const dispatcher = new Dispatcher(
      runtime.store,
      () => sends,
      () => T0,
    );
    await runtime.store.db
      .insertInto('outbox')
      .values({
        workspace_id: workspace.id,
        group_id: group.id,
        platform: 'sandbox',
        idempotency_key: 'mute-1',
        action: JSON.stringify({ type: 'mute_member', groupId: group.id, memberId: 1, rule: 'flood' }),
        status: 'pending',
        attempts: 0,
        next_attempt_at: T0,
        created_at: T0,
      })
      .execute();
    const pass = await dispatcher.runDue();
    expect(pass.dispatched).toMatchObject([{ status: 'parked', parkedReason: 'unsupported', rule: 'flood', error: 'sandbox cannot mute: the platform has no such action' }]);
  });

  it('parks an action whose retries ran out', async () => {
    const made = backend.create();
    const f = await sandboxFixture(made.target, T0, { dispatcher: { maxAttempts: 2, backoffBaseMs: 1_000 } });
    cleanups.push(made.cleanup, () => f.runtime.close());
    const group = await f.sandbox.addGroup('Flaky');
    f.runtime.sandbox.refuseNext(2, { retryable: true });
    expect((await f.sandbox.join(group.id, 'Io')).map((o) => o.status)).toEqual(['retry']);
    expect((await f.sandbox.tick(T0 + 5_000)).map((o) => o.status)).toEqual(['parked']);
    expect(await f.runtime.store.db.selectFrom('outbox').select(['status', 'parked_reason', 'attempts']).execute()).toEqual([{ status: 'parked', parked_reason: 'retries_exhausted', attempts: 2 }]);
  });

  it("holds a group for every dispatcher sharing the limiter while the platform's retry_after runs", async () => {
    const { runtime, sandbox, workspace, clock } = await fixture();
    const other = new Dispatcher(runtime.store, ({ platform }) => runtime.adapters.get(platform as 'sandbox'), clock.now, { limiter: runtime.dispatcher.limiter });
    const group = await sandbox.addGroup('Throttled');
    runtime.sandbox.refuseNext(1, { retryable: true, retryAfterMs: 30_000 });
    await runtime.deliverSandbox(workspace.id, [{ type: 'join', updateId: 'ra-1', room: group.external_id, at: T0, member: { id: 'a', name: 'A' } }]);
    // A second action for the same group, planned later: the other worker may not send it before retry_after either.
    await runtime.store.db
      .insertInto('outbox')
      .values({
        workspace_id: workspace.id,
        group_id: group.id,
        platform: 'sandbox',
        idempotency_key: 'ra-extra',
        action: JSON.stringify({ type: 'send_message', groupId: group.id, text: 'hello', mentions: [] }),
        status: 'pending',
        attempts: 0,
        next_attempt_at: T0,
        created_at: T0,
      })
      .execute();
    await runtime.store.db.updateTable('outbox').set({ next_attempt_at: T0 }).where('idempotency_key', '!=', 'ra-extra').execute();
    clock.t = T0 + 5_000;
    const blocked = await other.runDue();
    expect(blocked.dispatched).toEqual([]);
    expect(blocked.nextWakeAt).toBe(T0 + 30_000);
    clock.t = T0 + 30_000;
    expect((await other.runDue()).dispatched.map((d) => d.status)).toEqual(['done', 'done']);
  });

  it('holds a delayed welcome until the sandbox clock reaches it', async () => {
    const { runtime, sandbox, workspace } = await fixture();
    const group = await sandbox.addGroup('Slow Welcome');
    await addAutomation(runtime.store.db, { workspaceId: workspace.id, groupId: group.id, kind: 'welcome', config: { template: 'Hi {name}', delaySeconds: 120 } });
    runtime.automations.invalidate();
    expect(await sandbox.join(group.id, 'Zoe')).toMatchObject([{ type: 'send_message', text: 'Hi Zoe', status: 'pending', at: new Date(T0 + 120_000).toISOString() }]);
    expect(await botLines(sandbox, group.id)).toHaveLength(0);
    expect(await sandbox.tick(T0 + 60_000)).toEqual([]);
    const out = await sandbox.tick(T0 + 180_000);
    expect(out).toMatchObject([{ type: 'send_message', text: 'Hi Zoe', status: 'done', at: new Date(T0 + 120_000).toISOString() }]);
  });

  it("keeps a group's actions within its rate limit and in order", async () => {
    const { runtime, sandbox, workspace, clock } = await fixture();
    const group = await sandbox.addGroup('Busy');
    const joins = Array.from({ length: 25 }, (_, i) => ({ type: 'join', updateId: `burst-${i}`, room: group.external_id, at: T0, member: { id: `m${i}`, name: `Member ${i}` } }));
    await runtime.deliverSandbox(workspace.id, joins, { dispatch: false });
    const first = await runtime.dispatcher.runDue();
    expect(first.dispatched).toHaveLength(20); // sandbox: 20 per second per group
    expect(first.nextWakeAt).toBe(T0 + 1_000);
    clock.t = T0 + 1_000;
    const second = await runtime.dispatcher.runDue();
    expect(second.dispatched).toHaveLength(5);
    const texts = (await botLines(sandbox, group.id)).map((l) => l.text);
    expect(texts.map((t) => /Member (\d+)/.exec(t!)![1]).map(Number)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it("never lets one group's backlog hold back another group", async () => {
    const made = backend.create();
    const f = await sandboxFixture(made.target, T0, { dispatcher: { batchSize: 30, perGroup: 10 } });
    cleanups.push(made.cleanup, () => f.runtime.close());
    const busy = await f.sandbox.addGroup('Flooded');
    const calm = await f.sandbox.addGroup('Calm');
    const flood = Array.from({ length: 100 }, (_, i) => ({ type: 'join', updateId: `flood-${i}`, room: busy.external_id, at: T0, member: { id: `f${i}`, name: `F${i}` } }));
    await f.runtime.deliverSandbox(f.workspace.id, [...flood, { type: 'join', updateId: 'calm-1', room: calm.external_id, at: T0, member: { id: 'c', name: 'Cal' } }], { dispatch: false });
    const pass = await f.runtime.dispatcher.runDue();
    expect(pass.dispatched.filter((d) => d.groupId === calm.id).map((d) => d.status)).toEqual(['done']);
    expect(pass.dispatched.filter((d) => d.groupId === busy.id)).toHaveLength(10);
  });
});
