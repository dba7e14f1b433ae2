import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/serve.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { type DemoServer, signInDemo, startDemoServer } from './helpers/demo-server.js';

// Without Chromium the suite is skipped; test/helpers/browser.ts prints the one line saying so.
describe.runIf(hasChromium)('parked actions on the Outbox page in Chromium', { timeout: 120_000 }, () => {
  let hearth: DemoServer;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    hearth = await startDemoServer('outbox-browser');
    server = hearth.server;
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it('shows a parked welcome with why, sends it again on request, and reads in zh-CN', async () => {
    const { db } = server.runtime.store;
    const demo = await db.selectFrom('workspace').select('id').where('slug', '=', 'demo').executeTakeFirstOrThrow();
    const group = await db.selectFrom('chat_group').select(['id', 'name']).where('workspace_id', '=', demo.id).orderBy('id').executeTakeFirstOrThrow();
    const now = Date.now();
    const [row] = await db
      .insertInto('outbox')
      .values({
        workspace_id: demo.id,
        group_id: group.id,
        platform: 'sandbox',
        idempotency_key: 'browser-parked-1',
        action: JSON.stringify({ type: 'send_message', groupId: group.id, text: 'Welcome back, Juniper!', mentions: [], rule: 'welcome' }),
        status: 'parked',
        parked_reason: 'refused',
        parked_at: now,
        last_error: 'sandbox send_message: not enough rights to send text messages to the chat',
        attempts: 1,
        next_attempt_at: now,
        created_at: now,
      })
      .returning('id')
      .execute();

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    await signInDemo(page, hearth);
    await page.getByRole('link', { name: 'Outbox' }).click();
    const parked = page.locator(`[data-testid="outbox-row"][data-id="${row!.id}"]`);
    await parked.waitFor();
    const text = await parked.innerText();
    expect(text).toContain(group.name);
    expect(text).toContain('Welcome back, Juniper!');
    expect(text).toContain('Refused by the platform');
    expect(text).toContain('not enough rights');

    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(() => parked.innerText()).toContain('平台拒绝');
    expect(await page.locator('h1').innerText()).toBe('发送队列');

    await parked.getByTestId('outbox-requeue').click();
    await page.getByTestId('outbox-notice').waitFor();
    await expect.poll(() => page.locator(`[data-testid="outbox-row"][data-id="${row!.id}"]`).count()).toBe(0);
    await expect.poll(async () => (await db.selectFrom('outbox').select('status').where('id', '=', row!.id).executeTakeFirstOrThrow()).status, { timeout: 15_000 }).toBe('done');
    const audit = await db.selectFrom('audit_log').select(['action', 'actor_label']).where('action', '=', 'outbox.requeued').execute();
    expect(audit).toEqual([{ action: 'outbox.requeued', actor_label: 'demo@hearth.local' }]);
    await page.close();
  });
});
