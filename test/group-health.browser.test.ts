import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/serve.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { type DemoServer, signInDemo, startDemoServer } from './helpers/demo-server.js';

const STAGES_EN = /^(Launch|Growth|Mature|Declining|Dormant)$/;
const STAGES_ZH = /^(启动期|成长期|成熟期|衰退期|沉寂)$/;

describe.runIf(hasChromium)("a group's health on its page, in Chromium, on the demo workspace", { timeout: 120_000 }, () => {
  let hearth: DemoServer;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    hearth = await startDemoServer('group-health-browser');
    server = hearth.server;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signInDemo(page, hearth);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it('shows the stage, the score with its parts, the explaining figures and a drawn chart, in English and Chinese', async () => {
    await page.getByTestId('group-row').first().click();
    await page.waitForURL(/\/groups\/\d+/);
    const id = Number(/\/groups\/(\d+)/.exec(page.url())![1]);
    const api = (await (await page.request.get(`${server.url}/api/groups/${id}/health`)).json()) as { health: { score: number }; lifecycle: { stage: string }; weeklyActiveDays: number };
    await page.getByTestId('health-score').waitFor();
    expect(await page.getByTestId('health-score').innerText()).toContain(String(api.health.score));
    expect((await page.getByTestId('health-stage').innerText()).trim()).toMatch(STAGES_EN);
    expect((await page.getByTestId('health-stage').innerText()).trim().toLowerCase()).toBe(api.lifecycle.stage);
    expect(await page.locator('.health__part').count()).toBe(7);
    expect(await page.locator('.health__figures').innerText()).toContain(`${api.weeklyActiveDays} / 7`);
    await expect.poll(() => page.getByTestId('health-chart').locator('canvas').count()).toBeGreaterThan(0);

    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(async () => (await page.getByTestId('health-stage').innerText()).trim()).toMatch(STAGES_ZH);
    expect(await page.locator('#group-health-title').innerText()).toBe('健康度与生命周期');
    await page.getByTestId('lang-switch').selectOption('en');
    expect(pageErrors).toEqual([]);
  });

  it('fits a phone: the health card does not overflow the screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US', storageState: await page.context().storageState() });
    try {
      await phone.goto(page.url());
      await phone.getByTestId('health-score').waitFor();
      await expect.poll(() => phone.getByTestId('health-chart').locator('canvas').count()).toBeGreaterThan(0);
      // every part of the card (score, parts, figures, chart) lies within the screen's width
      const beyond = await phone.evaluate(() =>
        [...document.querySelectorAll('section.health, section.health *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5).map((e) => e.className),
      );
      expect(beyond).toEqual([]);
      await phone.locator('section.health').screenshot({ path: process.env.HEARTH_SHOT ?? join(tmpdir(), 'hearth-health-phone.png') });
    } finally {
      await phone.close();
    }
  });
});
