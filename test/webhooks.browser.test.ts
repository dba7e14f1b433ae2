import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/serve.js';
import { verifySignature } from '../src/webhooks/webhook-signature.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { type DemoServer, signInDemo, startDemoServer } from './helpers/demo-server.js';

// Without Chromium the suite is skipped; test/helpers/browser.ts prints the one line saying so.
describe.runIf(hasChromium)('the Webhooks page in Chromium', { timeout: 180_000 }, () => {
  let hearth: DemoServer;
  let server: RunningServer;
  let browser: Browser;
  let receiver: Server;
  let receiverUrl = '';
  const got: { signature: string; body: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ signature: String(req.headers['x-hearth-signature']), body: Buffer.concat(chunks).toString('utf8') });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/crm`;
    hearth = await startDemoServer('webhooks-browser');
    server = hearth.server;
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('registers a webhook, shows its secret once, its signed deliveries and a redelivery, on a phone, in en and zh-CN', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    await signInDemo(page, hearth);
    await page.goto(`${server.url}/webhooks`);

    // The demo's CRM sync, disabled after its receiver went down, says so.
    await expect.poll(() => page.getByTestId('webhook-disabled-note').first().textContent()).toMatch(/disabled after 50 failed attempts in a row/);

    await page.getByTestId('webhook-url').fill(receiverUrl);
    await page.getByTestId('webhook-create').click();
    const secret = (await page.getByTestId('webhook-secret').locator('code').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    const card = page.getByTestId('webhook').filter({ hasText: receiverUrl });
    await card.waitFor();

    // A member joins a sandbox group: the receiver gets it, signed with the secret shown.
    const { db } = server.runtime.store;
    const demo = await db.selectFrom('workspace').select('id').where('slug', '=', 'demo').executeTakeFirstOrThrow();
    const group = await db.selectFrom('chat_group').select('id').where('workspace_id', '=', demo.id).where('platform', '=', 'sandbox').orderBy('id').executeTakeFirstOrThrow();
    const joined = await page.evaluate(
      async ({ id }) => {
        const session = await (await fetch('/api/auth/session')).json();
        const res = await fetch(`/api/sandbox/groups/${id}/join`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'X-CSRF-Token': session.csrfToken },
          body: JSON.stringify({ member: 'Webhook Wendy' }),
        });
        return res.status;
      },
      { id: group.id },
    );
    expect(joined).toBe(200);
    await expect.poll(() => got.filter((g) => JSON.parse(g.body).kind === 'member.joined').length, { timeout: 15_000 }).toBe(1);
    const delivery = got.find((g) => JSON.parse(g.body).kind === 'member.joined')!;
    expect(verifySignature(secret, delivery.body, delivery.signature)).toBe(true);

    await card.getByTestId('webhook-open').click();
    const row = card.getByTestId('webhook-delivery').filter({ hasText: 'member.joined' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('delivered');
    const before = got.length;
    await row.getByTestId('webhook-redeliver').click();
    await expect.poll(() => got.length, { timeout: 15_000 }).toBe(before + 1);
    expect(got.at(-1)!.body).toBe(delivery.body);

    // The page's cards, form and secret fit the phone (a wide table scrolls inside its card).
    const widest = await page.evaluate(() =>
      Math.max(...[...document.querySelectorAll('[data-testid="webhook"], [data-testid="webhook-form"], [data-testid="webhook-secret"]')].map((e) => e.getBoundingClientRect().right)),
    );
    expect(widest).toBeLessThanOrEqual(391);

    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('已送达');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhook');
    await page.close();
  });
});
