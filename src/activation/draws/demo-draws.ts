import type { HearthRuntime } from '../../runtime/hearth-runtime.js';
import { seededRandom } from './draw-split.js';
import { createDraw, grab, sweepDraws } from './draw-store.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The demo's past draws (made up): when, what, and after how many seconds each member grabbed. */
const DRAWS = [
  { daysAgo: 5, hour: 20, title: '周五晚红包', currency: null, total: 200, shares: 8, minimum: 5, rounds: 1, every: 0, expiresMin: 24 * 60, grabs: [[3, 5, 6, 9, 12, 17, 26, 41]] },
  { daysAgo: 2, hour: 12, title: '午间现金红包', currency: 'CNY', total: 2000, shares: 5, minimum: 100, rounds: 1, every: 0, expiresMin: 24 * 60, grabs: [[8, 15, 33, 70, 152]] },
  {
    daysAgo: 1,
    hour: 9,
    title: '早安红包',
    currency: null,
    total: 100,
    shares: 10,
    minimum: 1,
    rounds: 2,
    every: 30,
    expiresMin: 20,
    grabs: [
      [11, 19, 30, 64, 200, 410],
      [25, 90, 600],
    ],
  },
] as const;

/**
 * The demo's lucky-draw history, made with the real store: three past draws in a lively
 * group without points settings of its own (so the points demo's leaderboards stay as they
 * are) — an emptied points envelope, an emptied cash one, and a two-round draw whose
 * envelopes expired part-claimed with their rest refunded. Their posts belong to the past:
 * the outbox keeps them as sent at their time rather than posting them now.
 */
export async function seedDemoDraws(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const { db } = runtime.store;
  const withPoints = (await db.selectFrom('points_settings').select('group_id').where('workspace_id', '=', workspaceId).where('enabled', '=', 1).execute()).map((r) => r.group_id);
  let groups = db
    .selectFrom('membership as s')
    .innerJoin('chat_group as g', 'g.id', 's.group_id')
    .select(['g.id', 'g.platform', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('g.workspace_id', '=', workspaceId)
    .where('g.platform', '=', 'sandbox')
    .where('s.left_at', 'is', null);
  if (withPoints.length > 0) groups = groups.where('g.id', 'not in', withPoints);
  const group = await groups.groupBy(['g.id', 'g.platform']).orderBy('n', 'desc').orderBy('g.id').limit(1).executeTakeFirst();
  if (!group) return;
  const members = await db
    .selectFrom('membership as s')
    .innerJoin('member as m', 'm.id', 's.member_id')
    .select(['m.id', 'm.display_name'])
    .where('s.group_id', '=', group.id)
    .where('s.left_at', 'is', null)
    .where('m.is_bot', '=', 0)
    .orderBy('m.id')
    .limit(12)
    .execute();
  if (members.length < 8) return;
  const random = seededRandom(2026);
  for (const [d, spec] of DRAWS.entries()) {
    const day = new Date(now - spec.daysAgo * DAY);
    const startsAt = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), spec.hour - 8);
    if (startsAt >= now - DAY / 2) continue;
    const draw = await createDraw(
      db,
      {
        workspaceId,
        groupId: group.id,
        title: spec.title,
        currency: spec.currency,
        total: spec.total,
        shares: spec.shares,
        minimum: spec.minimum,
        rounds: spec.rounds,
        roundIntervalMs: spec.every * MINUTE,
        expiresAfterMs: spec.expiresMin * MINUTE,
        language: 'zh',
        createdBy: 'demo operator',
      },
      startsAt,
      random,
    );
    for (const [r, waits] of spec.grabs.entries()) {
      const opensAt = startsAt + r * spec.every * MINUTE;
      await sweepDraws(db, workspaceId, opensAt);
      for (const [k, seconds] of waits.entries()) {
        const member = members[(k + d * 3 + r) % members.length]!;
        const at = opensAt + seconds * 1000;
        await db
          .transaction()
          .execute((trx) =>
            grab(trx, { workspaceId, group: { id: group.id, platform: group.platform }, member: { id: member.id, name: member.display_name }, word: '抢', key: `demo-draw:${draw.id}:${r}:${k}` }, at),
          );
      }
    }
    await sweepDraws(db, workspaceId, startsAt + spec.rounds * spec.every * MINUTE + spec.expiresMin * MINUTE + MINUTE);
  }
  await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'done', done_at: eb.ref('next_attempt_at') }))
    .where('workspace_id', '=', workspaceId)
    .where('group_id', '=', group.id)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('idempotency_key', 'like', 'demo-draw:%'), eb('idempotency_key', 'like', 'draw-%')]))
    .execute();
}
