import { afterEach, describe, expect, it } from 'vitest';
import { listRuleProblems } from '../src/automations/automation-problems.js';
import { type AutomationError, AutomationRegistry } from '../src/automations/automation-registry.js';
import { addAutomation } from '../src/automations/automation-store.js';
import { type Capability, UNRESTRICTED } from '../src/core/capabilities.js';
import type { EventInput } from '../src/core/event.js';
import { Ingestor } from '../src/ingest/ingestor.js';
import { openStore } from '../src/store/database.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { addOperator, sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const room = { id: 'faq-room', title: 'Opening Hours FAQ' };
/** 16 characters: 312 copies of it fill the reply template to exactly 5,000 characters. */
const LONG_NAME = 'Alexandra Smiths';

function asks(i: number, name: string): EventInput {
  return {
    platform: 'sandbox',
    kind: 'message',
    dedupKey: `ask-${i}`,
    occurredAt: new Date(T0 + i * 1000).toISOString(),
    group: room,
    actor: { id: `m${i}`, name },
    messageId: `q${i}`,
    text: 'what are your opening hours?',
  };
}

describe.each(backends)('a rule whose filled template is too long, on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('plans a 5,000-character message in a batch of 1,000 events: 1,000 stored, 999 answered, the bad one reported against its rule and event', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    // An operator's template: short enough to save (1,880 characters), too long once a long name fills it.
    const reply = `${'{name}'.repeat(312)}, hi!!!!`;
    const added = await owner.post('/api/automations', { kind: 'keyword-reply', config: { keywords: ['opening hours'], reply, quote: true } });
    expect(added.status).toBe(201);
    const { automation } = (await added.json()) as { automation: { id: number } };

    const events = Array.from({ length: 1000 }, (_, i) => asks(i, i === 500 ? LONG_NAME : `m${i}`));
    const results = await w.runtime.ingest(events, { workspaceId: w.acme.id });

    expect(results.filter((r) => r.status === 'stored')).toHaveLength(1000);
    expect(results.filter((r) => r.status === 'stored' && r.actions === 1)).toHaveLength(999);
    expect(results[500]).toMatchObject({ status: 'stored', dedupKey: 'ask-500', actions: 0 });

    const group = await w.db.selectFrom('chat_group').select('id').where('external_id', '=', room.id).executeTakeFirstOrThrow();
    const stored = await w.db.selectFrom('event').select('id').where('group_id', '=', group.id).execute();
    expect(stored).toHaveLength(1000);
    const outbox = await w.db.selectFrom('outbox').select(['action']).where('group_id', '=', group.id).execute();
    expect(outbox).toHaveLength(999);
    const texts = outbox.map((o) => (JSON.parse(o.action) as { text: string; replyTo: string }).text);
    expect(Math.max(...texts.map((t) => t.length))).toBeLessThanOrEqual(4096);
    const day = await w.db.selectFrom('group_day').select('messages').where('group_id', '=', group.id).executeTakeFirstOrThrow();
    expect(day.messages).toBe(1000);

    const problem = {
      automationId: automation.id,
      kind: 'keyword-reply',
      automationExists: true,
      problem: 'invalid',
      reason: 'send_message: message text longer than 4096 characters',
      detail: '5000 characters',
      lastGroupId: group.id,
    };
    const { problems } = await owner.json<{ problems: unknown[] }>('/api/automations/problems');
    expect(problems).toEqual([{ ...problem, id: expect.any(Number), count: 1, lastEventKey: 'ask-500', firstSeenAt: expect.any(String), lastSeenAt: expect.any(String) }]);

    // The same rule breaking again, three times in the next batch, is the same problem counted, not three more.
    const again = await w.runtime.ingest([asks(1000, LONG_NAME), asks(1001, 'Ann'), asks(1002, LONG_NAME), asks(1003, LONG_NAME)], { workspaceId: w.acme.id });
    expect(again.map((r) => r.status === 'stored' && r.actions)).toEqual([0, 1, 0, 0]);
    const after = await owner.json<{ problems: unknown[] }>('/api/automations/problems');
    expect(after.problems).toEqual([expect.objectContaining({ ...problem, count: 4, lastEventKey: 'ask-1003' })]);

    // Another workspace sees none of it.
    expect((await w.zetaClient.json<{ problems: unknown[] }>('/api/automations/problems')).problems).toEqual([]);
    // Nor does an operator assigned only to other groups.
    const teaOnly = await addOperator(w.db, { email: 'tea@acme.test', workspaceId: w.acme.id, role: 'operator', groups: [w.tea.id] }, T0);
    expect((await (await sessionFor(w.app, w.db, teaOnly.id, T0)).json<{ problems: unknown[] }>('/api/automations/problems')).problems).toEqual([]);
  });
});

describe.each(backends)('a rule on a platform that cannot do what it asks, on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('plans the fallback for every event, tells the operator once per problem, and counts it', async () => {
    const made = backend.create();
    const store = await openStore(made.target);
    cleanups.push(made.cleanup, () => store.close());
    const workspaceId = (await ensureWorkspace(store.db, 'acme')).id;
    const id = await addAutomation(store.db, { workspaceId, kind: 'keyword-reply', config: { keywords: ['hours'], reply: 'We open at 9, {name}.', quote: true } });
    const reported: AutomationError[] = [];
    // WeChat as its platform module declares it: posts and mentions, no quoted replies, no mute or ban.
    const wechat = { capabilities: new Set<Capability>(['send', 'mention', 'remove', 'read_messages', 'send_unattended']) };
    const registry = new AutomationRegistry(
      (e) => reported.push(e),
      30_000,
      (platform) => (platform === 'wechat' ? wechat : UNRESTRICTED),
    );
    const ingestor = new Ingestor(store, registry, () => T0);

    const events = Array.from({ length: 50 }, (_, i) => ({ ...asks(i, `m${i}`), platform: 'wechat' }));
    const results = await ingestor.ingest(events, { workspaceId });
    expect(results.every((r) => r.status === 'stored' && r.actions === 1)).toBe(true);

    const outbox = await store.db.selectFrom('outbox').select('action').execute();
    expect(outbox).toHaveLength(50);
    // Sent as a plain message: the platform cannot quote.
    expect(JSON.parse(outbox[0]!.action)).toEqual({ type: 'send_message', groupId: expect.any(Number), text: 'We open at 9, m0.', mentions: [], rule: 'keyword-reply' });
    expect(await listRuleProblems(store.db, workspaceId)).toEqual([
      expect.objectContaining({
        automationId: id,
        kind: 'keyword-reply',
        problem: 'fallback',
        reason: 'send_message needs reply, which wechat cannot do: sent a plain message instead',
        count: 50,
        lastEventKey: 'ask-49',
      }),
    ]);
    // The log hears of it once, not 50 times.
    expect(reported.map((e) => e.message)).toEqual([`automation keyword-reply#${id} on event ask-0: fallback planned: send_message needs reply, which wechat cannot do: sent a plain message instead`]);
  });
});
