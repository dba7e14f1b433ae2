import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { startServer, type RunningServer } from '../src/server/serve.js';
import { addOperator, TEST_PASSWORD } from './helpers/auth-fixture.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';

describe.runIf(hasChromium)('the dashboard in Chromium, on the demo workspace', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-browser-'));
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const printed: string[] = [];

  beforeAll(async () => {
    const config = loadConfig({ HEARTH_DATA_DIR: dataDir, HEARTH_LOG_LEVEL: 'warn' });
    server = await startServer(config, { port: 0, roles: ['web', 'worker'], hostname: '127.0.0.1', print: (line) => printed.push(line) });
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

  /** Fills in and submits the sign-in form. */
  async function signInThroughForm(p: Page, email: string, password: string) {
    await p.getByTestId('login-email').fill(email);
    await p.getByTestId('login-password').fill(password);
    await p.getByTestId('login-submit').click();
  }

  it('asks to sign in, refuses a wrong password, and signs the demo in with the password serve printed', async () => {
    const line = printed.find((l) => l.startsWith('Sign in as demo@hearth.local with password '));
    expect(line, printed.join('\n')).toBeDefined();
    const password = line!.slice('Sign in as demo@hearth.local with password '.length);
    expect(password).toMatch(/^[A-Za-z0-9]{18}$/);
    await page.goto(server.url);
    await page.getByTestId('login-email').waitFor();
    expect(await page.getByTestId('group-row').count()).toBe(0);
    await signInThroughForm(page, 'demo@hearth.local', 'not the password');
    expect(await page.getByTestId('login-error').innerText()).toBe('Wrong email or password.');
    await signInThroughForm(page, 'demo@hearth.local', password);
    await page.getByTestId('group-row').first().waitFor();
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'hearth_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('opens on the overview: every demo group, totals, and a drawn 30-day chart', async () => {
    await page.goto(server.url);
    await page.getByTestId('group-row').first().waitFor();
    // The six simulated groups and the ones the demo's live code and VIP code lead to.
    const demoGroups = (await server.runtime.store.db.selectFrom('chat_group').select('id').execute()).length;
    expect(demoGroups).toBeGreaterThanOrEqual(6);
    expect(await page.getByTestId('group-row').count()).toBe(demoGroups);
    await expect.poll(() => page.getByTestId('activity-chart').locator('canvas').count()).toBeGreaterThan(0);
    const totals = await page.getByTestId('overview-totals').innerText();
    expect(totals).toMatch(new RegExp(`Groups\\s*${demoGroups}`));
    expect(pageErrors).toEqual([]);
  });

  it('switches between English and Chinese', async () => {
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(() => page.getByTestId('overview-totals').innerText()).toMatch(/群/);
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(() => page.getByTestId('overview-totals').innerText()).toMatch(/Groups/);
  });

  it("opens a group's page from the table", async () => {
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
  it('shows the audit log: what was done in the sandbox, searchable, with export links; hostile names stay text', async () => {
    await page.goto(`${server.url}/audit`);
    await page.getByTestId('audit-row').first().waitFor();
    const actions = await page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(actions).toEqual(expect.arrayContaining(['sandbox.join', 'sandbox.say', 'auth.login', 'auth.login_failed']));
    expect(await page.getByTestId('audit-table').innerText()).toContain('<img src=x onerror=alert(1)>');
    await page.getByTestId('audit-search').fill('group rules');
    await page.getByTestId('audit-apply').click();
    await expect.poll(() => page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')))).toEqual(['sandbox.say']);
    expect(await page.getByTestId('audit-export-csv').getAttribute('href')).toMatch(/^\/api\/audit\/export\?workspace=demo&q=group\+rules&format=csv$/);
    const csv = await page.evaluate(async (href) => (await fetch(href!)).text(), await page.getByTestId('audit-export-csv').getAttribute('href'));
    expect(csv).toContain('sandbox.say');
    expect(dialogs).toEqual([]);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
  });

  it('an operator assigned to two groups sees those two rows, in their own browser', async () => {
    const { db } = server.runtime.store;
    const demo = await db.selectFrom('workspace').select('id').where('slug', '=', 'demo').executeTakeFirstOrThrow();
    const groups = await db.selectFrom('chat_group').select(['id', 'name']).where('workspace_id', '=', demo.id).orderBy('id').limit(2).execute();
    await addOperator(db, { email: 'two-groups@hearth.local', workspaceId: demo.id, role: 'operator', groups: groups.map((g) => g.id) });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    try {
      const other = await context.newPage();
      await other.goto(server.url);
      await signInThroughForm(other, 'two-groups@hearth.local', TEST_PASSWORD);
      await other.getByTestId('group-row').first().waitFor();
      expect(await other.getByTestId('group-row').count()).toBe(2);
      expect((await other.getByTestId('group-row').locator('.group-link').allInnerTexts()).sort()).toEqual(groups.map((g) => g.name).sort());
      expect(await other.getByTestId('overview-totals').innerText()).toMatch(/Groups\s*2/);
    } finally {
      await context.close();
    }
  });

  it('signs out: back to the sign-in page, and a reload does not bring the session back', async () => {
    await page.goto(server.url);
    await page.getByTestId('logout').click();
    await page.getByTestId('login-email').waitFor();
    await page.reload();
    await page.getByTestId('login-email').waitFor();
    expect(await page.getByTestId('group-row').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
