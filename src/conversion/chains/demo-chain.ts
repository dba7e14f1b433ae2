import type { SandboxPayload } from '../../platforms/sandbox/sandbox-payload.js';
import type { HearthRuntime } from '../../runtime/hearth-runtime.js';
import { startChain } from './chain-store.js';

const MINUTE = 60_000;

/** Buyers who join the chain when the group has few speakers yet (made up for the demo). */
const REGULARS: readonly { from_id: string; from_name: string }[] = [
  { from_id: 'demo-buyer-1', from_name: '草莓妈妈' },
  { from_id: 'demo-buyer-2', from_name: 'Lily' },
  { from_id: 'demo-buyer-3', from_name: '老王' },
  { from_id: 'demo-buyer-4', from_name: 'Chen Jie' },
  { from_id: 'demo-buyer-5', from_name: '小鹿' },
  { from_id: 'demo-buyer-6', from_name: 'Tom' },
];

/** What the demo's members write to the chain, in order (made up for the demo). */
const SIGN_UPS: readonly { member: number; after: number; text: string }[] = [
  { member: 0, after: 6, text: '+1' },
  { member: 1, after: 9, text: '+1 ×2 奶油草莓' },
  { member: 2, after: 14, text: '接龙 红颜草莓 3份' },
  { member: 3, after: 31, text: '+2' },
  { member: 1, after: 40, text: '+1 ×3 奶油草莓 周六下午取' },
  { member: 4, after: 52, text: '+1' },
  { member: 0, after: 61, text: '-1' },
  { member: 5, after: 75, text: '+1 ×2' },
];

/**
 * The demo's group buy, made through the real pipeline: a strawberry chain (quota 30,
 * closing tomorrow) started two hours ago in the demo's liveliest group, and members of
 * that group signing up, changing their line and withdrawing by message since.
 */
export async function seedDemoChain(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const { db } = runtime.store;
  // The demo group with the most people speaking: the buyers are its members.
  const busiest = await db
    .selectFrom('sandbox_message as m')
    .innerJoin('chat_group as g', (j) => j.onRef('g.external_id', '=', 'm.room').on('g.workspace_id', '=', workspaceId).on('g.platform', '=', 'sandbox'))
    .select(['g.id', 'g.name', 'g.external_id', (eb) => eb.fn.count<number>('m.from_id').distinct().as('speakers')])
    .where('m.kind', '=', 'message')
    .where('m.from_bot', '=', 0)
    .groupBy(['g.id', 'g.name', 'g.external_id'])
    .orderBy('speakers', 'desc')
    .orderBy('g.id')
    .limit(1)
    .executeTakeFirst();
  const group =
    busiest ??
    (await db.selectFrom('chat_group').select(['id', 'name', 'external_id']).where('workspace_id', '=', workspaceId).where('platform', '=', 'sandbox').orderBy('id').limit(1).executeTakeFirst());
  if (!group) return;
  const found = await db
    .selectFrom('sandbox_message')
    .select(['from_id', 'from_name'])
    .where('room', '=', group.external_id)
    .where('kind', '=', 'message')
    .where('from_bot', '=', 0)
    .groupBy(['from_id', 'from_name'])
    .orderBy('from_id')
    .limit(6)
    .execute();
  // A young demo (a short history) may have fewer speakers: regulars of the group buy fill in.
  const speakers = [...found, ...REGULARS].slice(0, 6);
  const startedAt = now - 2 * 60 * MINUTE;
  await startChain(
    db,
    { workspaceId, groupId: group.id, title: '周六草莓团购 Saturday strawberries', quota: 30, deadline: now + 24 * 60 * MINUTE, language: 'zh', createdBy: 'demo operator' },
    startedAt,
  );
  const payloads: SandboxPayload[] = SIGN_UPS.map((s, i) => {
    const who = speakers[s.member]!;
    return {
      type: 'message',
      updateId: `demo-chain-${i}`,
      room: group.external_id,
      roomTitle: group.name,
      at: startedAt + s.after * MINUTE,
      from: { id: who.from_id, name: who.from_name },
      messageId: `demo-chain-${i}`,
      text: s.text,
    };
  });
  for (const payload of payloads) await runtime.sandboxFor(workspaceId).deliver([payload]);
  await runtime.dispatcher.runDue();
}
