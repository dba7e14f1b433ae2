import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/serve.js';
import { addOperator, TEST_PASSWORD } from './helpers/auth-fixture.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { type DemoServer, signInDemo, startDemoServer } from './helpers/demo-server.js';

// Without Chromium the suite is skipped; test/helpers/browser.ts prints the one line saying so.
describe.runIf(hasChromium)('the automations page in Chromium, on the demo workspace', { timeout: 120_000 }, () => {
  let hearth: DemoServer;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const suffix = Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    hearth = await startDemoServer('automations-browser');
    server = hearth.server;
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
    await hearth?.close();
  });

  async function signInThroughForm(p: Page, email: string, password: string) {
    await p.getByTestId('login-email').fill(email);
    await p.getByTestId('login-password').fill(password);
    await p.getByTestId('login-submit').click();
  }

  /** The workspace-wide welcome as the server stores it, read through the API in the signed-in page. */
  async function storedWelcomeTemplate(): Promise<string> {
    return page.evaluate(async () => {
      const res = await fetch('/api/automations?workspace=demo');
      const { automations } = (await res.json()) as { automations: Array<{ kind: string; groupId: number | null; config: { template: string } }> };
      return automations.find((a) => a.kind === 'welcome' && a.groupId === null)!.config.template;
    });
  }

  it('signs the demo operator in and opens Automations from the navigation', async () => {
    await signInDemo(page, hearth);
    await page.getByRole('link', { name: 'Automations' }).click();
    await page.waitForURL(/\/automations$/);
    await page.getByTestId('automations-page').waitFor();
    await expect.poll(() => page.getByTestId('welcome-template').inputValue()).toMatch(/^Welcome \{name\} to \{group\}!/);
    // The preview fills the placeholders with sample values.
    expect(await page.getByTestId('welcome-preview').innerText()).toMatch(/^Welcome Alex to .+!/);
    // The demo's two FAQ answers.
    expect(await page.getByTestId('keyword-row').count()).toBe(2);
    expect(await page.getByTestId('keyword-table').innerText()).toContain('group rules');
    expect(await page.getByTestId('welcome-save').isDisabled()).toBe(true);
  });

  it('saves a new welcome template, and a member joining in the sandbox is greeted with it', async () => {
    const template = `Hi {name}! Glad you found {group}. Say hello (${suffix}).`;
    await page.getByTestId('welcome-template').fill(template);
    await expect.poll(() => page.getByTestId('welcome-preview').innerText()).toMatch(new RegExp(`^Hi Alex! Glad you found .+\\. Say hello \\(${suffix}\\)\\.$`));
    await page.getByTestId('welcome-save').click();
    await page.getByTestId('welcome-saved').waitFor();
    expect(await page.getByTestId('automation-error').count()).toBe(0);
    expect(await storedWelcomeTemplate()).toBe(template);

    await page.getByRole('link', { name: 'Sandbox chat' }).click();
    await page.getByTestId('sandbox-log').waitFor();
    const member = `Newcomer ${suffix}`;
    await page.getByTestId('sandbox-member').fill(member);
    await page.getByTestId('sandbox-join').click();
    await page
      .getByTestId('sandbox-entry')
      .filter({ hasText: `Hi ${member}! Glad you found` })
      .filter({ hasText: `Say hello (${suffix}).` })
      .first()
      .waitFor({ timeout: 20_000 });
  });

  it("an empty template is refused, with the server's message beside the form", async () => {
    await page.getByRole('link', { name: 'Automations' }).click();
    await page.getByTestId('automations-page').waitFor();
    await expect.poll(() => page.getByTestId('welcome-template').inputValue()).toContain(`(${suffix})`);
    await page.getByTestId('welcome-template').fill('');
    await page.getByTestId('welcome-save').click();
    const error = page.getByTestId('automation-error');
    await error.waitFor();
    // The server's 400, naming the field.
    expect(await error.innerText()).toMatch(/invalid welcome config: template: /);
    expect(await page.getByTestId('welcome-saved').count()).toBe(0);
    expect(await storedWelcomeTemplate()).toContain(`(${suffix})`);
  });

  it('a hostile template previews as literal text: no dialog, no injected element', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    await page.getByTestId('welcome-template').fill(hostile);
    await expect.poll(() => page.getByTestId('welcome-preview').innerText()).toBe(hostile);
    const preview = page.getByTestId('welcome-preview');
    expect(await preview.evaluate((el) => el.childElementCount)).toBe(0);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    // Give an onerror handler every chance to fire.
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await expect.poll(() => page.getByTestId('welcome-template').inputValue()).toContain(`(${suffix})`);
  });

  it('adds a keyword reply that the bot then gives in the sandbox, and switches it off', async () => {
    await page.getByTestId('keyword-add').click();
    await page.getByTestId('keyword-keywords').fill(`opening hours ${suffix}`);
    await page.getByTestId('keyword-reply').fill('We are open 9 to 5, {name}.');
    await expect.poll(() => page.getByTestId('keyword-preview').innerText()).toBe('We are open 9 to 5, Alex.');
    await page.getByTestId('keyword-save').click();
    await expect.poll(() => page.getByTestId('keyword-row').count()).toBe(3);

    await page.getByRole('link', { name: 'Sandbox chat' }).click();
    await page.getByTestId('sandbox-log').waitFor();
    const member = `Asker ${suffix}`;
    await page.getByTestId('sandbox-member').fill(member);
    await page.getByTestId('sandbox-text').fill(`what are your opening hours ${suffix}?`);
    await page.getByTestId('sandbox-send').click();
    await page
      .getByTestId('sandbox-entry')
      .filter({ hasText: `We are open 9 to 5, ${member}.` })
      .first()
      .waitFor({ timeout: 20_000 });

    await page.getByRole('link', { name: 'Automations' }).click();
    const added = page.getByTestId('keyword-row').filter({ hasText: `opening hours ${suffix}` });
    await added.waitFor();
    await added.getByTestId('keyword-toggle').click();
    await expect.poll(() => added.getAttribute('data-enabled')).toBe('false');
  });

  it('gives a group its own welcome, switches it off, and removes it', async () => {
    await page.getByTestId('override-add').click();
    const group = page.getByTestId('override-group');
    const options = await group.locator('option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent ?? '' })).filter((o) => o.value));
    const last = options.at(-1)!;
    await group.selectOption(last.value);
    await page.getByTestId('override-template').fill('Welcome to our corner, {name}.');
    await expect.poll(() => page.getByTestId('override-preview').innerText()).toBe('Welcome to our corner, Alex.');
    await page.getByTestId('override-save').click();
    const row = page.getByTestId('override-row');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toContain(last.text);
    await row.getByTestId('override-toggle').click();
    await expect.poll(() => row.getByTestId('override-toggle').isChecked()).toBe(false);
    await row.getByTestId('override-remove').click();
    await row.getByTestId('override-remove-confirm').click();
    await expect.poll(() => row.count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('an operator without the configure permission sees the automations with every control switched off', async () => {
    const { db } = server.runtime.store;
    const demo = await db.selectFrom('workspace').select('id').where('slug', '=', 'demo').executeTakeFirstOrThrow();
    await addOperator(db, { email: 'no-configure@hearth.local', workspaceId: demo.id, role: 'operator' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    try {
      const other = await context.newPage();
      await other.goto(`${server.url}/automations`);
      await signInThroughForm(other, 'no-configure@hearth.local', TEST_PASSWORD);
      await other.getByTestId('automations-readonly').waitFor();
      await other.getByTestId('welcome-template').waitFor();
      expect(await other.getByTestId('welcome-template').inputValue()).toContain(`(${suffix})`);
      expect(await other.getByTestId('welcome-template').isDisabled()).toBe(true);
      expect(await other.getByTestId('welcome-save').isDisabled()).toBe(true);
      expect(await other.getByTestId('keyword-add').isDisabled()).toBe(true);
      expect(await other.getByTestId('override-add').isDisabled()).toBe(true);
      expect(await other.getByTestId('keyword-toggle').first().isDisabled()).toBe(true);
      expect(await other.getByTestId('keyword-edit').first().isDisabled()).toBe(true);
      expect(await other.getByTestId('keyword-remove').first().isDisabled()).toBe(true);
    } finally {
      await context.close();
    }
  });
});
