import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseAlert } from '../src/alerts/alert-store.js';
import type { RunningServer } from '../src/server/serve.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { type DemoServer, signInDemo, startDemoServer } from './helpers/demo-server.js';

// Without Chromium the suite is skipped; test/helpers/browser.ts prints the one line saying so.
describe.runIf(hasChromium)('silence alerts in the dashboard, in Chromium', { timeout: 300_000 }, () => {
  let hearth: DemoServer;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    hearth = await startDemoServer('alerts-browser');
    server = hearth.server;
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it("lists the demo's silence alerts, flags the group silent now on the overview, in en and zh-CN, on a phone", async () => {
    const { db } = server.runtime.store;
    const demo = await db.selectFrom('workspace').select('id').where('slug', '=', 'demo').executeTakeFirstOrThrow();
    const seeded = await db.selectFrom('alert').select(['group_id']).where('workspace_id', '=', demo.id).where('kind', '=', 'silence').execute();
    expect(seeded.length).toBeGreaterThan(0);
    // A group the watchdog flags now: its stretch began at its last member message.
    const group = await db
      .selectFrom('member_group_total as t')
      .innerJoin('chat_group as g', 'g.id', 't.group_id')
      .select(['g.id', 'g.name', (eb) => eb.fn.max('t.last_message_at').as('last')])
      .where('g.workspace_id', '=', demo.id)
      .groupBy(['g.id', 'g.name'])
      .orderBy('last')
      .executeTakeFirstOrThrow();
    const since = Number(group.last);
    // The demo's own look back may have flagged this stretch already: raise it afresh, with a topic.
    await db.deleteFrom('alert').where('dedup_key', '=', `silence:${group.id}:${since}`).execute();
    await raiseAlert(db, {
      workspaceId: demo.id,
      groupId: group.id,
      kind: 'silence',
      dedupKey: `silence:${group.id}:${since}`,
      at: Date.now(),
      detail: { silentSince: new Date(since).toISOString(), silentMinutes: 665, thresholdMinutes: 720, notifiedGroupId: null, topic: 'Who tried a new recipe this week?' },
    });

    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    await signInDemo(page, hearth);
    const flagged = page.locator(`[data-testid="group-row"][data-group-id="${group.id}"]`);
    await expect.poll(() => flagged.getAttribute('data-silent'), { timeout: 30_000 }).toBe('true');
    expect(await page.locator('[data-testid="group-row"][data-silent="true"]').count()).toBe(1);
    expect(await page.getByTestId('overview-totals').innerText()).toContain('1 flagged silent');

    await page.getByRole('link', { name: 'Alerts' }).click();
    const rows = page.getByTestId('alert-row');
    await rows.first().waitFor({ timeout: 30_000 });
    const stored = await db.selectFrom('alert').select('id').where('workspace_id', '=', demo.id).execute();
    expect(await rows.count()).toBe(stored.length);
    const newest = await rows.first().innerText();
    expect(newest).toContain(group.name);
    expect(newest).toContain('Silence');
    expect(newest).toContain('Topic posted: Who tried a new recipe this week?');
    // On a phone the page does not scroll sideways (the table and the section strip scroll within themselves).
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);

    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(() => page.locator('h1').innerText(), { timeout: 15_000 }).toBe('提醒');
    expect(await rows.first().innerText()).toContain('冷场');
    expect(await rows.first().innerText()).toContain('已发布话题');
    await page.close();
  });
});
