import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { startServer, type RunningServer } from '../src/server/serve.js';
import { openStore } from '../src/store/database.js';
import { setUpWorkspace } from '../src/runtime/workspace-setup.js';
import { addOperator } from './helpers/auth-fixture.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { FakeBotApi } from './helpers/fake-bot-api.js';

const TOKEN = '700000001:AAconnections-page-test-token';
const PUBLIC_URL = 'https://hearth.example.test';

// Without Chromium the suite is skipped; test/helpers/browser.ts prints the one line saying so.
describe.runIf(hasChromium)('the Connections page in Chromium', { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-connections-browser-'));
  let server: RunningServer;
  let browser: Browser;
  let fake: FakeBotApi;
  let password = '';

  beforeAll(async () => {
    fake = await FakeBotApi.start({ token: TOKEN });
    const config = loadConfig({ HEARTH_DATA_DIR: dataDir, HEARTH_DEMO: '0', HEARTH_LOG_LEVEL: 'error', HEARTH_PUBLIC_URL: PUBLIC_URL });
    const store = await openStore(config.database);
    const ws = await setUpWorkspace(store.db, 'tea-house', 'Tea House');
    password = (await addOperator(store.db, { email: 'owner@tea.test', workspaceId: ws.id, role: 'owner' })).password;
    await store.close();
    server = await startServer(config, { port: 0, roles: ['web', 'worker'], hostname: '127.0.0.1' });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('an owner adds a Telegram bot on a phone: a refused token is named and not saved; the accepted one registers its webhook with its secret, shows its group and rights, pauses and goes', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(server.url);
    await page.getByTestId('login-email').fill('owner@tea.test');
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByTestId('connections-empty').waitFor();

    // A token Telegram does not know: the page says so, and nothing is saved.
    await page.getByTestId('connection-name').fill('tea-bot');
    await page.getByTestId('connection-token').fill('700000001:AAsomebody-elses-token-value');
    await page.getByTestId('connection-advanced').click();
    await page.getByTestId('connection-apiRoot').fill(fake.apiRoot);
    await page.getByTestId('connection-create').click();
    await expect.poll(() => page.getByTestId('connection-form-error').textContent()).toMatch(/Telegram does not accept this bot token/);
    expect(await page.getByTestId('connections-empty').isVisible()).toBe(true);
    expect(fake.callsTo('setWebhook')).toEqual([]);

    await page.getByTestId('connection-token').fill(TOKEN);
    await page.getByTestId('connection-create').click();
    const card = page.getByTestId('connection').filter({ hasText: 'tea-bot' });
    await card.waitFor();
    expect(await page.getByTestId('connection-form-error').count()).toBe(0);

    // Hearth registered the webhook itself, under its public URL, with a secret it generated.
    const { db } = server.runtime.store;
    const row = await db.selectFrom('connection').select(['id']).where('name', '=', 'tea-bot').executeTakeFirstOrThrow();
    const [set] = fake.callsTo('setWebhook');
    expect(set?.payload.url).toBe(`${PUBLIC_URL}/hooks/telegram/${row.id}`);
    const secret = String(set?.payload.secret_token);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(await page.content()).not.toContain(secret);

    // Telegram delivering with that secret reaches the group; without it, it does not.
    const deliver = (token: string) =>
      fetch(`${server.url}/hooks/telegram/${row.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': token },
        body: JSON.stringify({
          update_id: 9001,
          message: {
            message_id: 7,
            date: Math.floor(Date.now() / 1000),
            chat: { id: -1001234, type: 'supergroup', title: 'Tea Garden' },
            from: { id: 42, is_bot: false, first_name: 'Ann' },
            text: 'hello',
          },
        }),
      });
    expect((await deliver('not-the-secret')).status).toBe(401);
    await expect.poll(async () => (await deliver(secret)).status, { timeout: 15_000 }).toBe(200);
    await expect.poll(() => card.getByTestId('connection-groups').textContent(), { timeout: 20_000 }).toMatch(/1 groups: Tea Garden/);
    await expect.poll(() => card.textContent()).toMatch(/last event/);

    // The bot is a plain member there: it cannot read every message.
    await card.getByTestId('connection-rights-toggle').click();
    const rights = card.getByTestId('connection-group-rights').first();
    await rights.waitFor();
    expect(await rights.textContent()).toMatch(/reading messages: make it an administrator, or turn its privacy mode off/);

    // Nothing is wider than the phone.
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('main *, .page *')]
        .filter((e) => e.getBoundingClientRect().right > 391)
        .map((e) => `${e.tagName}.${e.className}`)
        .slice(0, 5),
    );
    expect(wide).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // In Chinese too.
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(() => page.locator('h1').textContent()).toBe('连接');
    expect(await card.getByTestId('connection-pause').textContent()).toBe('暂停');

    await card.getByTestId('connection-pause').click();
    await expect.poll(() => card.getAttribute('data-state')).toBe('paused');
    expect(fake.callsTo('deleteWebhook')).toHaveLength(1);

    await card.getByTestId('connection-remove').click();
    await page.getByTestId('connections-empty').waitFor();
    expect(fake.callsTo('deleteWebhook')).toHaveLength(2);
    expect(await db.selectFrom('connection').select('id').execute()).toEqual([]);
    await page.close();
  });
});
