import { afterEach, describe, expect, it } from 'vitest';
import { addAutomation } from '../src/automations/automation-store.js';
import type { EventInput } from '../src/core/event.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { oneOpenStayMigration } from '../src/store/migrations/0030-one-open-stay.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { backends, type TestBackend } from './helpers/backends.js';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const group = { id: 'room-1', title: 'Bakers' };

const say = (member: string, id: string, minutes: number): EventInput => ({
  platform: 'sandbox',
  kind: 'message',
  dedupKey: `msg-${id}`,
  occurredAt: at(minutes),
  group,
  actor: { id: member, name: member.toUpperCase() },
  messageId: id,
  text: 'hello',
});
const join = (member: string, minutes: number): EventInput =>
  ({ platform: 'sandbox', kind: 'member.joined', dedupKey: `join-${member}`, occurredAt: at(minutes), group, member: { id: member, name: member.toUpperCase() }, method: 'link' }) as EventInput;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Two runtimes on one database: two workers. */
async function workers(backend: TestBackend) {
  const made = backend.create();
  const a = await HearthRuntime.open(made.target, { clock: () => T0 });
  const b = await HearthRuntime.open(made.target, { clock: () => T0 });
  cleanups.push(
    made.cleanup,
    () => a.close(),
    () => b.close(),
  );
  const workspaceId = (await ensureWorkspace(a.store.db, 'acme')).id;
  await addAutomation(a.store.db, { workspaceId, kind: 'welcome', config: { template: 'Welcome {name}!' } });
  return { a, b, workspaceId };
}

const openStays = (runtime: HearthRuntime, room: string) =>
  runtime.store.db
    .selectFrom('membership')
    .innerJoin('identity', 'identity.member_id', 'membership.member_id')
    .innerJoin('chat_group', 'chat_group.id', 'membership.group_id')
    .where('chat_group.external_id', '=', room)
    .select(['identity.external_id', 'membership.joined_at', 'membership.join_method'])
    .where('membership.left_at', 'is', null)
    .orderBy('identity.external_id')
    .execute();

// Embedded SQLite has one writer: two workers at once is queue mode, on PostgreSQL.
describe.each(backends.filter((b) => b.name === 'postgres'))('two workers on $name', (backend) => {
  it('two workers meeting the same newcomers at once open one stay each, and the join that follows is a first join: welcomed', async () => {
    const { a, b, workspaceId } = await workers(backend);
    const people = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    // Known to the workspace already (they spoke in another group), new to this one.
    await a.ingest(
      people.map((p, i) => ({ ...say(p, `elsewhere-${p}`, i), group: { id: 'room-0', title: 'Lobby' } })),
      { workspaceId },
    );
    // Each worker holds a batch where every newcomer speaks (their join is held back elsewhere).
    const results = await Promise.all([
      a.ingest(
        people.map((p, i) => say(p, `a-${p}`, 10 + i)),
        { workspaceId },
      ),
      b.ingest(
        people.map((p, i) => say(p, `b-${p}`, 20 + i)),
        { workspaceId },
      ),
    ]);
    expect(results.flat().every((r) => r.status === 'stored')).toBe(true);
    expect((await openStays(a, 'room-1')).map((s) => s.external_id)).toEqual(people);

    const joins = await a.ingest(
      people.map((p) => join(p, 1)),
      { workspaceId },
    );
    expect(joins.map((r) => (r.status === 'stored' ? r.actions : -1))).toEqual(people.map(() => 1));
    const stays = await openStays(a, 'room-1');
    expect(stays.map((s) => [s.external_id, s.join_method])).toEqual(people.map((p) => [p, 'link']));
    const count = await a.store.db
      .selectFrom('membership')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2 * people.length);
  });
});

describe.each(backends)('one open stay per member and group, on $name', (backend) => {
  it('a database holding a stay opened twice keeps the earliest, with the join it was given, and refuses a second open stay from then on', async () => {
    const { a, workspaceId } = await workers(backend);
    await a.ingest([say('ann', 'm1', 5)], { workspaceId });
    const db = a.store.db;
    const [stay] = await db.selectFrom('membership').selectAll().execute();
    // As a race before the index could leave it: a later stay with the join's details, a third without.
    await db.schema.dropIndex('membership_one_open_idx').execute();
    await db
      .insertInto('membership')
      .values([
        { group_id: stay!.group_id, member_id: stay!.member_id, joined_at: T0 + 9 * 60_000, join_method: 'invite', inviter_member_id: null, code: 'SPRING24', left_at: null, left_reason: null },
        { group_id: stay!.group_id, member_id: stay!.member_id, joined_at: T0 + 7 * 60_000, join_method: null, inviter_member_id: null, code: null, left_at: null, left_reason: null },
      ])
      .execute();
    await oneOpenStayMigration(backend.name === 'sqlite' ? 'sqlite' : 'postgres').up(db);

    const rows = await db.selectFrom('membership').select(['joined_at', 'join_method', 'code', 'left_at']).execute();
    expect(rows.map((r) => [Number(r.joined_at), r.join_method, r.code, r.left_at])).toEqual([[T0 + 5 * 60_000, 'invite', 'SPRING24', null]]);
    await expect(
      db
        .insertInto('membership')
        .values({ group_id: stay!.group_id, member_id: stay!.member_id, joined_at: T0, join_method: null, inviter_member_id: null, code: null, left_at: null, left_reason: null })
        .execute(),
    ).rejects.toThrow(/unique/i);
    // A closed stay beside the open one is a past stay, and allowed.
    await db
      .insertInto('membership')
      .values({ group_id: stay!.group_id, member_id: stay!.member_id, joined_at: T0 - 60_000, join_method: 'link', inviter_member_id: null, code: null, left_at: T0, left_reason: 'left' })
      .execute();
    expect(await db.selectFrom('membership').select('id').execute()).toHaveLength(2);
  });

  it('linking two members who are both in a group leaves one stay there, from the earlier join', async () => {
    const { a, workspaceId } = await workers(backend);
    await a.ingest([join('ann', 1), say('ann-alt', 'm2', 3)], { workspaceId });
    const members = await a.store.db.selectFrom('identity').select(['member_id', 'external_id']).orderBy('external_id').execute();
    await a.linkMembers(workspaceId, members[0]!.member_id, members[1]!.member_id);
    const stays = await a.store.db.selectFrom('membership').select(['member_id', 'joined_at', 'join_method', 'left_at']).execute();
    expect(stays.map((s) => [s.member_id, Number(s.joined_at), s.join_method, s.left_at])).toEqual([[members[0]!.member_id, T0 + 60_000, 'link', null]]);
  });
});
