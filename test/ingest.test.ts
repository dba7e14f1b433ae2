import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAutomation } from '../src/automations/automation-store.js';
import type { EventInput } from '../src/core/event.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { backends } from './helpers/backends.js';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const group = { id: 'room-1', title: 'Bakers' };

function join(member: string, minutes: number, extra: Partial<EventInput> = {}): EventInput {
  return {
    platform: 'sandbox',
    kind: 'member.joined',
    dedupKey: `join-${member}-${minutes}`,
    occurredAt: at(minutes),
    group,
    member: { id: member, name: member.toUpperCase() },
    method: 'link',
    ...extra,
  } as EventInput;
}
function say(member: string, id: string, minutes: number, text = 'hello', replyTo?: string): EventInput {
  return {
    platform: 'sandbox',
    kind: 'message',
    dedupKey: `msg-${id}`,
    occurredAt: at(minutes),
    group,
    actor: { id: member, name: member.toUpperCase() },
    messageId: id,
    text,
    ...(replyTo ? { replyTo } : {}),
  };
}

describe.each(backends)('ingest on $name', (backend) => {
  let runtime: HearthRuntime;
  let cleanup: () => Promise<void>;
  let workspaceId: number;

  beforeEach(async () => {
    const made = backend.create();
    cleanup = made.cleanup;
    runtime = await HearthRuntime.open(made.target, { clock: () => T0 });
    workspaceId = (await ensureWorkspace(runtime.store.db, 'acme')).id;
    await addAutomation(runtime.store.db, { workspaceId, kind: 'welcome', config: { template: 'Welcome {name} to {group}!' } });
  });
  afterEach(async () => {
    await runtime.close();
    await cleanup();
  });

  it('stores, counts and acts on an event delivered three times exactly once', async () => {
    const event = join('ann', 1);
    const first = await runtime.ingest([event], { workspaceId });
    const again = await runtime.ingest([event, event], { workspaceId });
    expect(first[0]).toMatchObject({ status: 'stored', actions: 1 });
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);

    const { db } = runtime.store;
    expect(await db.selectFrom('event').select('id').execute()).toHaveLength(1);
    expect(await db.selectFrom('group_day').selectAll().execute()).toMatchObject([{ day: '2026-03-02', joins: 1, messages: 0 }]);
    const outbox = await db.selectFrom('outbox').select(['action']).execute();
    expect(outbox).toHaveLength(1);
    expect(JSON.parse(outbox[0]!.action)).toMatchObject({ type: 'send_message', text: 'Welcome ANN to Bakers!' });
  });

  it('keeps rollups per group/day and member/group/day as events arrive', async () => {
    await runtime.ingest([join('ann', 0), say('ann', 'm1', 5), say('bob', 'm2', 6, 'hi', 'm1'), say('ann', 'm3', 24 * 60 + 1)], { workspaceId });
    await runtime.ingest([say('bob', 'm2', 6, 'hi', 'm1'), { platform: 'sandbox', kind: 'member.left', dedupKey: 'left-bob', occurredAt: at(30), group, member: { id: 'bob' } }], { workspaceId });
    const { db } = runtime.store;
    const days = await db.selectFrom('group_day').select(['day', 'messages', 'replies', 'joins', 'leaves']).orderBy('day').execute();
    expect(days).toEqual([
      { day: '2026-03-02', messages: 2, replies: 1, joins: 1, leaves: 1 },
      { day: '2026-03-03', messages: 1, replies: 0, joins: 0, leaves: 0 },
    ]);
    const perMember = await db
      .selectFrom('member_group_day')
      .innerJoin('member', 'member.id', 'member_group_day.member_id')
      .select(['member.display_name', 'day', 'messages'])
      .orderBy('day')
      .orderBy('member.display_name')
      .execute();
    expect(perMember).toEqual([
      { display_name: 'ANN', day: '2026-03-02', messages: 1 },
      { display_name: 'BOB', day: '2026-03-02', messages: 1 },
      { display_name: 'ANN', day: '2026-03-03', messages: 1 },
    ]);
    const open = await db.selectFrom('membership').select('member_id').where('left_at', 'is', null).execute();
    expect(open).toHaveLength(1);
  });

  it('rejects a malformed event with a reason naming the field, storing nothing of it', async () => {
    const results = await runtime.ingest([{ ...say('ann', 'm1', 1), occurredAt: 'yesterday' }, say('ann', 'm2', 2)], { workspaceId });
    expect(results[0]).toMatchObject({ status: 'rejected', dedupKey: 'msg-m1' });
    expect((results[0] as { reason: string }).reason).toMatch(/occurredAt/);
    expect(results[1]).toMatchObject({ status: 'stored' });
    expect(await runtime.store.db.selectFrom('event').select('dedup_key').execute()).toEqual([{ dedup_key: 'msg-m2' }]);
  });

  it('records a member who joins, leaves and joins again within one batch as two stays, the second still open', async () => {
    const left = (member: string, minutes: number): EventInput =>
      ({ platform: 'sandbox', kind: 'member.left', dedupKey: `left-${member}-${minutes}`, occurredAt: at(minutes), group, member: { id: member } }) as EventInput;
    await runtime.ingest([join('ann', 0)], { workspaceId });
    await runtime.ingest([join('bob', 1), left('bob', 2), join('bob', 3), left('ann', 4), join('cy', 5)], { workspaceId });
    const { db } = runtime.store;
    const stays = await db
      .selectFrom('membership')
      .innerJoin('member', 'member.id', 'membership.member_id')
      .select(['member.display_name as name', 'joined_at', 'left_at', 'left_reason'])
      .orderBy('membership.id')
      .execute();
    expect(stays).toEqual([
      { name: 'ANN', joined_at: T0, left_at: T0 + 4 * 60_000, left_reason: 'left' },
      { name: 'BOB', joined_at: T0 + 60_000, left_at: T0 + 2 * 60_000, left_reason: 'left' },
      { name: 'BOB', joined_at: T0 + 3 * 60_000, left_at: null, left_reason: null },
      { name: 'CY', joined_at: T0 + 5 * 60_000, left_at: null, left_reason: null },
    ]);
    // A later batch reads the stays back: Bob's open one is closed, not a new one.
    await runtime.ingest([left('bob', 6)], { workspaceId });
    expect(await db.selectFrom('membership').select('id').where('left_at', 'is', null).execute()).toHaveLength(1);
    expect(await db.selectFrom('group_day').select(['joins', 'leaves']).execute()).toEqual([{ joins: 4, leaves: 3 }]);
  });

  it('welcomes a newcomer whose first message reached ingest before their join, in the same batch or an earlier one, and once only', async () => {
    // A batch redelivered after a worker died, or two workers in parallel, can put a join after the member's first words.
    await runtime.ingest([say('bea', 'b1', 2, 'hi all')], { workspaceId });
    const late = await runtime.ingest([join('bea', 1, { inviter: { id: 'ann', name: 'ANN' } } as Partial<EventInput>)], { workspaceId });
    const together = await runtime.ingest([say('cy', 'c1', 4), join('cy', 3)], { workspaceId });
    expect(late[0]).toMatchObject({ status: 'stored', actions: 1 });
    expect(together[1]).toMatchObject({ status: 'stored', actions: 1 });

    const { db } = runtime.store;
    const stays = await db
      .selectFrom('membership')
      .innerJoin('member', 'member.id', 'membership.member_id')
      .select(['member.display_name as name', 'join_method', 'inviter_member_id', 'left_at'])
      .orderBy('membership.id')
      .execute();
    expect(stays.map((s) => [s.name, s.join_method, s.left_at])).toEqual([
      ['BEA', 'link', null],
      ['CY', 'link', null],
    ]);
    expect(stays[0]!.inviter_member_id).not.toBeNull();

    // Leaving and coming back is a second stay: no second welcome.
    await runtime.ingest([{ ...join('bea', 9), kind: 'member.left', dedupKey: 'left-bea' } as EventInput, join('bea', 10)], { workspaceId });
    const welcomes = (await db.selectFrom('outbox').select('action').execute()).map((r) => JSON.parse(r.action).text);
    expect(welcomes).toEqual(['Welcome BEA to Bakers!', 'Welcome CY to Bakers!']);
  });

  it("takes a join that arrives after the member already spoke and left as that stay's join: no second stay, nobody greeted after leaving", async () => {
    const left = (member: string, minutes: number): EventInput =>
      ({ platform: 'sandbox', kind: 'member.left', dedupKey: `left-${member}-${minutes}`, occurredAt: at(minutes), group, member: { id: member } }) as EventInput;
    // Dee's join is in a batch a worker failed on: it comes back after her words and her leaving.
    await runtime.ingest([say('dee', 'd1', 2, 'hi, bye'), left('dee', 3)], { workspaceId });
    const late = await runtime.ingest([join('dee', 1)], { workspaceId });
    // The same within one batch, out of order.
    await runtime.ingest([say('eve', 'e1', 5), left('eve', 6), join('eve', 4)], { workspaceId });
    expect(late[0]).toMatchObject({ status: 'stored', actions: 0 });

    const { db } = runtime.store;
    const stays = await db
      .selectFrom('membership')
      .innerJoin('member', 'member.id', 'membership.member_id')
      .select(['member.display_name as name', 'join_method', 'left_at'])
      .orderBy('membership.id')
      .execute();
    expect(stays.map((s) => [s.name, s.join_method, s.left_at === null ? 'open' : 'left'])).toEqual([
      ['DEE', 'link', 'left'],
      ['EVE', 'link', 'left'],
    ]);
    expect(await db.selectFrom('outbox').select('id').execute()).toEqual([]);
    // Counted as a join and a leave each, all the same.
    expect(await db.selectFrom('group_day').select(['joins', 'leaves']).execute()).toEqual([{ joins: 2, leaves: 2 }]);

    // Coming back later is a new stay, and a first join was already had: no welcome either.
    await runtime.ingest([join('dee', 8)], { workspaceId });
    expect(await db.selectFrom('membership').select('id').where('left_at', 'is', null).execute()).toHaveLength(1);
    expect(await db.selectFrom('outbox').select('id').execute()).toEqual([]);
  });

  it('does not run automations on imported history', async () => {
    const results = await runtime.ingest([join('ann', 1)], { workspaceId, automations: false });
    expect(results[0]).toMatchObject({ status: 'stored', actions: 0 });
    expect(await runtime.store.db.selectFrom('outbox').select('id').execute()).toHaveLength(0);
  });
});

