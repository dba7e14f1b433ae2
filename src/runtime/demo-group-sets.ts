import type { Kysely } from 'kysely';
import { changeGroupTags } from '../groups/group-sets.js';
import type { Database } from '../store/schema.js';

/** The sets a demo operator sorted groups into: by what they are for, and by the team's regions. */
const BY_PURPOSE: Record<string, string[]> = {
  sell: ['付费转化', 'autumn-campaign'],
  service: ['售后服务'],
  network: ['行业人脉'],
  interest: ['兴趣社群'],
};
const REGIONS = ['华东区', '华南区', '华北区'];

/** What each demo group promises its members, by purpose (`002`: the value a member gets for staying). */
const PROMISES: Record<string, string> = {
  sell: 'Members-only prices and early access to every new batch / 群内专享价，新品抢先购',
  service: 'An answer from the team within 30 minutes, 9:00–21:00 / 9:00–21:00 内 30 分钟响应',
  network: 'A curated weekly introduction to someone in your field / 每周一次同行精准对接',
  interest: 'A weekly sharing session and a place to show your work / 每周一次分享会，作品有人点评',
};

/** Puts the demo's groups in sets and gives each the value it promises, as an operator would have. */
export async function seedDemoGroupSets(db: Kysely<Database>, workspaceId: number, now: number): Promise<void> {
  const groups = await db.selectFrom('chat_group').select(['id', 'purpose']).where('workspace_id', '=', workspaceId).orderBy('id').execute();
  for (const [i, g] of groups.entries()) {
    const purpose = g.purpose ?? 'interest';
    await changeGroupTags(db, { id: g.id, workspaceId }, { add: [...(BY_PURPOSE[purpose] ?? []), REGIONS[i % REGIONS.length] as string] }, now);
    const promise = PROMISES[purpose];
    if (promise) await db.updateTable('chat_group').set({ promise }).where('id', '=', g.id).where('promise', 'is', null).execute();
  }
}
