import { afterAll, describe, expect, it } from 'vitest';
import { cliOnFreshData } from './helpers/cli-runner.js';

const { hearth, hearthFails, cleanup } = cliOnFreshData('cli-enforcement');

afterAll(cleanup);

describe('hearth ladder and hearth enforcement (CLI)', { timeout: 400_000 }, () => {
  it('sets the ladder and a group override, enforces it on the sandbox, lists the enforcements and undoes one', async () => {
    const group = (await hearth('sandbox', 'group', 'add', 'Readers')).trim();
    expect(await hearth('ladder', 'set', '--on', '--steps', 'warn, mute:1h, ban', '--language', 'en', '--strike-days', '7')).toBe(
      'enforcement in default: on; ladder: warn → mute:1h → ban; strikes count 7 days\n',
    );
    await hearth('ladder', 'set', '--group', 'Readers', '--keywords', '代考');
    const shown = JSON.parse(await hearth('ladder', 'show', '--group', 'Readers', '--json')) as { settings: { steps: unknown[]; detectors: { keywords: string[] } }; override: object };
    expect(shown.settings.steps).toEqual([{ kind: 'warn' }, { kind: 'mute', seconds: 3600 }, { kind: 'ban' }]);
    expect(shown.settings.detectors.keywords).toEqual(['代考']);
    expect(shown.override).toEqual({ detectors: { keywords: ['代考'] } });

    await hearth('sandbox', 'join', group, 'zed', '--at', '2026-11-20T08:00:00Z');
    await hearth('sandbox', 'say', group, 'zed', 'deals at https://cheap.example.com', '--at', '2026-11-20T08:01:00Z');
    await hearth('sandbox', 'say', group, 'zed', 'more at www.cheap-deals.cn', '--at', '2026-11-20T08:02:00Z');
    const { enforcements } = JSON.parse(await hearth('enforcement', 'list', '--json')) as { enforcements: { id: number; violation: string; stepKind: string; text: string }[] };
    expect(enforcements.map((e) => [e.violation, e.stepKind, e.text])).toEqual([
      ['link', 'mute', 'more at www.cheap-deals.cn'],
      ['link', 'warn', 'deals at https://cheap.example.com'],
    ]);
    expect(await hearth('enforcement', 'list', '--group', 'Readers')).toContain('zed  link (link)  step 2: mute 3600s  active');

    expect(await hearth('enforcement', 'undo', String(enforcements[0]!.id))).toBe(`undid enforcement #${enforcements[0]!.id}: queued unmute_member, send_message (sent by the server's dispatcher)\n`);
    expect(await hearthFails('enforcement', 'undo', String(enforcements[0]!.id))).toContain('undone already');
    const undone = JSON.parse(await hearth('enforcement', 'list', '--status', 'undone', '--json')) as { enforcements: { id: number; undoneBy: string }[] };
    expect(undone.enforcements).toEqual([expect.objectContaining({ id: enforcements[0]!.id, undoneBy: 'cli' })]);
  });
});
