import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEnforcements, saveWorkspaceLadder } from '../src/enforcement/enforcement-store.js';
import { DEFAULT_ENFORCEMENT, parseLadder } from '../src/enforcement/ladder.js';
import { realTimeClock, SandboxService } from '../src/runtime/sandbox-service.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { type DemoServer, signInDemo, startDemoServer } from './helpers/demo-server.js';

// Without Chromium the suite is skipped; test/helpers/browser.ts prints the one line saying so.
describe.runIf(hasChromium)('enforcements on the Moderation page, in Chromium', { timeout: 300_000 }, () => {
  let hearth: DemoServer;
  let browser: Browser;

  beforeAll(async () => {
    hearth = await startDemoServer('enforcement-browser');
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it('shows a stranger warned then muted for links, with the evidence, in zh-CN and en on a phone; Undo lifts the mute', async () => {
    const { runtime } = hearth.server;
    const { db } = runtime.store;
    const demo = await db.selectFrom('workspace').select('id').where('slug', '=', 'demo').executeTakeFirstOrThrow();
    await saveWorkspaceLadder(db, demo.id, { ...DEFAULT_ENFORCEMENT, enabled: true, steps: parseLadder('warn, mute:1h, ban') }, Date.now());
    runtime.enforcementRule.invalidate();
    const sandbox = new SandboxService(runtime, demo.id, realTimeClock);
    const group = await sandbox.addGroup('Enforcement Test Room');
    await sandbox.join(group.id, 'stranger-q');
    await sandbox.say(group.id, 'stranger-q', '便宜卖 https://cheap.example.com');
    await sandbox.say(group.id, 'stranger-q', '再看看 www.cheap-example.cn');
    const [muted] = await listEnforcements(db, { workspaceId: demo.id });
    expect(muted).toMatchObject({ stepKind: 'mute', memberName: 'stranger-q' });

    const zh = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await signInDemo(zh, hearth);
    await zh.getByRole('link', { name: '审核' }).click();
    const card = zh.getByTestId('enforcement-card');
    await card.getByRole('heading', { name: '违规处理' }).waitFor({ timeout: 30_000 });
    const rows = card.getByTestId('enforcement-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    const first = rows.first();
    expect(await first.innerText()).toContain('新成员发链接');
    expect(await first.innerText()).toContain('再看看 www.cheap-example.cn');
    expect(await first.innerText()).toContain('2 · 禁言 1 小时');
    // The page stays within a phone's width: the table scrolls inside its card.
    expect(await zh.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await zh.close();

    const en = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    await signInDemo(en, hearth);
    await en.getByRole('link', { name: 'Moderation' }).click();
    const mute = en.locator(`[data-testid="enforcement-row"][data-status="active"]`).first();
    await mute.waitFor({ timeout: 30_000 });
    expect(await mute.innerText()).toContain('Link from a new member');
    expect(await mute.innerText()).toContain('2 · mute 1 h');
    await mute.getByTestId('enforcement-undo').click();
    await expect.poll(() => en.getByTestId('enforcement-notice').innerText(), { timeout: 30_000 }).toContain('Undone: stranger-q');
    await expect.poll(() => en.locator('[data-testid="enforcement-row"][data-status="undone"]').count(), { timeout: 30_000 }).toBe(1);
    expect((await listEnforcements(db, { workspaceId: demo.id, status: 'undone' })).map((e) => e.id)).toEqual([muted!.id]);
    // The unmute goes out through the outbox to the sandbox room.
    await expect.poll(async () => (await sandbox.log(group.id)).some((e) => e.text === 'unmuted stranger-q'), { timeout: 30_000 }).toBe(true);
    await en.close();
  });
});
