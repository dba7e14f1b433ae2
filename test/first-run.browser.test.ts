import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { startServer, type RunningServer } from '../src/server/serve.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';

// Without Chromium the suite is skipped; test/helpers/browser.ts prints the one line saying so.
describe.runIf(hasChromium)('first-run setup in Chromium', { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-first-run-browser-'));
  const printed: string[] = [];
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    const config = loadConfig({ HEARTH_DATA_DIR: dataDir, HEARTH_DEMO: '0', HEARTH_LOG_LEVEL: 'silent' });
    server = await startServer(config, { port: 0, roles: ['web'], hostname: '127.0.0.1', print: (line) => printed.push(line) });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a stranger without the link cannot set up; the printed link leads through owner, workspace and next steps, on a phone, in zh-CN (en labels exist too)', async () => {
    const link = printed.map((l) => l.trim()).find((l) => l.includes('/setup#token='))!;
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/setup#token=[A-Za-z0-9_-]{32}$/);

    // Someone on the network opens the address without the token: the setup form, which refuses a guess.
    const stranger = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    await stranger.goto(server.url);
    await stranger.getByRole('heading', { name: 'Set up Hearth' }).waitFor();
    for (const label of ['Setup token', 'Workspace name', 'Your email', 'Password (at least 10 characters)', 'Create the owner account'])
      expect(await stranger.getByText(label, { exact: true }).count(), label).toBe(1);
    await stranger.getByTestId('setup-token').fill('a-guess-at-the-setup-token-0000');
    await stranger.getByTestId('setup-workspace').fill('Taken Over');
    await stranger.getByTestId('setup-email').fill('stranger@example.net');
    await stranger.getByTestId('setup-password').fill('stranger password 123');
    await stranger.getByTestId('setup-submit').click();
    await expect.poll(() => stranger.getByTestId('setup-error').textContent()).toMatch(/wrong or has expired/);
    expect(await server.runtime.store.db.selectFrom('operator').select('id').execute()).toEqual([]);

    // The operator opens the printed link, in Chinese, on a phone.
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await page.goto(link);
    await page.getByRole('heading', { name: '初始化 Hearth' }).waitFor();
    expect(await page.getByTestId('setup-token').inputValue()).toBe(link.split('#token=')[1]);
    await page.getByTestId('setup-workspace').fill('茶友会');
    await page.getByTestId('setup-email').fill('owner@tea.example');
    await page.getByTestId('setup-password').fill('short');
    await page.getByTestId('setup-submit').click();
    await expect.poll(() => page.getByTestId('setup-error').textContent()).toMatch(/无法完成初始化/);
    await page.getByTestId('setup-password').fill('a long and private passphrase');
    await page.getByTestId('setup-submit').click();

    // Next steps: connect a platform or import history; the spent token left the address bar.
    const next = page.getByTestId('setup-next');
    await next.waitFor();
    expect(await next.getByRole('heading').textContent()).toBe('欢迎，owner@tea.example');
    expect(await next.textContent()).toContain('“茶友会”已就绪');
    expect(await page.getByTestId('setup-connect').getAttribute('href')).toBe('/connections');
    expect(await page.getByTestId('setup-import').getAttribute('href')).toBe('/import');
    expect(page.url()).not.toContain('token');
    // Nothing spills sideways on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await page.getByTestId('setup-import').click();
    await page.waitForURL(/\/import$/);
    await page.locator('.topbar').waitFor();
    // The owner is signed in: the session belongs to them and their workspace.
    const session = await page.evaluate(async () => (await fetch('/api/auth/session')).json());
    expect(session.operator.email).toBe('owner@tea.example');
    expect(session.workspaces).toEqual([expect.objectContaining({ name: '茶友会', role: 'owner' })]);

    // The stranger's page, reloaded, now offers only the sign-in form.
    await stranger.reload();
    await stranger.getByTestId('login-email').waitFor();
    expect(await stranger.getByTestId('setup-form').count()).toBe(0);
  });
});
