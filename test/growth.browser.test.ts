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
    expect(await page.locator('[data-testid="growth-code"][data-kind="invite"]').textContent()).toContain('8 / 30');
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
});
