import type { SandboxPayload } from '../platforms/sandbox/sandbox-payload.js';
import type { HearthRuntime } from '../runtime/hearth-runtime.js';
import { decideModeration } from './moderation-queue.js';
import { setSpamGuard } from './spam-rule.js';

/** Ads of the kinds groups get, written for the demo (made up: no real contact ids or links). */
const DEMO_SPAM: readonly { from: string; text: string }[] = [
  { from: '星辰小铺', text: '出游戏币 便宜大量 需要的老板加ｖ：ｘｃ２０２６ｓｈｏｐ 私聊' },
  { from: 'Lucky Jobs', text: 'Earn $800/day from home!! 💰 contact me on telegram, add me: +44 7700 900123' },
  { from: '会员福利', text: '免费领取视频会员 👉 vip-free。top 扫码进群，名额有限' },
  { from: '兼职小助手', text: '兼职刷单，日结300+，有意者私聊 加 q 3 8 7 2 9 1 5 6' },
  { from: 'CoinPro', text: 'Crypto signals 100% profit, join t.me/example_signals now, dm me' },
];

/**
 * The demo's moderation queue, made through the real pipeline: the spam rule is on,
 * a few ads arrive in the demo's groups and are taken down, warned about and queued;
 * one has already been confirmed by an operator, one overturned.
 */
export async function seedDemoModeration(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const { db } = runtime.store;
  const rooms = await db.selectFrom('sandbox_room').select(['room', 'title']).orderBy('created_at').limit(3).execute();
  if (rooms.length === 0) return;
  await setSpamGuard(db, workspaceId, true, now);
  runtime.spamRule.invalidate();
  const payloads: SandboxPayload[] = DEMO_SPAM.map((m, i) => {
    const room = rooms[i % rooms.length]!;
    return {
      type: 'message',
      updateId: `demo-spam-${i}`,
      room: room.room,
      roomTitle: room.title,
      at: now - (DEMO_SPAM.length - i) * 7 * 60_000,
      from: { id: `demo-spammer-${i}`, name: m.from },
      messageId: `demo-spam-${i}`,
      text: m.text,
    };
  });
  await runtime.sandboxFor(workspaceId).deliver(payloads);
  await runtime.dispatcher.runDue();
  const queued = await db.selectFrom('moderation_item').select('id').where('workspace_id', '=', workspaceId).orderBy('id').execute();
  if (queued[0]) await decideModeration(db, Number(queued[0].id), 'approved', 'demo operator', now - 60_000);
}
