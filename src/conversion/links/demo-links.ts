import type { HearthRuntime } from '../../runtime/hearth-runtime.js';
import { childLink, createLink, recordConversion } from './link-store.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A small deterministic generator (the demo looks the same on every machine). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * The demo's tracked links: three campaigns (a baking class posted in groups, an
 * annual membership on the official account, a tasting announced on Weibo), each
 * with a code per group and per a few members, clicked over the last three weeks,
 * and purchases that came back for some of the clickers, so the Conversions page
 * shows first and last touch that differ, revenue in CNY minor units and rates.
 */
export async function seedDemoLinks(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const { db } = runtime.store;
  const groups = await db.selectFrom('chat_group').select(['id']).where('workspace_id', '=', workspaceId).orderBy('id').limit(3).execute();
  if (groups.length === 0) return;
  const start = now - 21 * DAY;
  const random = lcg(2024);
  const campaigns = [
    { campaign: '春季烘焙课 · Spring baking class', channel: 'poster', targetUrl: 'https://shop.example.com/courses/spring-baking', price: 19_900 },
    { campaign: '会员年卡 · Annual membership', channel: 'official_account', targetUrl: 'https://shop.example.com/membership', price: 36_800 },
    { campaign: '新品试吃 · New product tasting', channel: 'weibo', targetUrl: 'https://shop.example.com/tasting', price: 2_990 },
  ];
  const clicks: { workspace_id: number; link_id: number; member_id: number | null; group_id: number | null; clicked_at: number }[] = [];
  const memberLinks: { linkId: number; memberId: number; price: number }[] = [];
  for (const [ci, c] of campaigns.entries()) {
    const root = await createLink(db, { workspaceId, ...c, createdBy: 'demo' }, start + ci * DAY);
    for (const [gi, g] of groups.entries()) {
      const groupLink = await childLink(db, { workspaceId, linkId: root.id, groupId: g.id, memberId: null, createdBy: 'demo' }, start + ci * DAY);
      const n = 12 + Math.floor(random() * 30) - gi * 4;
      for (let i = 0; i < n; i++) clicks.push({ workspace_id: workspaceId, link_id: groupLink.id, member_id: null, group_id: g.id, clicked_at: start + ci * DAY + Math.floor(random() * 18 * DAY) });
      const members = await db
        .selectFrom('membership as ms')
        .innerJoin('member as m', 'm.id', 'ms.member_id')
        .select('m.id')
        .where('ms.group_id', '=', g.id)
        .where('m.is_bot', '=', 0)
        .orderBy('m.id')
        .offset(ci * 3)
        .limit(4)
        .execute();
      for (const m of members) {
        const link = await childLink(db, { workspaceId, linkId: root.id, groupId: g.id, memberId: m.id, createdBy: 'demo' }, start + ci * DAY);
        const times = 1 + Math.floor(random() * 3);
        for (let i = 0; i < times; i++)
          clicks.push({ workspace_id: workspaceId, link_id: link.id, member_id: m.id, group_id: g.id, clicked_at: start + ci * DAY + HOUR + Math.floor(random() * 17 * DAY) });
        memberLinks.push({ linkId: link.id, memberId: m.id, price: c.price });
      }
    }
    for (let i = 0; i < 25 + ci * 10; i++)
      clicks.push({ workspace_id: workspaceId, link_id: root.id, member_id: null, group_id: null, clicked_at: start + ci * DAY + Math.floor(random() * 18 * DAY) });
  }
  await db.insertInto('link_click').values(clicks).execute();
  const counts = new Map<number, number>();
  for (const k of clicks) counts.set(k.link_id, (counts.get(k.link_id) ?? 0) + 1);
  for (const [id, n] of counts) await db.updateTable('tracked_link').set({ clicks: n }).where('id', '=', id).execute();
  // Purchases: about half the members who clicked bought, a day or two after their last click.
  let order = 0;
  for (const ml of memberLinks) {
    if (random() < 0.5) continue;
    const last = clicks.filter((k) => k.member_id === ml.memberId).reduce((t, k) => Math.max(t, k.clicked_at), 0);
    const at = Math.min(now - HOUR, last + HOUR + Math.floor(random() * 2 * DAY));
    order++;
    await recordConversion(db, workspaceId, { id: `demo-order-${1000 + order}`, amountMinor: ml.price, currency: 'CNY', member: { memberId: ml.memberId }, code: null, at }, 'demo', now);
  }
}
