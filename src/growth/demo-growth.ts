import { sql } from 'kysely';
import type { HearthRuntime } from '../runtime/hearth-runtime.js';
import { ensureGroup } from '../store/groups.js';
import { createInviteCode, createLiveCode } from './code-store.js';

const DAY = 86_400_000;

/** Names for the demo's newcomers (pinyin and English, as a mixed community has them). */
const GIVEN = ['Lin', 'Wei', 'Mei', 'Jun', 'Hao', 'Yan', 'Lei', 'Xin', 'Ning', 'Tao', 'Ava', 'Leo', 'Mia', 'Sam', 'Zoe', 'Kai'];
const FAMILY = ['Chen', 'Wang', 'Li', 'Zhang', 'Liu', 'Zhou', 'Wu', 'Xu', 'Sun', 'Ma'];

/**
 * The demo's codes: a live code over two "macaron bakers" groups (capacity 60) whose
 * first group filled and rolled over, its second now near full so the page asks for
 * a third; and an invitation code for a VIP group with 30 places, 22 taken. Newcomers
 * join through the codes as sandbox traffic through the real pipeline (no rule runs:
 * it is back-story); scans are set a few times the joins, as real scans run.
 */
export async function seedDemoGrowth(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const { db } = runtime.store;
  const start = now - 20 * DAY;
  const groups = [];
  for (const [room, name] of [
    ['demo-macaron-1', '马卡龙烘焙交流 1群 · Macaron bakers 1'],
    ['demo-macaron-2', '马卡龙烘焙交流 2群 · Macaron bakers 2'],
    ['demo-vip', 'VIP 会员群 · VIP members'],
  ] as const) {
    await runtime.sandbox.world.addRoom(name, start, room);
    groups.push(await ensureGroup(db, { workspaceId, platform: 'sandbox', externalId: room, name, profile: { type: room === 'demo-vip' ? 'product' : 'interest' } }, start));
  }
  const [first, second, vip] = groups as [(typeof groups)[number], (typeof groups)[number], (typeof groups)[number]];
  const live = await createLiveCode(db, { workspaceId, name: '马卡龙活码 · Macaron live code', groupIds: [first.id, second.id], capacity: 60, channel: 'moments', campaign: 'spring baking' }, start);
  const invite = await createInviteCode(db, { workspaceId, name: 'VIP 邀请码 · VIP invitation', groupId: vip.id, quantity: 30, channel: 'official_account', campaign: 'vip launch' }, start);

  let n = 0;
  const joins: unknown[] = [];
  const join = (room: string, code: string, at: number) => {
    const name = `${GIVEN[n % GIVEN.length]} ${FAMILY[Math.floor(n / GIVEN.length) % FAMILY.length]}${n >= GIVEN.length * FAMILY.length ? ` ${n}` : ''}`;
    n++;
    joins.push({ type: 'join', updateId: `demo-growth-${n}`, room, at, member: { id: `demo-growth-${n}`, name }, via: 'code', code });
  };
  const spread = (count: number, from: number, to: number) => Array.from({ length: count }, (_, i) => Math.round(from + ((to - from) * (i + 0.5)) / count));
  for (const at of spread(60, start + DAY, start + 12 * DAY)) join('demo-macaron-1', live.code, at);
  for (const at of spread(51, start + 12 * DAY, now - DAY)) join('demo-macaron-2', live.code, at);
  for (const at of spread(22, start + 2 * DAY, now - 2 * DAY)) join('demo-vip', invite.code, at);
  await runtime.deliverSandbox(workspaceId, joins, { automations: false, dispatch: false });

  await db.updateTable('growth_code').set({ scans: sql`374` }).where('id', '=', live.id).execute();
  await db.updateTable('growth_code').set({ scans: sql`63` }).where('id', '=', invite.id).execute();
}
