import { loadImage } from '@napi-rs/canvas';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POSTER_DESIGN } from '../src/shared/poster-records.js';
import { signIn } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { twoWorkspaces } from './helpers/world-fixture.js';

describe.each(backends)('poster templates API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('previews a design as a 1080×1920 PNG, stores the template, and draws a member’s poster for the campaign using it; bad input is named and stores nothing', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const api = await signIn(w.app, 'owner@acme.test');

    const bad = await api.post('/api/poster-templates', { name: 'Spring', design: { ...DEFAULT_POSTER_DESIGN, qr: { x: 900, y: 100, size: 400 } } });
    expect([bad.status, (await bad.json()).error]).toEqual([400, "design.qr.x: the QR code runs off the poster's right edge (x + size must be at most 1080)"]);
    expect((await api.json('/api/poster-templates')).templates).toEqual([]);

    const preview = await api.post('/api/poster-templates/preview', { design: DEFAULT_POSTER_DESIGN, member: 'Ann' });
    expect([preview.status, preview.headers.get('content-type'), preview.headers.get('x-poster-truncated')]).toEqual([200, 'image/png', '0']);
    const image = await loadImage(Buffer.from(await preview.arrayBuffer()));
    expect([image.width, image.height]).toEqual([1080, 1920]);

    const created = await api.post('/api/poster-templates', { name: 'Spring poster', design: DEFAULT_POSTER_DESIGN });
    expect(created.status).toBe(201);
    const template = await created.json();
    const campaign = await (await api.post('/api/campaigns', { name: 'Spring', form: 'poster', targets: { groups: [w.tea.id] }, goal: 3, posterTemplateId: template.id })).json();
    expect((await api.json('/api/poster-templates')).templates[0]).toMatchObject({ id: template.id, hasImage: false, campaigns: [{ id: campaign.id, name: 'Spring' }] });

    const ann = await w.db.selectFrom('member').select('id').where('display_name', '=', 'ann').executeTakeFirstOrThrow();
    const poster = await api.get(`/api/poster-templates/${template.id}/poster.png?member=${ann.id}`);
    expect([poster.status, poster.headers.get('content-type')]).toEqual([200, 'image/png']);
    const code = await w.db.selectFrom('growth_code').select(['code', 'campaign']).where('inviter_member_id', '=', ann.id).executeTakeFirstOrThrow();
    expect(code.campaign).toBe('Spring');
    const audit = await w.db.selectFrom('audit_log').select('action').where('workspace_id', '=', w.acme.id).where('action', 'like', '%poster%').execute();
    expect(audit.map((a) => a.action)).toEqual(['poster_template.create']);

    const noMember = await api.get(`/api/poster-templates/${template.id}/poster.png`);
    expect([noMember.status, (await noMember.json()).error]).toEqual([400, 'member (?member=<id>) must be a whole number']);
    const inUse = await api.request('DELETE', `/api/poster-templates/${template.id}`);
    expect([inUse.status, (await inUse.json()).error]).toEqual([400, `poster template ${template.id} is the poster of campaign ${campaign.id} (Spring): give them another template first`]);

    // One preview at a time per operator: a second sent while the first renders is a 429 with Retry-After.
    const both = await Promise.all([api.post('/api/poster-templates/preview', { design: DEFAULT_POSTER_DESIGN }), api.post('/api/poster-templates/preview', { design: DEFAULT_POSTER_DESIGN })]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 429]);
    expect(both.find((r) => r.status === 429)!.headers.get('retry-after')).toBe('1');
  });
});
