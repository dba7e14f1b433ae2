import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listLinks, recordClick } from '../src/conversion/links/link-store.js';
import { openStore } from '../src/store/database.js';
import { cliOnFreshData } from './helpers/cli-runner.js';

const cli = cliOnFreshData('links');
const lastWord = (out: string) => out.trim().split(/\s+/).at(-1)!;
afterAll(cli.cleanup);

describe('hearth link / hearth conversion (CLI, embedded database)', { timeout: 300_000 }, () => {
  it('adds a link and its code for a member, imports a purchase after their click and reports it attributed to them; a bad CSV line is refused naming it', async () => {
    const store = await openStore({ kind: 'sqlite', file: join(cli.dataDir, 'hearth.db') });
    const ws = await store.db.insertInto('workspace').values({ slug: 'shop', name: 'Shop', created_at: Date.now() }).returning('id').executeTakeFirstOrThrow();
    const ann = await store.db
      .insertInto('member')
      .values({ workspace_id: ws.id, display_name: 'Ann', is_bot: 0, first_seen_at: Date.now(), erased_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.close();

    const root = lastWord(await cli.hearth('link', 'add', 'Spring tea', 'https://shop.example/tea', '--channel', 'poster'));
    expect(root).toMatch(/^[2-9A-Z]{8}$/);
    // Ann's own code for the campaign: her clicks and purchases are hers.
    const code = lastWord(await cli.hearth('link', 'child', root, '--member', 'Ann'));
    expect(code).toMatch(/^[2-9A-Z]{8}$/);
    expect(code).not.toBe(root);

    const clicked = await openStore({ kind: 'sqlite', file: join(cli.dataDir, 'hearth.db') });
    expect(await recordClick(clicked.db, code, Date.now() - 60_000)).toEqual({ url: 'https://shop.example/tea' });
    await clicked.close();

    const file = join(cli.dataDir, 'orders.csv');
    writeFileSync(file, `id,amountMinor,currency,memberId\norder-1,1999,CNY,${ann.id}\norder-2,oops,CNY,${ann.id}\n`);
    expect(await cli.hearthFails('conversion', 'import', file)).toMatch(/^hearth: line 3: amountMinor is a whole number/);
    writeFileSync(file, `id,amountMinor,currency,memberId\norder-1,1999,CNY,${ann.id}\n`);
    expect(await cli.hearth('conversion', 'import', file)).toBe('imported 1 conversions, 1 attributed to a tracked link\n');

    const report = JSON.parse(await cli.hearth('conversion', 'report', '--by', 'member', '--json'));
    expect(report.rows).toEqual([expect.objectContaining({ label: 'Ann', clicks: 1, lastTouch: { conversions: 1, revenue: [{ currency: 'CNY', amountMinor: 1999 }] } })]);
    const after = await openStore({ kind: 'sqlite', file: join(cli.dataDir, 'hearth.db') });
    expect(await listLinks(after.db, ws.id)).toEqual([
      expect.objectContaining({ code, parentId: expect.any(Number), campaign: 'Spring tea', channel: 'poster', member: { id: ann.id, name: 'Ann' }, clicks: 1, conversions: 1 }),
      expect.objectContaining({ code: root, parentId: null, clicks: 0, conversions: 0 }),
    ]);
    await after.close();
  });
});
