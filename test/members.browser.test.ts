import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/serve.js';
import type { LinkSuggestionRecord } from '../src/shared/member-records.js';
import { linkSuggestionsInScope } from '../src/members/member-directory.js';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { type DemoServer, signInDemo, startDemoServer } from './helpers/demo-server.js';

const HOSTILE = '<img src=x onerror=alert(1)>';

// Without Chromium the suite is skipped; test/helpers/browser.ts prints the one line saying so.
describe.runIf(hasChromium)('the Members pages in Chromium', { timeout: 180_000 }, () => {
  let hearth: DemoServer;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    hearth = await startDemoServer('members-browser');
    server = hearth.server;
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it('finds a demo member, opens them, links the Telegram account suggested as the same person and exports them, on a phone, in en and zh-CN', async () => {
    const { db } = server.runtime.store;
    const demo = await db.selectFrom('workspace').select('id').where('slug', '=', 'demo').executeTakeFirstOrThrow();
    // The demo's imported Telegram group brings people who are also in its sandbox groups.
    const suggestions: LinkSuggestionRecord[] = await linkSuggestionsInScope(db, demo.id, null, { limit: 50 });
    const pair = suggestions.find((s) => s.platforms.join() === 'sandbox,telegram');
    expect(pair, JSON.stringify(suggestions)).toBeDefined();
    const [name] = pair!.names;
    // And someone whose name is markup.
    const hostile = await db.selectFrom('member').select('id').where('workspace_id', '=', demo.id).where('id', 'not in', [pair!.memberId, pair!.otherMemberId]).orderBy('id').executeTakeFirstOrThrow();
    await db.updateTable('member').set({ display_name: HOSTILE }).where('id', '=', hostile.id).execute();

    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signInDemo(page, hearth);
    await page.getByRole('link', { name: 'Members', exact: true }).click();
    await page.getByTestId('member-row').first().waitFor();
    const fitsPhone = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
    expect(await fitsPhone()).toBe(true);

    // The markup name is text on the page, not an element.
    await page.getByTestId('members-search').fill('<img');
    await page.getByTestId('members-apply').click();
    await expect.poll(() => page.getByTestId('member-link').allTextContents()).toEqual([HOSTILE]);
    expect(await page.getByTestId('members-table').locator('img').count()).toBe(0);

    // Search by name finds both accounts; filtered to Telegram, only that one.
    await page.getByTestId('members-search').fill(name);
    await page.getByTestId('members-apply').click();
    const rows = page.getByTestId('member-row');
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-member-id'))))).toEqual(expect.arrayContaining([pair!.memberId, pair!.otherMemberId]));
    await page.getByTestId('members-platform').selectOption('telegram');
    await page.getByTestId('members-apply').click();
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-member-id'))))).toEqual([pair!.otherMemberId]);
    expect(page.url()).toContain('platform=telegram');

    // Open the sandbox member: identities, figures, stays, and the suggestion naming them.
    await page.getByTestId('members-platform').selectOption('');
    await page.getByTestId('members-apply').click();
    await page.locator(`[data-testid="member-row"][data-member-id="${pair!.memberId}"] [data-testid="member-link"]`).click();
    await expect.poll(() => page.getByTestId('member-name').textContent()).toBe(name);
    expect(await page.getByTestId('member-identities').locator('tbody tr').count()).toBe(1);
    expect(await page.getByTestId('member-figures').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('member-stays').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await fitsPhone()).toBe(true);

    // Accept the suggestion: the Telegram identity is now theirs.
    const suggestion = page.locator(`[data-testid="link-suggestion"][data-other-member-id="${pair!.otherMemberId}"]`);
    await suggestion.getByTestId('link-accept').click();
    await suggestion.getByTestId('link-confirm').click();
    const identities = page.getByTestId('member-identities').locator('tbody tr');
    await expect.poll(() => identities.evaluateAll((els) => els.map((e) => e.getAttribute('data-platform')))).toEqual(['sandbox', 'telegram']);
    expect(await db.selectFrom('member').select('id').where('id', '=', pair!.otherMemberId).executeTakeFirst()).toBeUndefined();

    // Export: the downloaded document holds both identities.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('member-export').click()]);
    const doc = JSON.parse(await readFile((await download.path())!, 'utf8')) as { format: string; member: { id: number }; identities: { platform: string }[] };
    expect(doc).toMatchObject({ format: 'hearth.member-export', member: { id: pair!.memberId } });
    expect(doc.identities.map((i) => i.platform)).toEqual(['sandbox', 'telegram']);

    // The same page in Chinese.
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(() => page.getByTestId('member-personal-data').locator('h2').textContent()).toBe('个人数据');
    expect(await page.getByTestId('member-identities').locator('th').first().textContent()).toBe('平台');
    await page.getByRole('link', { name: '成员', exact: true }).first().click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('成员');
    expect(await fitsPhone()).toBe(true);
    expect(dialogs).toEqual([]);
  });
});
