import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { startServer, type RunningServer } from '../src/server/serve.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';

describe.runIf(hasChromium)('the dashboard in Chromium, on the demo workspace', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-browser-'));
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const config = loadConfig({ HEARTH_DATA_DIR: dataDir, HEARTH_LOG_LEVEL: 'warn' });
    server = await startServer(config, { port: 0, roles: ['web', 'worker'], hostname: '127.0.0.1' });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens on the overview: every demo group, totals, and a drawn 30-day chart', async () => {
    await page.goto(server.url);
    await page.getByTestId('group-row').first().waitFor();
    expect(await page.getByTestId('group-row').count()).toBe(6);
    await expect.poll(() => page.getByTestId('activity-chart').locator('canvas').count()).toBeGreaterThan(0);
    const totals = await page.getByTestId('overview-totals').innerText();
    expect(totals).toMatch(/Groups\s*6/);
    expect(pageErrors).toEqual([]);
  });

  it('switches between English and Chinese', async () => {
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(() => page.getByTestId('overview-totals').innerText()).toMatch(/群/);
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(() => page.getByTestId('overview-totals').innerText()).toMatch(/Groups/);
  });

  it('opens a group\'s page from the table', async () => {
    await page.getByTestId('group-row').first().click();
    await page.waitForURL(/\/groups\/\d+/);
    await expect.poll(() => page.getByTestId('activity-chart').locator('canvas').count()).toBeGreaterThan(0);
  });

  it('runs the sandbox chat: a hostile name joins, the bot welcomes it, and nothing executes', async () => {
    const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    await page.goto(`${server.url}/sandbox`);
    await page.getByTestId('sandbox-log').waitFor();
    await page.getByTestId('sandbox-member').fill(hostile);
    await page.getByTestId('sandbox-join').click();
    const welcome = page.getByTestId('sandbox-entry').filter({ hasText: `Welcome ${hostile}` });
    await welcome.first().waitFor({ timeout: 20_000 });
    await page.getByTestId('sandbox-text').fill('what are the group rules?');
    await page.getByTestId('sandbox-send').click();
    await page.getByTestId('sandbox-entry').filter({ hasText: 'Group rules:' }).first().waitFor({ timeout: 20_000 });
    expect(dialogs).toEqual([]);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('body script:not([src])').count()).toBe(0);
  });
});
