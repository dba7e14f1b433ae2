import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getChain, listChains } from '../src/conversion/chains/chain-store.js';
import { DemoWorkspace } from '../src/runtime/demo-workspace.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';

const NOW = Date.parse('2026-07-10T12:00:00Z');

describe('the demo workspace has a group buy chain in progress', { timeout: 120_000 }, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('members of a demo group signed up, changed their line and withdrew by message; the list is open with its count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-demo-chain-'));
    const runtime = await HearthRuntime.open({ kind: 'sqlite', file: join(dir, 'hearth.db') }, { clock: () => NOW });
    cleanups.push(
      () => rmSync(dir, { recursive: true, force: true }),
      () => runtime.close(),
    );
    const demo = await DemoWorkspace.create(runtime, { now: NOW, historyDays: 2 });
    const chains = await listChains(runtime.store.db, demo.workspaceId, NOW);
    expect(chains).toHaveLength(1);
    expect(chains[0]).toMatchObject({ title: '周六草莓团购 Saturday strawberries', quota: 30, closed: false });
    const chain = await getChain(runtime.store.db, demo.workspaceId, chains[0]!.id, NOW);
    // Eight messages from six members: one withdrew, one replaced their line.
    expect(chain.entries).toHaveLength(5);
    expect(chain.entries.map((e) => e.quantity)).toEqual([3, 3, 2, 1, 2]);
    expect(chain.entries[0]!.note).toBe('奶油草莓 周六下午取');
    expect(chain.taken).toBe(11);
    const posted = await runtime.store.db.selectFrom('sandbox_message').select('text').where('from_bot', '=', 1).where('text', 'like', '#接龙%').execute();
    expect(posted.length).toBeGreaterThanOrEqual(1);
  });
});
