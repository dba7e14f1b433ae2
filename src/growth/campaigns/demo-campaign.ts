import type { HearthRuntime } from '../../runtime/hearth-runtime.js';
import { ensureGroup } from '../../store/groups.js';
import { sweepCampaigns } from './campaign-rule.js';
import { createCampaign, personalCode } from './campaign-store.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * One friend in the demo's invite tree: who brought them, when (hours after the start),
 * and what they did: `left` hours after joining, never `silent`, or still to speak.
 */
interface DemoFriend {
  name: string;
  by: string;
  at: number;
  left?: number;
  silent?: boolean;
}

/** The seed members who took part first (members of the group before the campaign). */
const INVITERS = ['周小满 Zhou', '林夏 Lin', 'Mia Wu', '陈一 Chen', 'Leo Ma', '许诺 Xu'];

/**
 * The demo's tree: Zhou brings seven (one left within the window, one never spoke),
 * one of hers (Ava) goes on to bring three of her own, and one of those one more,
 * four levels in all; Lin brings four, one still within the hours to speak; the
 * others fewer. Times are hours after the campaign began.
 */
const FRIENDS: DemoFriend[] = [
  { name: 'Ava 安', by: '周小满 Zhou', at: 4 },
  { name: '王可 Wang', by: '周小满 Zhou', at: 9 },
  { name: '刘星 Liu', by: '周小满 Zhou', at: 15, left: 6 },
  { name: 'Sam 孙', by: '周小满 Zhou', at: 22 },
  { name: '马丁 Ma', by: '周小满 Zhou', at: 30, silent: true },
  { name: 'Zoe 张', by: '周小满 Zhou', at: 41 },
  { name: '吴桐 Wu', by: '周小满 Zhou', at: 60 },
  { name: '韩梅 Han', by: 'Ava 安', at: 20 },
  { name: 'Kai 凯', by: 'Ava 安', at: 33 },
  { name: '苏苏 Su', by: 'Ava 安', at: 52 },
  { name: '叶子 Ye', by: '韩梅 Han', at: 70 },
  { name: '高远 Gao', by: '林夏 Lin', at: 12 },
  { name: 'Nina 倪', by: '林夏 Lin', at: 26 },
  { name: '宋雨 Song', by: '林夏 Lin', at: 48 },
  { name: 'Tom 唐', by: '林夏 Lin', at: 142 },
  { name: '何欢 He', by: 'Mia Wu', at: 18 },
  { name: 'Lily 李', by: 'Mia Wu', at: 64 },
  { name: '程橙 Cheng', by: 'Mia Wu', at: 90 },
  { name: '邓迪 Deng', by: '陈一 Chen', at: 36, left: 30 },
  { name: 'Max 毛', by: '陈一 Chen', at: 80 },
  { name: '黎明 Li', by: 'Leo Ma', at: 100 },
];

/**
 * The demo's running fission campaign: "invite 3 friends" into a journaling group,
 * with a 48-hour fraud window and "must speak within 24 hours", tiers of a sticker
 * pack (3), the VIP group (5) and exchanging business cards (10). Members join
 * through their personal codes as sandbox traffic through the real pipeline (no rule
 * runs: it is back-story); the campaigns' sweep then reads the friends back from
 * the memberships and the event log, counts them and grants the rewards, as it does
 * after a history import.
 */
export async function seedDemoCampaign(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const { db } = runtime.store;
  const start = now - 6 * DAY;
  const before = start - 20 * DAY;
  await runtime.sandbox.world.addRoom('手账交流群 · Journaling club', before, 'demo-journal');
  const group = await ensureGroup(db, { workspaceId, platform: 'sandbox', externalId: 'demo-journal', name: '手账交流群 · Journaling club', profile: { type: 'interest' } }, before);
  const vip = await db.selectFrom('chat_group').select('id').where('workspace_id', '=', workspaceId).where('external_id', '=', 'demo-vip').executeTakeFirst();

  let n = 0;
  const person = (name: string) => ({ id: `demo-fission-${name}`, name });
  const join = (name: string, at: number, code?: string) => ({
    type: 'join',
    updateId: `demo-fission-${++n}`,
    room: 'demo-journal',
    at,
    member: person(name),
    via: code ? 'code' : 'link',
    ...(code ? { code } : {}),
  });
  const say = (name: string, at: number, text: string) => ({ type: 'message', updateId: `demo-fission-${++n}`, room: 'demo-journal', at, from: person(name), messageId: `demo-fission-m${n}`, text });
  const leave = (name: string, at: number) => ({ type: 'leave', updateId: `demo-fission-${++n}`, room: 'demo-journal', at, member: person(name) });
  const deliver = (payloads: unknown[]) => runtime.deliverSandbox(workspaceId, payloads, { automations: false, dispatch: false });

  await deliver(INVITERS.flatMap((name, i) => [join(name, before + i * DAY), say(name, before + i * DAY + HOUR, '今天的手账排版 · today’s spread')]));
  const campaign = await createCampaign(
    db,
    workspaceId,
    {
      name: '邀 3 位好友 · Invite 3 friends',
      form: 'invite',
      targets: { groups: [group.id] },
      goal: 3,
      fraudHours: 48,
      speakWithinHours: 24,
      language: 'zh',
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(now + 8 * DAY).toISOString(),
      tiers: [
        { threshold: 3, label: '手账贴纸包 · Sticker pack', reward: { kind: 'manual', note: '手账贴纸包 · Sticker pack' } },
        ...(vip ? [{ threshold: 5, label: 'VIP 会员群 · VIP group', reward: { kind: 'vip_invite' as const, groupId: vip.id } }] : []),
        { threshold: 10, label: '交换名片 · Exchange business cards', reward: { kind: 'manual', note: '交换名片 · Exchange business cards' } },
      ],
    },
    'demo',
    start,
  );

  const codes = new Map<string, string>();
  const codeOf = async (name: string) => {
    let code = codes.get(name);
    if (!code) {
      const member = await db.selectFrom('member').select('id').where('workspace_id', '=', workspaceId).where('display_name', '=', name).executeTakeFirstOrThrow();
      code = (await personalCode(db, campaign, member.id, start)).code;
      codes.set(name, code);
    }
    return code;
  };
  for (const name of INVITERS) await codeOf(name);
  // Level by level: a friend's own code is made once they have joined.
  let pending = [...FRIENDS];
  while (pending.length > 0) {
    const ready = pending.filter((f) => codes.has(f.by) || INVITERS.includes(f.by));
    if (ready.length === 0) break;
    const payloads: unknown[] = [];
    for (const f of ready) {
      const at = start + f.at * HOUR;
      payloads.push(join(f.name, at, await codeOf(f.by)));
      if (!f.silent && start + f.at * HOUR + 3 * HOUR < now) payloads.push(say(f.name, at + 2 * HOUR, '大家好，来学手账 · hi all'));
      if (f.left !== undefined) payloads.push(leave(f.name, at + f.left * HOUR));
    }
    payloads.sort((a, b) => (a as { at: number }).at - (b as { at: number }).at);
    await deliver(payloads);
    for (const f of ready) if (FRIENDS.some((g) => g.by === f.name)) await codeOf(f.name);
    pending = pending.filter((f) => !ready.includes(f));
  }
  await sweepCampaigns(db, workspaceId, now, { tell: false });
}
