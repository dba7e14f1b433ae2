import { createCanvas, loadImage } from '@napi-rs/canvas';
import jsQR from 'jsqr';
import { afterEach, describe, expect, it } from 'vitest';
import { createCampaign } from '../src/growth/campaigns/campaign-store.js';
import { seedDemoGrowth } from '../src/growth/demo-growth.js';
import { seedDemoPosters } from '../src/growth/posters/demo-posters.js';
import { LATIN_BOLD_FAMILY, LATIN_FAMILY } from '../src/growth/posters/poster-fonts.js';
import { breakPieces, layoutPoster, wrapText, type MeasureText } from '../src/growth/posters/poster-layout.js';
import { renderPoster } from '../src/growth/posters/poster-render.js';
import { createPosterTemplate, deletePosterTemplate, getPosterTemplate, listPosterTemplates, memberPosterContent, updatePosterTemplate } from '../src/growth/posters/poster-store.js';
import { InvalidPosterTemplateError, parsePosterDesign } from '../src/growth/posters/poster-template.js';
import { DEFAULT_POSTER_DESIGN, POSTER_HEIGHT, POSTER_WIDTH, type PosterDesign } from '../src/shared/poster-records.js';
import { PREVIEWS_PER_MINUTE, PreviewLimiter } from '../src/server/routes/poster-routes.js';
import { backends } from './helpers/backends.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';

const T0 = Date.parse('2026-07-10T12:00:00Z');
/** A stand-in measure: every character is `size` wide (CJK-like), a space half that. */
const monospace: MeasureText = (text, size) => [...text].reduce((w, ch) => w + (ch === ' ' ? size / 2 : size), 0);

/** The RGBA pixels of a PNG's rectangle. */
async function pixels(png: Buffer, box: { x: number; y: number; width: number; height: number }) {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return { width: image.width, height: image.height, data: ctx.getImageData(box.x, box.y, box.width, box.height).data };
}

describe('poster layout (pure)', () => {
  it('breaks Chinese between characters, keeps closing punctuation off a line start and opening punctuation off a line end', () => {
    expect(breakPieces('扫码入群，参加「春季」活动')).toEqual(['扫', '码', '入', '群，', '参', '加', '「春', '季」', '活', '动']);
    expect(breakPieces('Scan to join 群')).toEqual(['Scan', ' ', 'to', ' ', 'join', ' ', '群']);
    // 5 characters of 10 px fit in 50 px: the comma rides with the character before it.
    expect(wrapText('扫码入群啊，参加活动', 50, 10, 'regular', monospace)).toEqual(['扫码入群', '啊，参加活', '动']);
  });

  it('wraps English between words, cuts a word longer than the line, and keeps explicit and blank lines', () => {
    expect(wrapText('Scan to join the bakers', 60, 10, 'regular', monospace)).toEqual(['Scan', 'to', 'join', 'the', 'bakers']);
    expect(wrapText('Scan to join', 100, 10, 'regular', monospace)).toEqual(['Scan to', 'join']);
    expect(wrapText('Supercalifragilistic', 80, 10, 'regular', monospace)).toEqual(['Supercal', 'ifragili', 'stic']);
    expect(wrapText('第一行\n\nline three', 500, 10, 'regular', monospace)).toEqual(['第一行', '', 'line three']);
  });

  it('fills the variables, stops above the QR code with "…" and centres the member’s name on its point', () => {
    const design: PosterDesign = { ...DEFAULT_POSTER_DESIGN, title: '{member} 邀请你', body: '好'.repeat(2000 / 2).slice(0, 900), textTop: 100, qr: { x: 290, y: 600, size: 400 } };
    const layout = layoutPoster(design, { member: '林', campaign: 'c', group: 'g' }, monospace);
    expect(layout.lines[0]).toMatchObject({ text: '林 邀请你', weight: 'bold', align: 'center', x: POSTER_WIDTH / 2, y: 100 });
    expect(layout.truncated).toBe(true);
    const last = layout.lines[layout.lines.length - 1]!;
    expect(last.text.endsWith('…')).toBe(true);
    expect(last.y + last.size * 1.3).toBeLessThanOrEqual(600 - 40 + 1);
    expect(layout.memberName).toMatchObject({ text: '林', x: 540, y: design.memberName.y, align: 'center' });
  });
});

