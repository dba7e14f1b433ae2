import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTier } from '../src/cli/commands/campaign-command.js';
import { getCampaign, personalCode } from '../src/growth/campaigns/campaign-store.js';
import { cliOnFreshData } from './helpers/cli-runner.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';

const cli = cliOnFreshData('campaign');
const lastWord = (out: string) => out.trim().split(/\s+/).at(-1)!;

afterAll(() => cli.cleanup());

describe('hearth campaign (CLI, embedded database)', { timeout: 300_000 }, () => {
  it('reads tiers as threshold:kind:argument:label, and names what is missing', () => {
    expect(parseTier('20:vip:7:VIP group')).toEqual({ threshold: 20, label: 'VIP group', reward: { kind: 'vip_invite', groupId: 7 } });
    expect(parseTier('5:role:3/initiator:Initiator')).toEqual({ threshold: 5, label: 'Initiator', reward: { kind: 'role', groupId: 3, role: 'initiator' } });
    expect(parseTier('200:manual:Exchange business cards')).toEqual({ threshold: 200, label: 'Exchange business cards', reward: { kind: 'manual', note: 'Exchange business cards' } });
    expect(() => parseTier('20:vip:7')).toThrow('--tier "20:vip:7": an argument and a label are needed');
    expect(() => parseTier('5:role:3/king:King')).toThrow('the role is one of');
  });

  it('adds a campaign over a group and shows the progress and the tree of friends who joined through a member’s code', async () => {
    const target = { kind: 'sqlite' as const, file: join(cli.dataDir, 'hearth.db') };
    const seed = await sandboxFixture(target, Date.now());
    const group = await seed.sandbox.addGroup('Tea Lovers');
    await seed.sandbox.join(group.id, 'Ann');
    await seed.runtime.close();

    const id = lastWord(await cli.hearth('campaign', 'add', 'Spring fission', '--groups', String(group.id), '--goal', '2', '--tier', '2:manual:Exchange business cards', '--language', 'en'));
    expect(id).toMatch(/^\d+$/);

    const again = await sandboxFixture(target, Date.now());
    const db = again.runtime.store.db;
    const ann = await db.selectFrom('member').select('id').where('display_name', '=', 'Ann').executeTakeFirstOrThrow();
    const { code } = await personalCode(db, await getCampaign(db, again.workspace.id, Number(id)), ann.id, Date.now());
    for (const friend of ['Bo', 'Cy']) await again.sandbox.join(group.id, friend, { code });
    await again.runtime.close();

    const shown = JSON.parse(await cli.hearth('campaign', 'show', id, '--json'));
    expect(shown.progress.map((p: { name: string; counted: number; completed: boolean }) => [p.name, p.counted, p.completed])).toEqual([['Ann', 2, true]]);
    expect(shown.rewards.map((r: { label: string; kind: string }) => [r.label, r.kind])).toEqual([['Exchange business cards', 'manual']]);
    expect(await cli.hearth('campaign', 'tree', id)).toMatch(/^Ann \(#\d+\), 2 counted\n {2}Bo \(#\d+\) counted\n {2}Cy \(#\d+\) counted\n$/);
  });
});