describe.each(backends)('ingest of edits and group renames on $name', (backend) => {
  it("keeps an edit in the log without counting or answering it again, and follows a group's new title", async () => {
    const made = backend.create();
    const runtime = await HearthRuntime.open(made.target, { clock: () => T0 });
    try {
      const { id: workspaceId } = await ensureWorkspace(runtime.store.db, 'acme');
      await addAutomation(runtime.store.db, { workspaceId, kind: 'keyword-reply', config: { keywords: ['price'], reply: 'See the pinned list.' } });
      await addAutomation(runtime.store.db, { workspaceId, kind: 'welcome', config: { template: 'This is {group}' } });
      const asked = say('ann', 'q1', 1, 'what is the price?');
      const edited = { ...asked, dedupKey: 'msg-q1-edit', text: 'what is the price now?', edited: true } as EventInput;
      const renamed = { platform: 'sandbox', kind: 'group.renamed', dedupKey: 'rename-1', occurredAt: at(2), group, title: 'Bakers & Friends' } as EventInput;
      const results = await runtime.ingest([asked, edited, renamed], { workspaceId });
      expect(results.map((r) => r.status === 'stored' && r.actions)).toEqual([1, 0, 0]);
      const { db } = runtime.store;
      expect(await db.selectFrom('event').select('kind').execute()).toHaveLength(3);
      expect(await db.selectFrom('group_day').select(['messages']).execute()).toEqual([{ messages: 1 }]);
      expect(await db.selectFrom('chat_group').select('name').execute()).toEqual([{ name: 'Bakers & Friends' }]);
      // Later events in the same group keep the new title (the cache followed it).
      await runtime.ingest([join('bo', 3)], { workspaceId });
      const welcome = await db.selectFrom('outbox').select('action').where('action', 'like', '%This is%').execute();
      expect(welcome.map((w) => JSON.parse(w.action).text)).toEqual(['This is Bakers & Friends']);
    } finally {
      await runtime.close();
      await made.cleanup();
    }
  });
});
