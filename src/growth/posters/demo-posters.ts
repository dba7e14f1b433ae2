import type { HearthRuntime } from '../../runtime/hearth-runtime.js';
import { DEFAULT_POSTER_DESIGN, type PosterDesign } from '../../shared/poster-records.js';
import { createCampaign } from '../campaigns/campaign-store.js';
import { createPosterTemplate } from './poster-store.js';

const DAY = 86_400_000;

/** The VIP launch's poster: dark, gold, left-aligned copy, the QR code at the foot. */
const VIP_DESIGN: PosterDesign = {
  background: { kind: 'gradient', from: '#1f1b2e', to: '#3d2f5c', angle: 160 },
  backgroundImage: null,
  title: 'VIP 会员招募\nVIP members wanted',
  body: '{member} 推荐你加入 {group}：\n· 每周一次新品试吃 Weekly tastings\n· 会员专属优惠 Members-only offers\n名额有限，扫码即可申请。Limited places: scan to apply.',
  textColor: '#f5d48a',
  titleSize: 96,
  bodySize: 44,
  align: 'left',
  textTop: 200,
  qr: { x: 540, y: 1340, size: 440 },
  memberName: { x: 300, y: 1540, size: 52 },
};

/**
 * The demo's posters: the default template as the spring baking campaign's poster (a
 * share-a-poster campaign over the macaron groups, so a member's poster renders at once),
 * and a VIP launch template no campaign uses yet. Runs after the growth demo made the groups.
 */
export async function seedDemoPosters(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const { db } = runtime.store;
  const start = now - 10 * DAY;
  const spring = await createPosterTemplate(db, { workspaceId, name: '春季烘焙海报 · Spring baking poster', design: DEFAULT_POSTER_DESIGN, createdBy: 'demo' }, start);
  await createPosterTemplate(db, { workspaceId, name: 'VIP 招募海报 · VIP launch poster', design: VIP_DESIGN, createdBy: 'demo' }, start + DAY);
  const macaron = await db.selectFrom('chat_group').select('id').where('workspace_id', '=', workspaceId).where('external_id', 'in', ['demo-macaron-1', 'demo-macaron-2']).orderBy('id').execute();
  if (macaron.length === 0) return;
  await createCampaign(
    db,
    workspaceId,
    {
      name: '春季烘焙裂变 · Spring baking',
      form: 'poster',
      targets: { groups: macaron.map((g) => Number(g.id)) },
      goal: 3,
      posterTemplateId: spring.id,
      startsAt: new Date(start).toISOString(),
    },
    'demo',
    start,
  );
}
