import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAutomation } from '../src/automations/automation-store.js';
import type { RunningServer } from '../src/server/serve.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { type DemoServer, signInDemo, startDemoServer } from './helpers/demo-server.js';

// Without Chromium the suite is skipped; test/helpers/browser.ts prints the one line saying so.
describe.runIf(hasChromium)('rule problems on the Automations page in Chromium', { timeout: 120_000 }, () => {
  let hearth: DemoServer;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    hearth = await startDemoServer('rule-problems-browser');
    server = hearth.server;
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it('shows a reply too long to send against its rule, with why, how often and where, in en and zh-CN', async () => {
    const { db } = server.runtime.store;
    const demo = await db.selectFrom('workspace').select('id').where('slug', '=', 'demo').executeTakeFirstOrThrow();
    const id = await addAutomation(db, { workspaceId: demo.id, kind: 'keyword-reply', config: { keywords: ['price list'], reply: '{name} '.repeat(280), quote: false } });
    server.runtime.automations.invalidate();
    const asked = (n: number) => ({
      platform: 'sandbox',
      kind: 'message',
      dedupKey: `problem-ask-${n}`,
      occurredAt: new Date().toISOString(),
      group: { id: 'problems-room', title: 'Price Questions' },
      actor: { id: `long-${n}`, name: 'Maximiliana Featherstonehaugh' },
      messageId: `pq${n}`,
      text: 'where is the price list?',
    });
    const results = await server.runtime.ingest([asked(1), asked(2)], { workspaceId: demo.id });
    expect(results.map((r) => r.status)).toEqual(['stored', 'stored']);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    await signInDemo(page, hearth);
    await page.getByRole('link', { name: 'Automations' }).click();
    const row = page.locator(`[data-testid="problem-row"][data-automation-id="${id}"]`);
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain(`Keyword reply #${id}`);
    expect(text).toContain('Not sent');
    expect(text).toContain('Send a message: message text longer than 4096 characters');
    expect(text).toContain('Price Questions');
    expect(text).toContain('problem-ask-2');
    expect(await row.locator('td').nth(2).innerText()).toBe('2');

    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(() => page.getByTestId('problems-section').innerText()).toContain('规则问题');
    const zh = await row.innerText();
    expect(zh).toContain('未发送');
    expect(zh).toContain('发送消息：消息超过 4096 字');
    expect(zh).not.toContain('longer than');
    await page.close();
  });
});
