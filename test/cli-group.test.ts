import { afterAll, describe, expect, it } from 'vitest';
import { cliOnFreshData } from './helpers/cli-runner.js';

const { hearth, hearthFails, cleanup } = cliOnFreshData('cli-group');
const lines = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

afterAll(cleanup);

describe('hearth group (CLI): profiles and sets', { timeout: 120_000 }, () => {
  it('sets a profile, puts groups in sets, filters by them, and refuses a bad value naming the option', async () => {
    const bakers = (await hearth('sandbox', 'group', 'add', '【杭州】烘焙交流群')).trim().split(/\s+/).at(-1)!;
    const books = (await hearth('sandbox', 'group', 'add', 'Book club')).trim().split(/\s+/).at(-1)!;
    const [changed] = lines(
      await hearth('group', 'profile', bakers, '--purpose', 'sell', '--type', 'product', '--theme', '烘焙', '--naming-rule', '【{city}】{topic}交流群', '--timezone', 'Asia/Shanghai'),
    );
    expect(changed).toMatchObject({ purpose: 'sell', type: 'product', theme: '烘焙', namingRule: '【{city}】{topic}交流群', timezone: 'Asia/Shanghai' });

    expect(await hearthFails('group', 'profile', bakers, '--type', 'shop')).toMatch(/--type: .*"product"/);
    expect(await hearthFails('group', 'profile', bakers)).toContain('give at least one of');

    expect(lines(await hearth('group', 'add-to-set', bakers, 'Paid,Autumn Campaign'))[0]).toMatchObject({ sets: ['autumn-campaign', 'paid'] });
    await hearth('group', 'add-to-set', 'Book club', 'paid');
    expect(lines(await hearth('group', 'list', '--set', 'paid')).map((g) => g.name)).toEqual(['【杭州】烘焙交流群', 'Book club']);
    expect(lines(await hearth('group', 'list', '--set', 'paid', '--type', 'product')).map((g) => g.id)).toEqual([Number(bakers)]);
    expect(lines(await hearth('group', 'sets'))).toEqual([
      { tag: 'autumn-campaign', groups: 1 },
      { tag: 'paid', groups: 2 },
    ]);
    await hearth('group', 'remove-from-set', books, 'paid');
    expect(lines(await hearth('group', 'show', books))[0]).toMatchObject({ name: 'Book club', sets: [] });
    expect(lines(await hearth('group', 'profile', bakers, '--theme', '-'))[0]).toMatchObject({ theme: null, type: 'product' });
  });
});
