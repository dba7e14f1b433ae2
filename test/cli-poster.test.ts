import { join } from 'node:path';
import { loadImage } from '@napi-rs/canvas';
import { afterAll, describe, expect, it } from 'vitest';
import { createCampaign } from '../src/growth/campaigns/campaign-store.js';
import { createPosterTemplate } from '../src/growth/posters/poster-store.js';
import { DEFAULT_POSTER_DESIGN } from '../src/shared/poster-records.js';
import { cliOnFreshData } from './helpers/cli-runner.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';

const cli = cliOnFreshData('poster');

afterAll(() => cli.cleanup());

describe('hearth poster (CLI, embedded database)', { timeout: 300_000 }, () => {
  it('lists the templates and writes a member’s 1080×1920 poster, issuing their code; without a public address it says what to set', async () => {
    const target = { kind: 'sqlite' as const, file: join(cli.dataDir, 'hearth.db') };
    const seed = await sandboxFixture(target, Date.now());
    const db = seed.runtime.store.db;
    const group = await seed.sandbox.addGroup('Tea Lovers');
    await seed.sandbox.join(group.id, 'Ann');
    const ann = await db.selectFrom('member').select('id').where('display_name', '=', 'Ann').executeTakeFirstOrThrow();
    const template = await createPosterTemplate(db, { workspaceId: seed.workspace.id, name: 'Spring', design: DEFAULT_POSTER_DESIGN, createdBy: null }, Date.now());
    const campaign = await createCampaign(db, seed.workspace.id, { name: 'Spring fission', form: 'poster', targets: { groups: [group.id] }, goal: 3, posterTemplateId: template.id }, null, Date.now());
    await seed.runtime.close();

    const listed = JSON.parse(await cli.hearth('poster', 'templates', '--json'));
    expect(listed).toMatchObject({ id: template.id, name: 'Spring', campaigns: [{ id: campaign.id, name: 'Spring fission' }] });

    expect(await cli.hearthFails('poster', 'render', 'Spring', '--member', String(ann.id), '--out', join(cli.dataDir, 'x.png'))).toBe(
      'hearth: the QR code needs the address members reach Hearth at: set HEARTH_PUBLIC_URL or pass --base-url https://…\n',
    );

    const out = join(cli.dataDir, 'ann.png');
    const drawn = JSON.parse(await cli.hearth('poster', 'render', 'Spring', '--member', String(ann.id), '--out', out, '--base-url', 'https://h.example', '--json'));
    expect(drawn).toMatchObject({ file: out, template: template.id, member: ann.id, campaign: campaign.id, codeIssued: true });
    expect(drawn.link).toBe(`https://h.example/j/${drawn.code}`);
    const image = await loadImage(out);
    expect([image.width, image.height]).toEqual([1080, 1920]);
  });
});