describe('preview limit', () => {
  it('lets an operator render one preview at a time and PREVIEWS_PER_MINUTE a minute, then names the wait', () => {
    let now = T0;
    const limiter = new PreviewLimiter(() => now);
    const first = limiter.acquire('a');
    expect(typeof first).toBe('function');
    expect(limiter.acquire('a')).toBe(1);
    expect(typeof limiter.acquire('b')).toBe('function');
    (first as () => void)();
    for (let i = 1; i < PREVIEWS_PER_MINUTE; i++) {
      now += 1000;
      (limiter.acquire('a') as () => void)();
    }
    expect(limiter.acquire('a')).toBe(60 - (PREVIEWS_PER_MINUTE - 1));
    now = T0 + 60_001;
    expect(typeof limiter.acquire('a')).toBe('function');
  });
});

describe('poster template validation', () => {
  const bad = (change: Partial<PosterDesign> | Record<string, unknown>) => () => parsePosterDesign({ ...DEFAULT_POSTER_DESIGN, ...change });

  it('names the field that is wrong', () => {
    expect(bad({ textColor: 'red' })).toThrow('textColor: must be a colour written #rrggbb');
    expect(bad({ qr: { x: 800, y: 1200, size: 400 } })).toThrow("qr.x: the QR code runs off the poster's right edge");
    expect(bad({ qr: { x: 100, y: 1800, size: 400 } })).toThrow("qr.y: the QR code runs off the poster's bottom edge");
    expect(bad({ title: ' ', body: '' })).toThrow('title: a poster needs a title or a body');
    expect(bad({ background: { kind: 'gradient', from: '#000000', to: '#ffffff', angle: 400 } })).toThrow(/background\.angle/);
    expect(bad({ backgroundImage: 'data:text/html;base64,PGI+' })).toThrow('backgroundImage: must be a data:image/png, image/jpeg or image/webp URL in base64');
    expect(bad({ backgroundImage: `data:image/png;base64,${'A'.repeat(1_000_000)}` })).toThrow(/backgroundImage: must be an image of at most 700 KB/);
    expect(bad({ extra: 1 })).toThrow(InvalidPosterTemplateError);
    expect(parsePosterDesign(DEFAULT_POSTER_DESIGN)).toEqual(DEFAULT_POSTER_DESIGN);
  });
});

describe('a member’s poster', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('renders real Chinese glyphs from the shipped font, and its QR code decodes to the member’s personal /j/ link', async () => {
    const made = backends[0]!.create();
    const f = await sandboxFixture(made.target, T0);
    cleanups.push(made.cleanup, () => f.runtime.close());
    const db = f.runtime.store.db;
    const group = await f.sandbox.addGroup('马卡龙烘焙交流群');
    await f.sandbox.join(group.id, '林小雨');
    const member = await db.selectFrom('member').select('id').where('display_name', '=', '林小雨').executeTakeFirstOrThrow();
    const design: PosterDesign = { ...DEFAULT_POSTER_DESIGN, title: '邀请好友扫码入群', body: '春季烘焙裂变活动，{member} 邀请你加入 {group}' };
    const template = await createPosterTemplate(db, { workspaceId: f.workspace.id, name: 'Spring', design, createdBy: 'test' }, T0);
    const campaign = await createCampaign(db, f.workspace.id, { name: '春季烘焙', form: 'poster', targets: { groups: [group.id] }, goal: 3, posterTemplateId: template.id }, 'test', T0);

    const content = await memberPosterContent(db, { workspaceId: f.workspace.id, templateId: template.id, memberId: member.id, baseUrl: 'https://hearth.example.com/' }, T0);
    expect(content).toMatchObject({ member: '林小雨', campaign: '春季烘焙', group: '马卡龙烘焙交流群', campaignId: campaign.id, created: true });
    expect(content.link).toBe(`https://hearth.example.com/j/${content.code}`);
    const code = await db.selectFrom('growth_code').selectAll().where('code', '=', content.code).executeTakeFirstOrThrow();
    expect([Number(code.inviter_member_id), code.campaign, code.channel]).toEqual([member.id, '春季烘焙', 'poster']);
    // The member's code is kept: a second poster carries the same link.
    expect((await memberPosterContent(db, { workspaceId: f.workspace.id, templateId: template.id, memberId: member.id, baseUrl: 'https://hearth.example.com' }, T0)).link).toBe(content.link);

    const poster = await renderPoster(design, content);
    const area = poster.layout.textArea;
    const ours = await pixels(poster.png, area);
    expect([ours.width, ours.height]).toEqual([POSTER_WIDTH, POSTER_HEIGHT]);
    // The same text in the same place, set in a font with no CJK glyphs (Noto Sans' Latin subset).
    const latinOnly = await renderPoster(design, content, { fontStacks: { regular: `"${LATIN_FAMILY}"`, bold: `"${LATIN_BOLD_FAMILY}"` } });
    const theirs = await pixels(latinOnly.png, area);
    const background = await pixels((await renderPoster({ ...design, title: '', body: '' }, content)).png, area);
    let differ = 0;
    let ink = 0;
    for (let i = 0; i < ours.data.length; i += 4) {
      if (Math.abs(ours.data[i]! - theirs.data[i]!) > 40) differ++;
      if (Math.abs(ours.data[i]! - background.data[i]!) > 40) ink++;
    }
    const total = ours.data.length / 4;
    expect(ink / total).toBeGreaterThan(0.03);
    expect(differ / total).toBeGreaterThan(0.02);

    const qr = poster.layout.qr;
    const square = await pixels(poster.png, { x: qr.x, y: qr.y, width: qr.size, height: qr.size });
    expect(jsQR(new Uint8ClampedArray(square.data), qr.size, qr.size)?.data).toBe(content.link);
  });
});

