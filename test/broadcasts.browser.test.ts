import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/serve.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { type DemoServer, signInDemo, startDemoServer } from './helpers/demo-server.js';

// Without Chromium the suite is skipped; test/helpers/browser.ts prints the one line saying so.
describe.runIf(hasChromium)('the Broadcasts page in Chromium', { timeout: 300_000 }, () => {
  let hearth: DemoServer;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    hearth = await startDemoServer('broadcasts-browser');
    server = hearth.server;
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it('shows the demo’s broadcasts, composes one for a set, follows it going out to every group’s result, in en and zh-CN, on a phone', async () => {
    const { db } = server.runtime.store;
    const demo = await db.selectFrom('workspace').select('id').where('slug', '=', 'demo').executeTakeFirstOrThrow();
    const inSet = await db.selectFrom('group_tag').select('group_id').where('workspace_id', '=', demo.id).where('tag', '=', 'autumn-campaign').execute();
    expect(inSet.length).toBeGreaterThan(0);

    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    await signInDemo(page, hearth);
    await page.getByRole('link', { name: 'Broadcasts' }).click();
    // The demo's two: this week's meetup, sent to a region's groups, and tomorrow's reminder, scheduled.
    const rows = page.getByTestId('broadcast-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    expect(await rows.nth(0).innerText()).toContain('Scheduled');
    expect(await rows.nth(1).innerText()).toMatch(/Done[\s\S]*\d+ sent · 0 failed · 0 pending of \d+/);

    // Compose: pick the set (and a segment of it), write with a placeholder, see it filled for one group, send now.
    await page.getByTestId('broadcast-set').selectOption('autumn-campaign');
    await expect.poll(() => page.getByTestId('broadcast-reach').innerText(), { timeout: 15_000 }).toBe(`Reaches ${inSet.length} groups`);
    // A segment of the set: its groups for one purpose (the campaign's groups all sell).
    await page.getByTestId('broadcast-purpose').selectOption('service');
    await expect.poll(() => page.getByTestId('broadcast-reach').innerText(), { timeout: 15_000 }).toBe('Reaches 0 groups');
    await page.getByTestId('broadcast-purpose').selectOption('sell');
    await expect.poll(() => page.getByTestId('broadcast-reach').innerText(), { timeout: 15_000 }).toBe(`Reaches ${inSet.length} groups`);
    await page.getByTestId('broadcast-text').fill('Autumn sale starts now in {group} <b>!</b>');
    await page.getByTestId('broadcast-link').fill('https://example.com/autumn');
    expect(await page.getByTestId('broadcast-preview').innerText()).toBe('Autumn sale starts now in Beijing Makers <b>!</b>\nhttps://example.com/autumn');
    await page.getByTestId('broadcast-send').click();

    // Live progress until every group has its result, read back from the outbox.
    const detail = page.getByTestId('broadcast-detail');
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(await page.getByTestId('broadcast-progress').first().innerText()).toBe(`${inSet.length} sent · 0 failed · 0 pending of ${inSet.length}`);
    const results = detail.getByTestId('broadcast-group');
    expect(await results.count()).toBe(inSet.length);
    expect(await detail.locator('[data-testid="broadcast-group"][data-status="sent"]').count()).toBe(inSet.length);
    expect(await rows.count()).toBe(3);
    // What a member saw: the text filled for their group, markup inert.
    const sent = await db.selectFrom('sandbox_message').select('text').where('from_bot', '=', 1).where('text', 'like', 'Autumn sale starts now in %').execute();
    expect(sent).toHaveLength(inSet.length);
    expect(await page.locator('b').count()).toBe(0);
    // On a phone the page does not scroll sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);

    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(() => page.locator('h1').innerText(), { timeout: 15_000 }).toBe('群发');
    expect(await page.getByTestId('broadcast-status').innerText()).toBe('已完成');
    expect(await page.getByTestId('broadcast-progress').first().innerText()).toBe(`已发送 ${inSet.length} · 失败 0 · 待发送 0 / 共 ${inSet.length}`);
    await page.close();
  });
});
