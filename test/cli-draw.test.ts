import { afterAll, describe, expect, it } from 'vitest';
import { cliOnFreshData } from './helpers/cli-runner.js';

const { hearth, hearthFails, cleanup } = cliOnFreshData('cli-draw');

afterAll(cleanup);

describe('hearth draw start / show / list (CLI)', { timeout: 300_000 }, () => {
  it('starts a ¥10.00 cash draw in 3 shares, members grab it in the sandbox, show --json lists each claim at or above the minimum; a bad split is refused naming why', async () => {
    const room = (await hearth('sandbox', 'group', 'add', '抢红包群')).trim().split(/\s+/).at(-1)!;
    const id = (await hearth('draw', 'start', room, '--total', '1000', '--shares', '3', '--min', '100', '--cash', 'CNY', '--expires', '2h')).trim().split(/\s+/).at(-1)!;
    expect(id).toMatch(/^\d+$/);
    expect(await hearth('sandbox', 'say', room, 'ann', '抢')).toMatch(/@ann 你抢到了 ¥\d+\.\d\d/);
    expect(await hearth('sandbox', 'say', room, 'ann', '抢')).toContain('你已经抢过这个红包了');
    await hearth('sandbox', 'say', room, 'bob', '/grab');
    const shown = JSON.parse(await hearth('draw', 'show', id, '--json')) as { currency: string; envelopes: { state: string; shares: number; claims: { name: string; amount: number }[] }[] };
    expect(shown.currency).toBe('CNY');
    expect(shown.envelopes[0]!.state).toBe('open');
    expect(shown.envelopes[0]!.claims.map((c) => c.name)).toEqual(['ann', 'bob']);
    expect(shown.envelopes[0]!.claims.every((c) => c.amount >= 100)).toBe(true);
    expect(await hearth('draw', 'list')).toContain(`${id}\t抢红包群`);
    expect(await hearthFails('draw', 'start', room, '--total', '100', '--shares', '3', '--min', '50')).toContain('3 shares of at least 50 need a total of 150 or more, not 100');
  });
});
