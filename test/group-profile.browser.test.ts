import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/serve.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { type DemoServer, signInDemo, startDemoServer } from './helpers/demo-server.js';

// Without Chromium the suite is skipped; test/helpers/browser.ts prints the one line saying so.
describe.runIf(hasChromium)('group profiles and sets in the dashboard, in Chromium', { timeout: 180_000 }, () => {
  let hearth: DemoServer;
  let _server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    hearth = await startDemoServer('group-profile-browser');
    _server = hearth.server;
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  async function signIn(viewport: { width: number; height: number }): Promise<Page> {
    const page = await browser.newPage({ viewport, locale: 'en-US' });
    await signInDemo(page, hearth);
    return page;
  }

  it('filters the group list by set, edits a group profile and its sets, and shows them in zh-CN', async () => {
    const page = await signIn({ width: 1280, height: 900 });
    const all = await page.getByTestId('group-row').count();
    const setFilter = page.getByTestId('groups-set-filter');
    await setFilter.waitFor();
    await setFilter.selectOption('售后服务');
    await expect.poll(() => page.getByTestId('group-row').count()).toBeLessThan(all);
    const shown = await page.getByTestId('group-row').count();
    expect(shown).toBeGreaterThan(0);

    await page.getByTestId('group-row').first().click();
    const card = page.getByTestId('group-profile');
    await card.getByTestId('profile-edit').click();
    await card.getByTestId('profile-type').selectOption('product');
    await card.getByTestId('profile-theme').fill('After-sales for ovens');
    await card.getByTestId('profile-namingRule').fill('{brand} after-sales');
    await card.getByTestId('profile-sets').fill('售后服务, vip-customers');
    await card.getByTestId('profile-save').click();
    await expect.poll(() => card.innerText()).toContain('After-sales for ovens');
    const text = await card.innerText();
    expect(text).toContain('Product');
    expect(text).toContain('vip-customers');
    // The demo's names do not follow the rule just set: the card says so.
    expect(text).toContain('the name does not follow it');

    const type = page.getByTestId('profile-type');
    expect(await type.count()).toBe(0);
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(() => card.innerText()).toContain('产品群');
    expect(await card.innerText()).toContain('命名规范');

    // A bad time zone is refused with the server's words, and nothing changes.
    await card.getByTestId('profile-edit').click();
    await card.getByTestId('profile-timezone').fill('Mars/Olympus');
    await card.getByTestId('profile-save').click();
    await expect.poll(() => card.innerText()).toContain('Mars/Olympus');
    expect(await card.getByTestId('automation-error').innerText()).toContain('unknown time zone');
    await page.close();
  });

  it('fits the profile card on a phone', async () => {
    const page = await signIn({ width: 390, height: 844 });
    await page.getByTestId('group-row').first().click();
    const card = page.getByTestId('group-profile');
    await card.waitFor();
    const box = await card.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  });
});
