import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { startServer, type RunningServer } from '../src/server/serve.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';

// Without Chromium the suite is skipped; test/helpers/browser.ts prints the one line saying so.
describe.runIf(hasChromium)('group profiles and sets in the dashboard, in Chromium', { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-profile-browser-'));
  let server: RunningServer;
  let browser: Browser;
  const printed: string[] = [];

  beforeAll(async () => {
    const config = loadConfig({ HEARTH_DATA_DIR: dataDir, HEARTH_LOG_LEVEL: 'error' });
    server = await startServer(config, { port: 0, roles: ['web', 'worker'], hostname: '127.0.0.1', print: (line) => printed.push(line) });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function signIn(viewport: { width: number; height: number }): Promise<Page> {
    const line = printed.find((l) => l.startsWith('Sign in as demo@hearth.local with password '))!;
    const page = await browser.newPage({ viewport, locale: 'en-US' });
    await page.goto(server.url);
    await page.getByTestId('login-email').fill('demo@hearth.local');
    await page.getByTestId('login-password').fill(line.slice('Sign in as demo@hearth.local with password '.length));
    await page.getByTestId('login-submit').click();
    await page.getByTestId('group-row').first().waitFor();
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
