import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { type DemoServer, signInDemo, startDemoServer } from './helpers/demo-server.js';
import { importSeeds } from './helpers/import-seeds.js';

/** The importer's small Telegram export, grown to a few thousand messages (so its progress is seen) and with a pinned message (passed over, and says why). */
function telegramExport(extra: number): string {
  const doc = importSeeds()['telegram-json'].json as { messages: unknown[] };
  const start = Date.parse('2024-01-04T00:00:00Z');
  for (let i = 0; i < extra; i++) {
    const at = new Date(start + i * 60_000);
    doc.messages.push({
      id: 100 + i,
      type: 'message',
      date: at.toISOString().slice(0, 19),
      date_unixtime: String(at.getTime() / 1000),
      from: i % 2 ? 'Ann' : 'Bob',
      from_id: i % 2 ? 'user10' : 'user11',
      text: `note ${i}`,
    });
  }
  doc.messages.push({ id: 99, type: 'service', date: '2024-01-03T13:00:00', date_unixtime: '1704286800', actor: 'Ann', actor_id: 'user10', action: 'pin_message', message_id: 5, text: '' });
  return JSON.stringify(doc, null, 1);
}

// Without Chromium the suite is skipped; test/helpers/browser.ts prints the one line saying so.
describe.runIf(hasChromium)('the Import page in Chromium', { timeout: 180_000 }, () => {
  const files = mkdtempSync(join(tmpdir(), 'hearth-import-files-'));
  let hearth: DemoServer;
  let browser: Browser;

  beforeAll(async () => {
    hearth = await startDemoServer('import-browser');
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('an owner uploads a Telegram export, sees its progress and report; the same file again adds nothing; a broken one stores nothing; on a phone, in en and zh-CN', async () => {
    const extra = 6_000;
    const good = join(files, 'result.json');
    writeFileSync(good, telegramExport(extra));
    const broken = join(files, 'broken.json');
    writeFileSync(broken, telegramExport(10).slice(0, -50));
    const events = 7 + extra;

    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    await signInDemo(page, hearth);
    await page.getByRole('link', { name: 'Import', exact: true }).click();
    await page.getByTestId('imports-empty').waitFor();

    // Everything the page shows on the way, however briefly: the upload bar, then the import's phases.
    await page.evaluate(() => {
      const seen = new Set<string>();
      (window as unknown as { seen: Set<string> }).seen = seen;
      const look = () => {
        if (document.querySelector('[data-testid="import-upload-progress"]')) seen.add('uploading');
        const detail = document.querySelector('[data-testid="import-detail"]');
        if (detail && document.querySelector('[data-testid="import-progress"]')) seen.add(detail.getAttribute('data-status') ?? '');
      };
      new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    const seen = () => page.evaluate(() => [...(window as unknown as { seen: Set<string> }).seen].sort());

    await page.getByTestId('import-file').setInputFiles(good);
    expect(await page.getByTestId('import-format').inputValue()).toBe('telegram-json');
    await page.getByTestId('import-start').click();
    const detail = page.getByTestId('import-detail');
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(await seen()).toEqual(expect.arrayContaining(['uploading']));
    expect((await seen()).some((s) => s === 'checking' || s === 'importing')).toBe(true);
    expect(await page.getByTestId('import-summary').textContent()).toBe(`${events.toLocaleString('en-US')} events read: ${events.toLocaleString('en-US')} new, 0 already there.`);
    expect(await page.getByTestId('import-groups').textContent()).toContain('Bakers');
    expect(await page.getByTestId('import-skipped').textContent()).toMatch(/service entries \(pin_message\)\s*× 1/);
    await expect.poll(() => page.getByTestId('import-row').count()).toBe(1);

    // The same file again: read in full, nothing new.
    await page.getByTestId('import-file').setInputFiles(good);
    await page.getByTestId('import-start').click();
    await expect.poll(() => page.getByTestId('import-row').count(), { timeout: 15_000 }).toBe(2);
    await expect
      .poll(() => page.getByTestId('import-summary').textContent(), { timeout: 60_000 })
      .toBe(`${events.toLocaleString('en-US')} events read, all of them already there: nothing new was added.`);

    // A broken file: nothing stored, and the page says what is wrong and where.
    const { db } = hearth.server.runtime.store;
    const stored = (await db.selectFrom('event').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    await page.getByTestId('import-file').setInputFiles(broken);
    await page.getByTestId('import-start').click();
    await expect
      .poll(() => page.getByTestId('import-error').textContent({ timeout: 60_000 }), { timeout: 60_000 })
      .toMatch(/^Nothing was imported\. broken\.json \(.+\): not valid JSON: .+; nothing of it was stored$/);
    expect((await db.selectFrom('event').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n).toBe(stored);

    // The imported group is in the workspace.
    const group = await db.selectFrom('chat_group').select('name').where('external_id', '=', '-1003001').executeTakeFirst();
    expect(group?.name).toBe('Bakers');

    // Form, report and history fit the phone, every field inside them too (the table scrolls inside its own box).
    const widest = await page.evaluate(() =>
      Math.max(
        ...[...document.querySelectorAll('[data-testid="import-form"], [data-testid="import-form"] *, [data-testid="import-detail"], [data-testid="import-detail"] *, .table-wrap')].map(
          (e) => e.getBoundingClientRect().right,
        ),
      ),
    );
    expect(widest).toBeLessThanOrEqual(391);

    await page.getByTestId('lang-switch').selectOption('zh-CN');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('导入历史记录');
    await page.getByTestId('import-row').first().waitFor();
    await page.getByTestId('import-show').nth(1).click();
    await expect.poll(() => page.getByTestId('import-summary').textContent(), { timeout: 10_000 }).toBe(`读取 ${events.toLocaleString('zh-CN')} 条事件，全部已存在：没有新增内容。`);
    expect(await page.getByTestId('import-row').first().textContent()).toContain('失败');
    await page.close();
  });
});
