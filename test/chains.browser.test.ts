import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/serve.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { type DemoServer, signInDemo, startDemoServer } from './helpers/demo-server.js';

describe.runIf(hasChromium)("a group's chain sign-ups on its page, in Chromium, on the demo workspace", { timeout: 120_000 }, () => {
  let hearth: DemoServer;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let groupId = 0;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    hearth = await startDemoServer('chains-browser');
    server = hearth.server;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signInDemo(page, hearth);
    const { chains } = (await (await page.request.get(`${server.url}/api/chains`)).json()) as { chains: { groupId: number }[] };
    groupId = chains[0]!.groupId;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it('shows the group buy with its live count and its list in order, in English and Chinese', async () => {
    await page.goto(`${server.url}/groups/${groupId}`);
    const card = page.getByTestId('group-chains');
    await card.waitFor();
    await card.getByText('周六草莓团购 Saturday strawberries').waitFor();
    expect(await card.innerText()).toContain('11 of 30 taken');
    await card.getByRole('button', { name: 'Show list' }).click();
    await card.locator('tbody tr').first().waitFor();
    expect(await card.locator('tbody tr').count()).toBe(5);
    expect(await card.locator('tbody tr').first().innerText()).toContain('奶油草莓 周六下午取');
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(() => card.innerText()).toContain('已接 11/30 份');
    expect(await page.locator('#group-chains-title').innerText()).toBe('接龙');
    await page.getByTestId('lang-switch').selectOption('en');
    expect(pageErrors).toEqual([]);
  });

  it('shows the demo’s votes on a phone: tallies as bar charts, the ballots, a veto after a confirmation, in English and Chinese', async () => {
    const phone = await browser.newPage({ viewport: { width: 360, height: 780 }, locale: 'en-US', storageState: await page.context().storageState() });
    try {
      phone.on('pageerror', (e) => pageErrors.push(e.message));
      const { votes } = (await (await phone.request.get(`${server.url}/api/votes`)).json()) as { votes: { id: number; groupId: number; closed: boolean }[] };
      const closed = votes.find((v) => v.closed)!;
      await phone.goto(`${server.url}/groups/${closed.groupId}`);
      const card = phone.getByTestId('group-votes');
      const item = card.getByTestId(`vote-${closed.id}`);
      await item.getByTestId(`vote-chart-${closed.id}`).locator('canvas').waitFor();
      expect(await card.getByTestId(/^vote-chart-/).count()).toBe(2);
      expect(await item.innerText()).toContain('5 voted');
      await item.getByRole('button', { name: 'Ballots and veto' }).click();
      await item.locator('tbody tr').first().waitFor();
      expect(await item.locator('tbody tr').count()).toBe(5);
      await item.getByLabel('Reason for the veto').fill('聚会场地已取消');
      phone.once('dialog', (d) => void d.accept());
      await item.getByRole('button', { name: 'Veto', exact: true }).click();
      await expect.poll(() => item.innerText()).toContain('Vetoed by');
      await phone.getByTestId('lang-switch').selectOption('zh-CN');
      await expect.poll(() => card.innerText()).toContain('已否决');
      expect(await phone.locator('#group-votes-title').innerText()).toBe('投票');
      const beyond = await phone.evaluate(() =>
        [...document.querySelectorAll('section.votes > *, .votes__row, .votes__form, .votes__veto, .votes__chart-wrap')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map((e) => e.className),
      );
      expect(beyond).toEqual([]);
      await phone.getByTestId('lang-switch').selectOption('en');
      expect(pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
  it('fits a phone: the chains card does not overflow the screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US', storageState: await page.context().storageState() });
    try {
      await phone.goto(`${server.url}/groups/${groupId}`);
      await phone.getByTestId('group-chains').getByRole('button', { name: 'Show list' }).click();
      await phone.getByTestId('group-chains').locator('tbody tr').first().waitFor();
      const beyond = await phone.evaluate(() =>
        [...document.querySelectorAll('section.chains > *, .chains__row, .chains__form, .chains__actions')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map((e) => e.className),
      );
      expect(beyond).toEqual([]);
    } finally {
      await phone.close();
    }
  });

  it('shows the Points page on a phone: the demo’s leaderboard as a chart and a table, a member’s ledger, in Chinese and English', async () => {
    const phone = await browser.newPage({ viewport: { width: 360, height: 780 }, locale: 'en-US', storageState: await page.context().storageState() });
    try {
      phone.on('pageerror', (e) => pageErrors.push(e.message));
      await phone.goto(`${server.url}/points`);
      const board = phone.getByTestId('points-leaderboard');
      await board.getByTestId('points-row').first().waitFor();
      expect(await board.getByTestId('points-row').count()).toBeGreaterThanOrEqual(5);
      await phone.getByTestId('points-leaderboard-chart').locator('canvas').waitFor();
      await board.getByTestId('points-row').first().getByRole('button').click();
      const member = phone.getByTestId('points-member');
      await member.getByTestId('points-ledger').locator('tbody tr').first().waitFor();
      expect(await member.getByTestId('points-ledger').innerText()).toContain('Check-in');
      await phone.getByTestId('lang-switch').selectOption('zh-CN');
      await expect.poll(() => board.innerText()).toContain('积分榜');
      const beyond = await phone.evaluate(() =>
        [...document.querySelectorAll('.points__grid, .points__grid > *, .points__form, .points__adjust, [data-testid="points-member"]')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map((e) => e.className),
      );
      expect(beyond).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });

  it('shows the Draws page on a phone: the demo’s past draws with their claims and the claim-speed chart, in English and Chinese', async () => {
    const phone = await browser.newPage({ viewport: { width: 360, height: 780 }, locale: 'en-US', storageState: await page.context().storageState() });
    try {
      phone.on('pageerror', (e) => pageErrors.push(e.message));
      await phone.goto(`${server.url}/draws`);
      const history = phone.getByTestId('draws-history');
      await history.getByTestId('draws-row').first().waitFor();
      expect(await history.getByTestId('draws-row').count()).toBe(3);
      await phone.getByTestId('draws-speed-chart').locator('canvas').waitFor();
      await history.getByRole('button', { name: /周五晚红包/ }).click();
      const claims = history.getByTestId('draws-claims');
      await claims.waitFor();
      expect(await claims.locator('li').count()).toBe(8);
      expect(await claims.innerText()).toContain('emptied in 41 s');
      await phone.getByTestId('lang-switch').selectOption('zh-CN');
      await expect.poll(() => claims.innerText()).toContain('41 秒抢完');
      const beyond = await phone.evaluate(() =>
        [...document.querySelectorAll('.draws__grid, .draws__grid > *, .draws__form, [data-testid="draws-create"]')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map((e) => e.className),
      );
      expect(beyond).toEqual([]);
      await phone.getByTestId('lang-switch').selectOption('en');
      expect(pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
