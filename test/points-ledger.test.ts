import { afterEach, describe, expect, it } from 'vitest';
import { addPoints, balanceOf, earnedOf, InvalidPointsError } from '../src/activation/points/points-ledger.js';
import { openStore } from '../src/store/database.js';
import { backends } from './helpers/backends.js';

const T0 = Date.parse('2026-12-01T10:00:00Z');

describe.each(backends)('points ledger on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function world() {
    const made = backend.create();
    const store = await openStore(made.target);
    cleanups.push(made.cleanup, () => store.close());
    const { db } = store;
    const ws = await db.insertInto('workspace').values({ slug: 'w', name: 'W', created_at: T0 }).returning('id').executeTakeFirstOrThrow();
    const group = await db
      .insertInto('chat_group')
      .values({ workspace_id: ws.id, connection_id: null, platform: 'sandbox', external_id: 'g', name: 'G', timezone: 'Asia/Shanghai', created_at: T0 } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    const member = await db.insertInto('member').values({ workspace_id: ws.id, display_name: 'm', is_bot: 0, first_seen_at: T0, erased_at: null }).returning('id').executeTakeFirstOrThrow();
    return { store, db, workspaceId: ws.id, groupId: group.id, memberId: member.id };
  }

  it('credits once per ref, debits never below zero, and two spends of the last points grant one', async () => {
    const { store, db, workspaceId, groupId, memberId } = await world();
    const base = { workspaceId, groupId, memberId, at: T0 };
    const first = await db.transaction().execute((trx) => addPoints(trx, { ...base, points: 10, reason: 'checkin', ref: 'evt:1' }));
    expect(first).toMatchObject({ status: 'credited', balance: 10 });
    const again = await db.transaction().execute((trx) => addPoints(trx, { ...base, points: 10, reason: 'checkin', ref: 'evt:1' }));
    expect(again.status).toBe('duplicate');
    expect(await balanceOf(db, workspaceId, memberId, groupId)).toBe(10);
    // The day is read in the group's time zone (18:00 in Shanghai).
    expect((await db.selectFrom('points_entry').select('day').executeTakeFirstOrThrow()).day).toBe('2026-12-01');

    const spends = await Promise.all([1, 2, 3].map((n) => store.db.transaction().execute((trx) => addPoints(trx, { ...base, points: -6, reason: 'draw', ref: `draw:${n}` }))));
    expect(spends.filter((s) => s.status === 'credited')).toHaveLength(1);
    expect(spends.filter((s) => s.status === 'insufficient')).toHaveLength(2);
    expect(await balanceOf(db, workspaceId, memberId, groupId)).toBe(4);
    expect(await db.selectFrom('points_entry').select('id').execute()).toHaveLength(2);
    // Spending does not lower lifetime earnings; an operator's negative adjustment does.
    expect(await earnedOf(db, workspaceId, memberId)).toBe(10);
    await db.transaction().execute((trx) => addPoints(trx, { ...base, groupId: null, points: 5, reason: 'adjust', ref: 'adj:1' }));
    await db.transaction().execute((trx) => addPoints(trx, { ...base, points: -3, reason: 'adjust', ref: 'adj:2' }));
    expect(await balanceOf(db, workspaceId, memberId)).toBe(6);
    expect(await balanceOf(db, workspaceId, memberId, null)).toBe(5);
    expect(await earnedOf(db, workspaceId, memberId)).toBe(12);
  });

  it('refuses float points, a bad reason or an empty ref, storing nothing', async () => {
    const { db, workspaceId, groupId, memberId } = await world();
    const base = { workspaceId, groupId, memberId, at: T0, reason: 'task', ref: 'x' };
    await expect(db.transaction().execute((trx) => addPoints(trx, { ...base, points: 1.5 }))).rejects.toThrow(InvalidPointsError);
    await expect(db.transaction().execute((trx) => addPoints(trx, { ...base, points: 1, reason: 'Not A Kind' }))).rejects.toThrow(/reason/);
    await expect(db.transaction().execute((trx) => addPoints(trx, { ...base, points: 1, ref: '' }))).rejects.toThrow(/ref/);
    expect(await db.selectFrom('points_entry').select('id').execute()).toHaveLength(0);
  });
});
