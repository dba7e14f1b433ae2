import { afterEach, describe, expect, it } from 'vitest';
import { addOperator, sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

describe.each(backends)('parked outbox rows through the API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function world() {
    const w = await twoWorkspaces(backend, cleanups);
    const park = async (workspaceId: number, groupId: number, key: string, text: string) => {
      const [row] = await w.db
        .insertInto('outbox')
        .values({
          workspace_id: workspaceId,
          group_id: groupId,
          platform: 'sandbox',
          idempotency_key: key,
          action: JSON.stringify({ type: 'send_message', groupId, text, mentions: [], rule: 'welcome' }),
          status: 'parked',
          parked_reason: 'refused',
          parked_at: T0,
          last_error: 'sandbox send_message: not enough rights to send text messages to the chat',
          attempts: 1,
          next_attempt_at: T0,
          created_at: T0,
        })
        .returning('id')
        .execute();
      return row!.id;
    };
    const teaRow = await park(w.acme.id, w.tea.id, 'p-tea', 'Welcome to Tea Lovers');
    const booksRow = await park(w.acme.id, w.books.id, 'p-books', 'Welcome to Book Club');
    await park(w.zeta.id, w.zetaRoom.id, 'p-zeta', 'zeta secret words');
    return { ...w, teaRow, booksRow };
  }

  it("lists a workspace's parked rows with their reason, and only the caller's groups", async () => {
    const w = await world();
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const page = (await owner.json('/api/outbox?status=parked')) as {
      entries: { id: number; groupName: string; parkedReason: string; lastError: string; preview: string; rule: string }[];
      next: number | null;
    };
    expect(page.entries.map((e) => [e.id, e.groupName, e.parkedReason, e.rule])).toEqual([
      [w.booksRow, 'Book Club', 'refused', 'welcome'],
      [w.teaRow, 'Tea Lovers', 'refused', 'welcome'],
    ]);
    expect(page.entries[0]!.lastError).toMatch(/not enough rights/);
    expect(JSON.stringify(page)).not.toContain('zeta');

    const booksOnly = await addOperator(w.db, { email: 'books@acme.test', workspaceId: w.acme.id, role: 'operator', groups: [w.books.id] }, T0);
    const scoped = await sessionFor(w.app, w.db, booksOnly.id, T0);
    expect(((await scoped.json('/api/outbox?status=parked')) as { entries: { id: number }[] }).entries.map((e) => e.id)).toEqual([w.booksRow]);
    expect((await scoped.post(`/api/outbox/${w.teaRow}/requeue`)).status).toBe(404);
    expect((await owner.get('/api/outbox?status=lost')).status).toBe(400);
  });

  it('an operator requeues one parked row (it is sent) and discards another; both are audited; an analyst may only look', async () => {
    const w = await world();
    const analyst = await addOperator(w.db, { email: 'analyst@acme.test', workspaceId: w.acme.id, role: 'analyst' }, T0);
    const reader = await sessionFor(w.app, w.db, analyst.id, T0);
    expect((await reader.json('/api/outbox?status=parked')).entries).toHaveLength(2);
    expect((await reader.post(`/api/outbox/${w.teaRow}/requeue`)).status).toBe(403);

    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const requeued = await owner.post(`/api/outbox/${w.teaRow}/requeue`);
    expect([requeued.status, await requeued.json()]).toEqual([200, { id: w.teaRow, status: 'pending' }]);
    expect((await owner.post(`/api/outbox/${w.teaRow}/requeue`)).status).toBe(409); // no longer parked
    const report = await w.runtime.dispatcher.runDue();
    expect(report.dispatched.filter((d) => d.outboxId === w.teaRow).map((d) => d.status)).toEqual(['done']);

    expect((await owner.post(`/api/outbox/${w.booksRow}/discard`)).status).toBe(200);
    const rows = await w.db.selectFrom('outbox').select(['id', 'status', 'parked_reason']).where('id', 'in', [w.teaRow, w.booksRow]).orderBy('id').execute();
    expect(rows).toEqual([
      { id: w.teaRow, status: 'done', parked_reason: null },
      { id: w.booksRow, status: 'discarded', parked_reason: 'refused' },
    ]);
    expect(((await owner.json('/api/outbox?status=parked')) as { entries: unknown[] }).entries).toEqual([]);
    const audit = await w.db.selectFrom('audit_log').select(['action', 'target_id', 'actor_label']).where('action', 'like', 'outbox.%').orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'outbox.requeued', target_id: String(w.teaRow), actor_label: 'owner@acme.test' },
      { action: 'outbox.discarded', target_id: String(w.booksRow), actor_label: 'owner@acme.test' },
    ]);
  });
});
