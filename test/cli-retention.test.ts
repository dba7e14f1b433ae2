import { afterAll, describe, expect, it } from 'vitest';
import { cliOnFreshData } from './helpers/cli-runner.js';

const { hearth, hearthFails, cleanup } = cliOnFreshData('cli-retention');

afterAll(cleanup);

const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

describe('hearth group cohorts / cleanup (CLI)', { timeout: 300_000 }, () => {
  it('shows the join cohorts and the cleanup list, removes a listed member through the outbox and refuses bad input', async () => {
    const tea = (await hearth('sandbox', 'group', 'add', 'Tea Lovers')).trim().split(/\s+/).at(-1)!;
    await hearth('sandbox', 'join', tea, 'old-quiet', '--at', ago(100));

    const cohorts = JSON.parse(await hearth('group', 'cohorts', tea, '--weeks', '20', '--json')) as { cohorts: { size: number; cells: { retained: number }[] }[]; churn: unknown[] };
    expect(cohorts.cohorts).toHaveLength(1);
    expect(cohorts.cohorts[0]).toMatchObject({ size: 1 });
    expect(cohorts.cohorts[0]!.cells.every((c) => c.retained === 1)).toBe(true);
    expect(cohorts.churn).toHaveLength(20);

    const list = await hearth('group', 'cleanup', 'Tea Lovers');
    expect(list).toContain('1 to review (ad suspects 0, rule breakers 0, silent 1)');
    expect(list).toContain('old-quiet');

    expect(await hearthFails('group', 'cohorts', tea, '--by', 'month')).toContain('--by takes week or channel, not "month"');
    const removed = JSON.parse(await hearth('group', 'cleanup', tea, '--remove', 'old-quiet')) as { decision: string; planned: string[] };
    expect(removed).toMatchObject({ decision: 'removed', reasons: ['silent'], planned: ['remove_member'] });
    expect(JSON.parse(await hearth('group', 'cleanup', tea, '--json')).entries).toEqual([]);
  });
});
