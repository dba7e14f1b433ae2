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

    // the member layers card: each layer's count as the API gives it; a layer's button lists its members
    const layers = (await (await page.request.get(`${server.url}/api/groups/${id}/layers?limit=20`)).json()) as { counts: Record<string, number>; members: Record<string, { displayName: string }[]> };
    await page.getByTestId('layer-lurker').waitFor();
    for (const [layer, count] of Object.entries(layers.counts)) expect(await page.getByTestId(`layer-${layer}`).innerText()).toContain(String(count));
    const shown = Object.keys(layers.counts).find((l) => layers.counts[l]! > 0);
    if (shown) {
      await page.getByTestId(`layer-${shown}`).click();
      expect(await page.locator('.layers__member').count()).toBe(layers.members[shown]!.length);
      expect(await page.locator('.layers__member').first().innerText()).toContain(layers.members[shown]![0]!.displayName);
    }

    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(async () => (await page.getByTestId('health-stage').innerText()).trim()).toMatch(STAGES_ZH);
    expect(await page.locator('#group-health-title').innerText()).toBe('健康度与生命周期');
    expect(await page.locator('#group-layers-title').innerText()).toBe('成员分层');
    await page.getByTestId('lang-switch').selectOption('en');
    expect(pageErrors).toEqual([]);
  });

  it('fits a phone: neither the health card nor the member layers card overflows the screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US', storageState: await page.context().storageState() });
    try {
      await phone.goto(page.url());
      await phone.getByTestId('health-score').waitFor();
      await phone.getByTestId('layer-lurker').waitFor();
      await expect.poll(() => phone.getByTestId('health-chart').locator('canvas').count()).toBeGreaterThan(0);
      // every part of both cards (score, parts, figures, chart; layer counts, members, candidates) lies within the screen's width
      const beyond = await phone.evaluate(() =>
        [...document.querySelectorAll('section.health, section.health *, section.layers, section.layers *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map((e) => e.className),
      );
      expect(beyond).toEqual([]);
      await phone.locator('section.health').screenshot({ path: process.env.HEARTH_SHOT ?? join(tmpdir(), 'hearth-health-phone.png') });
    } finally {
      await phone.close();
    }
  });

  it('draws the retention heat map and shows the cleanup list as the API gives them, with a confirm step before acting, on a phone', async () => {
    const id = Number(/\/groups\/(\d+)/.exec(page.url())![1]);
    const cohorts = (await (await page.request.get(`${server.url}/api/groups/${id}/cohorts?weeks=12&by=week`)).json()) as { cohorts: unknown[] };
    const cleanup = (await (await page.request.get(`${server.url}/api/groups/${id}/cleanup?limit=100`)).json()) as { counts: Record<string, number>; entries: { displayName: string }[] };
    expect(cohorts.cohorts.length).toBeGreaterThan(0);
    const phone = await browser.newPage({ viewport: { width: 360, height: 800 }, locale: 'en-US', storageState: await page.context().storageState() });
    try {
      await phone.goto(page.url());
      await expect.poll(() => phone.getByTestId('cohorts-heatmap').locator('canvas').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      expect(await phone.getByTestId('cohorts-heatmap').getAttribute('aria-label')).toContain(`${cohorts.cohorts.length} join weeks`);
      await phone.getByTestId('cleanup-count-silent').waitFor();
      for (const [reason, count] of Object.entries(cleanup.counts)) expect(await phone.getByTestId(`cleanup-count-${reason}`).innerText()).toContain(String(count));
      expect(await phone.getByTestId('cleanup-pick').count()).toBe(cleanup.entries.length);
      if (cleanup.entries.length > 0) {
        // nothing happens on a click alone: the confirm step names whom it concerns, and Cancel leaves the list as it was
        await phone.getByTestId('cleanup-pick').first().check();
        await phone.getByTestId('cleanup-remove').click();
        expect(await phone.getByTestId('cleanup-confirm').innerText()).toContain(cleanup.entries[0]!.displayName);
        await phone.getByRole('button', { name: 'Cancel' }).click();
        expect(await phone.getByTestId('cleanup-pick').count()).toBe(cleanup.entries.length);
      }
      const beyond = await phone.evaluate(() =>
        [...document.querySelectorAll('section.cohorts, section.cohorts *, section.cleanup, section.cleanup *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map((e) => e.className),
      );
      expect(beyond).toEqual([]);
      await phone.locator('section.cohorts').screenshot({ path: join(tmpdir(), 'hearth-cohorts-phone.png') });
      await phone.locator('section.cleanup').screenshot({ path: join(tmpdir(), 'hearth-cleanup-phone.png') });
    } finally {
      await phone.close();
    }
  });
});
