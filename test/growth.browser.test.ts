import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/serve.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { type DemoServer, signInDemo, startDemoServer } from './helpers/demo-server.js';

// Without Chromium the suite is skipped; test/helpers/browser.ts prints the one line saying so.
describe.runIf(hasChromium)('the Codes page in Chromium, on a phone', { timeout: 240_000 }, () => {
  let hearth: DemoServer;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    hearth = await startDemoServer('growth-browser');
    server = hearth.server;
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it("lists the demo's live code with its groups' fill and the next-group warning, in zh-CN, and its public link lands", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await signInDemo(page, hearth);
    await page.goto(`${server.url}/growth`);
    const live = page.locator('[data-testid="growth-code"][data-kind="live"]');
    await live.waitFor();
    expect(await live.getByTestId('growth-scans').textContent()).toBe('374');
    expect(await live.getByTestId('growth-joins').textContent()).toBe('111');
    expect(await live.locator('[data-testid="growth-group"][data-current="true"]').textContent()).toContain('2群');
    expect(await live.getByTestId('growth-warning').textContent()).toContain('请新建下一个群');
    // The VIP invitation among the invitation codes (the demo campaign's members have their own).
    expect(await page.locator('[data-testid="growth-code"][data-kind="invite"]').filter({ hasText: 'VIP 邀请码' }).textContent()).toContain('8 / 30');
    // The cards fit a phone's width: nothing in them runs off sideways (their tables scroll inside).
    for (const card of await page.getByTestId('growth-code').all()) {
      const box = await card.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      expect(await card.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1);
    }

    const code = await live.getAttribute('data-code');
    const landed = await fetch(`${server.url}/j/${code}`, { redirect: 'manual' });
    expect([200, 302]).toContain(landed.status);
    expect((await fetch(`${server.url}/j/NOSUCHCODE`)).status).toBe(404);
  });

  it("shows the demo's conversions at 360 px in English: first and last touch side by side, links with their clicks, a link made from the form, a refused target, and the webhook secret made once", async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 780 }, locale: 'en-US' });
    await signInDemo(page, hearth);
    await page.goto(`${server.url}/conversions`);
    const rows = page.getByTestId('conversions-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('conversions-table').textContent()).toContain('Spring baking class');
    expect(await page.getByTestId('conversions-table').textContent()).toMatch(/CN¥|¥/);
    await page.getByTestId('conversions-chart').locator('canvas').waitFor();
    await page.getByTestId('conversions-by').selectOption('channel');
    await page.locator('[data-testid="conversions-row"][data-key="poster"]').waitFor();
    expect(await page.getByTestId('link-row').count()).toBeGreaterThan(5);
    expect(await page.getByTestId('recent-conversion').count()).toBeGreaterThan(3);

    await page.getByTestId('link-campaign').fill('Autumn menu');
    await page.getByTestId('link-target').fill('javascript:alert(1)');
    await page.getByTestId('link-create').click();
    expect(await page.getByTestId('link-error').textContent()).toContain('http or https');
    await page.getByTestId('link-target').fill('https://shop.example.com/autumn');
    await page.getByTestId('link-create').click();
    const made = page.locator('[data-testid="link-row"]', { hasText: 'Autumn menu' });
    await made.waitFor();
    const code = await made.getAttribute('data-code');
    const click = await fetch(`${server.url}/l/${code}`, { redirect: 'manual' });
    expect([click.status, click.headers.get('location')]).toEqual([302, 'https://shop.example.com/autumn']);

    page.on('dialog', (d) => void d.accept());
    await page.getByTestId('conversion-rotate').click();
    expect(await page.getByTestId('conversion-secret-value').textContent()).toMatch(/cvsec_/);
    // Nothing runs off a 360 px screen sideways (tables scroll inside their cards).
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });

  it("shows the demo's running campaign at 360 px in English: the top inviter's count, the invite tree drawn, rewards granted", async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 780 }, locale: 'en-US' });
    await signInDemo(page, hearth);
    await page.goto(`${server.url}/campaigns`);
    await page.locator('[data-testid="campaign-row"]', { hasText: 'Invite 3 friends' }).getByRole('button').click();
    await page.locator('[data-testid="campaign-member"]', { hasText: '周小满' }).waitFor();
    expect(await page.getByTestId('campaign-member').first().textContent()).toContain('5 of 3 friends joined');
    await page.getByTestId('campaign-tree-chart').locator('canvas').waitFor();
    expect(await page.getByTestId('campaign-tree-figures').textContent()).toContain('3 levels deep');
    expect(await page.locator('[data-testid="campaign-reward"][data-state="granted"]').count()).toBeGreaterThanOrEqual(4);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });

  it("edits the demo's spring poster at 360 px in zh-CN: the live preview redraws after typing, and nothing is wider than the screen", async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 780 }, locale: 'zh-CN' });
    await signInDemo(page, hearth);
    await page.goto(`${server.url}/posters`);
    const item = page.getByTestId('poster-templates').locator('li').filter({ hasText: '春季烘焙海报' });
    expect(await item.textContent()).toContain('春季烘焙裂变');
    await item.getByRole('button').click();
    const preview = page.getByTestId('poster-preview');
    await preview.waitFor();
    const before = await preview.getAttribute('src');
    await page.getByTestId('poster-title').fill('{member} 邀请你一起做马卡龙');
    await page.waitForFunction((src) => document.querySelector('[data-testid="poster-preview"]')?.getAttribute('src') !== src, before);
    expect(await preview.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([1080, 1920]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.getByTestId('poster-qr-size').fill('100');
    expect(await page.getByTestId('poster-preview-error').textContent()).toContain('qr.size');
  });
});