describe("the demo's posters", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('hold two templates, the first the poster of a share-a-poster campaign over the macaron groups, so a member’s poster has a campaign at once', async () => {
    const made = backends[0]!.create();
    const f = await sandboxFixture(made.target, T0);
    cleanups.push(made.cleanup, () => f.runtime.close());
    const db = f.runtime.store.db;
    await seedDemoGrowth(f.runtime, f.workspace.id, T0);
    await seedDemoPosters(f.runtime, f.workspace.id, T0);
    const templates = await listPosterTemplates(db, f.workspace.id);
    expect(templates.map((t) => [t.name, t.campaigns.map((c) => c.name)])).toEqual([
      ['VIP 招募海报 · VIP launch poster', []],
      ['春季烘焙海报 · Spring baking poster', ['春季烘焙裂变 · Spring baking']],
    ]);
    const baker = await db
      .selectFrom('membership as ms')
      .innerJoin('chat_group as g', 'g.id', 'ms.group_id')
      .select('ms.member_id')
      .where('g.external_id', '=', 'demo-macaron-2')
      .executeTakeFirstOrThrow();
    const content = await memberPosterContent(db, { workspaceId: f.workspace.id, templateId: templates[1]!.id, memberId: baker.member_id, baseUrl: 'https://demo.example' }, T0);
    expect(content.group).toBe('马卡龙烘焙交流 2群 · Macaron bakers 2');
  });
});

describe.each(backends)('poster templates in the store on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('stores, lists without the image, updates and deletes a template; bad input and a template in use are refused naming why', async () => {
    const made = backend.create();
    const f = await sandboxFixture(made.target, T0);
    cleanups.push(made.cleanup, () => f.runtime.close());
    const db = f.runtime.store.db;
    const ws = f.workspace.id;
    await expect(createPosterTemplate(db, { workspaceId: ws, name: 'x', design: { ...DEFAULT_POSTER_DESIGN, textColor: '#12' }, createdBy: null }, T0)).rejects.toThrow('textColor');
    await expect(createPosterTemplate(db, { workspaceId: ws, name: ' ', design: DEFAULT_POSTER_DESIGN, createdBy: null }, T0)).rejects.toThrow('name: must be 1 to 100 characters');
    expect(await listPosterTemplates(db, ws)).toEqual([]);

    const image = `data:image/png;base64,${createCanvas(4, 4).toBuffer('image/png').toString('base64')}`;
    const t = await createPosterTemplate(db, { workspaceId: ws, name: 'Spring', design: { ...DEFAULT_POSTER_DESIGN, backgroundImage: image }, createdBy: 'ann' }, T0);
    expect(t.design.backgroundImage).toBe(image);
    const [listed] = await listPosterTemplates(db, ws);
    expect(listed).toMatchObject({ id: t.id, name: 'Spring', hasImage: true, campaigns: [] });
    expect('backgroundImage' in listed!.design).toBe(false);

    const updated = await updatePosterTemplate(db, ws, t.id, { name: 'Spring 2', design: { ...DEFAULT_POSTER_DESIGN, title: '新标题' } }, T0 + 1);
    expect([updated.name, updated.design.title, updated.design.backgroundImage, updated.updatedAt]).toEqual(['Spring 2', '新标题', null, T0 + 1]);

    const group = await f.sandbox.addGroup('Bakers');
    const campaign = await createCampaign(db, ws, { name: 'Spring', form: 'poster', targets: { groups: [group.id] }, goal: 3, posterTemplateId: t.id }, 'test', T0);
    await expect(deletePosterTemplate(db, ws, t.id)).rejects.toThrow(`is the poster of campaign ${campaign.id} (Spring)`);
    await db.updateTable('campaign').set({ poster_template_id: null }).where('id', '=', campaign.id).execute();
    await deletePosterTemplate(db, ws, t.id);
    await expect(getPosterTemplate(db, ws, t.id)).rejects.toThrow(`no poster template ${t.id}`);
  });
});
