import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { listClaims } from '../src/conversion/coupons/coupon-store.js';
import { openStore } from '../src/store/database.js';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'hearth-coupon-'));
const env = { ...process.env, HEARTH_DATA_DIR: dataDir, HEARTH_DEMO: '0', DATABASE_URL: '', REDIS_URL: '', HEARTH_LOG_LEVEL: 'warn' };
const hearth = (...args: string[]) => run('node', ['bin/hearth.js', ...args], { env, cwd: process.cwd() });
const lastWord = (out: string) => out.trim().split(/\s+/).at(-1)!;

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('hearth coupon (CLI, embedded database)', { timeout: 300_000 }, () => {
  it('adds a ¥19.99 coupon with stock 1, claims it for one member by name and refuses the next with "out of stock"', async () => {
    const store = await openStore({ kind: 'sqlite', file: join(dataDir, 'hearth.db') });
    const ws = await store.db.insertInto('workspace').values({ slug: 'shop', name: 'Shop', created_at: Date.now() }).returning('id').executeTakeFirstOrThrow();
    for (const name of ['Ann', 'Bo']) await store.db.insertInto('member').values({ workspace_id: ws.id, display_name: name, is_bot: 0, first_seen_at: Date.now(), erased_at: null }).execute();
    await store.close();

    const id = lastWord((await hearth('coupon', 'add', 'Oolong ¥19.99 off', '--amount', '1999', '--currency', 'CNY', '--stock', '1', '--code', 'OOLONG')).stdout);
    expect(id).toMatch(/^\d+$/);
    expect(lastWord((await hearth('coupon', 'claim', id, 'Ann')).stdout)).toMatch(/^\d+$/);
    const refused = await hearth('coupon', 'claim', id, 'Bo').catch((e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 1, stderr: 'hearth: refused: out of stock\n' });

    const after = await openStore({ kind: 'sqlite', file: join(dataDir, 'hearth.db') });
    const coupon = await after.db.selectFrom('coupon').select(['amount_minor', 'currency', 'remaining']).where('id', '=', Number(id)).executeTakeFirstOrThrow();
    expect(coupon).toEqual({ amount_minor: 1999, currency: 'CNY', remaining: 0 });
    expect((await listClaims(after.db, Number(id))).map((c) => [c.member.name, c.code])).toEqual([['Ann', 'OOLONG']]);
    await after.close();
  });
});
