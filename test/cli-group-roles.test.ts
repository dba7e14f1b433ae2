import { afterAll, describe, expect, it } from 'vitest';
import { cliOnFreshData } from './helpers/cli-runner.js';

const { hearth, hearthFails, cleanup } = cliOnFreshData('cli-roles');

afterAll(cleanup);

describe('hearth group roles / set-role (CLI)', { timeout: 120_000 }, () => {
  it('sets members’ roles by name, shows the staff with the staffing findings, and refuses an unknown role or member', async () => {
    const tea = (await hearth('sandbox', 'group', 'add', 'Tea Lovers')).trim().split(/\s+/).at(-1)!;
    await hearth('sandbox', 'join', tea, 'ann');
    await hearth('sandbox', 'say', tea, 'ann', 'hello');

    const set = JSON.parse(await hearth('group', 'set-role', tea, 'ann', 'administrator,owner')) as { memberId: number; roles: string[] };
    expect(set.roles).toEqual(['owner', 'administrator']);
    const shown = JSON.parse(await hearth('group', 'roles', tea, '--json')) as { members: unknown[]; figures: unknown; findings: { check: string }[] };
    expect(shown.members).toEqual([{ memberId: set.memberId, name: 'ann', present: true, roles: ['owner', 'administrator'] }]);
    expect(shown.figures).toEqual({ members: 1, activeMembers: 1, roles: { owner: 1, administrator: 1 } });
    expect(shown.findings.map((f) => f.check)).toEqual(['extras_needed']);

    const text = await hearth('group', 'roles', 'Tea Lovers');
    expect(text).toContain('1 members, 1 active in the last 7 days');
    expect(text).toContain(`ann (#${set.memberId}): owner, administrator`);
    expect(text).toContain('! extras_needed');

    expect(await hearthFails('group', 'set-role', tea, 'ann', 'king')).toContain('unknown role king: roles are owner, administrator');
    expect(await hearthFails('group', 'set-role', tea, 'nobody', 'extra')).toContain('no member named "nobody"');
    expect(JSON.parse(await hearth('group', 'set-role', tea, String(set.memberId), '-'))).toMatchObject({ roles: [] });
    expect(await hearth('group', 'roles', tea)).toContain('nobody holds a role yet');
  });
});
