import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from './helpers/browser.js';
import { type DemoServer, signInDemo, startDemoServer } from './helpers/demo-server.js';

const INVITEE = 'new.operator@example.test';
const INVITEE_PASSWORD = 'tea and biscuits at four';

/** What an API call made from the page's own session answers. */
function statusOf(page: Page, path: string, headers: Record<string, string> = {}): Promise<number> {
  return page.evaluate(async ({ path, headers }) => (await fetch(path, { headers })).status, { path, headers });
}

/** The widest of these elements' right edges, to check the page fits a phone. */
function widest(page: Page, selector: string): Promise<number> {
  return page.evaluate((s) => Math.max(...[...document.querySelectorAll(s)].map((e) => e.getBoundingClientRect().right)), selector);
}

// Without Chromium the suite is skipped; test/helpers/browser.ts prints the one line saying so.
describe.runIf(hasChromium)('the Team and API tokens pages in Chromium', { timeout: 180_000 }, () => {
  let hearth: DemoServer;
  let browser: Browser;

  beforeAll(async () => {
    hearth = await startDemoServer('team-browser');
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await hearth?.close();
  });

  it('an owner invites an operator on a phone, who sets a password through the link and is signed in; disabled, their next call is refused; a token is made once and revoked', async () => {
    const owner = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    owner.on('dialog', (d) => void d.accept());
    await signInDemo(owner, hearth);
    await owner.goto(`${hearth.url}/team`);

    // Invite: the one-time link is shown once.
    await owner.getByTestId('team-invite-email').fill(INVITEE);
    await owner.getByTestId('team-invite-role').selectOption('operator');
    await owner.getByTestId('team-invite-submit').click();
    const link = (await owner.getByTestId('team-invite-link').locator('code').textContent())!;
    expect(link).toMatch(new RegExp(`^${hearth.url}/invite/hti_[A-Za-z0-9_-]{43}$`));
    await expect.poll(() => owner.getByTestId('team-invitation').first().getAttribute('data-status')).toBe('pending');
    expect(await widest(owner, '[data-testid="team-member"], [data-testid="team-invite-form"], [data-testid="team-invite-link"]')).toBeLessThanOrEqual(391);

    // The invitee, in a browser of their own, opens the link and sets their password.
    const theirs = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    const invitee = await theirs.newPage();
    await invitee.goto(link);
    expect(await invitee.getByTestId('invite-offer').textContent()).toBe('You are invited to Demo community as Operator.');
    expect(await invitee.getByTestId('invite-email').inputValue()).toBe(INVITEE);
    await invitee.getByTestId('invite-password').fill(INVITEE_PASSWORD);
    await invitee.getByTestId('invite-password-again').fill(INVITEE_PASSWORD);
    await invitee.getByTestId('invite-submit').click();
    await invitee.getByTestId('group-row').first().waitFor();
    expect(await invitee.getByTestId('account').textContent()).toBe(INVITEE);
    expect(new URL(invitee.url()).pathname).toBe('/');
    expect(await statusOf(invitee, '/api/groups')).toBe(200);
    // The link worked once.
    const again = await theirs.newPage();
    await again.goto(link);
    await again.getByTestId('invite-dead').waitFor();

    // The owner disables them: their very next call is refused.
    await owner.reload();
    const card = owner.getByTestId('team-member').filter({ hasText: INVITEE });
    await card.getByTestId('team-member-disable').click();
    await expect.poll(() => card.getAttribute('data-disabled')).toBe('true');
    expect(await statusOf(invitee, '/api/groups')).toBe(401);
    await invitee.reload();
    await invitee.getByTestId('login-email').waitFor();

    // In Chinese, the page and its words.
    await owner.getByTestId('lang-switch').selectOption('zh-CN');
    expect(await owner.getByRole('heading', { level: 1 }).textContent()).toBe('团队');
    await expect.poll(() => card.textContent()).toContain('已停用');
    await owner.getByTestId('lang-switch').selectOption('en');

    // API tokens: made with scopes and an expiry, the secret shown once, listed, revoked.
    await owner.goto(`${hearth.url}/tokens`);
    await owner.getByTestId('token-name').fill('nightly report');
    await owner.getByTestId('token-scope-act').check();
    await owner.getByTestId('token-days').selectOption('30');
    await owner.getByTestId('token-create').click();
    const secret = (await owner.getByTestId('token-secret').locator('code').textContent())!;
    expect(secret).toMatch(/^hth_/);
    const token = owner.getByTestId('token').filter({ hasText: 'nightly report' });
    await expect.poll(() => token.getAttribute('data-state')).toBe('live');
    expect(await token.textContent()).toContain('read, act');
    expect(await statusOf(owner, '/api/groups', { authorization: `Bearer ${secret}` })).toBe(200);
    expect(await widest(owner, '[data-testid="token"], [data-testid="token-form"], [data-testid="token-secret"]')).toBeLessThanOrEqual(391);
    await token.getByTestId('token-revoke').click();
    await expect.poll(() => token.getAttribute('data-state')).toBe('revoked');
    expect(await statusOf(owner, '/api/groups', { authorization: `Bearer ${secret}` })).toBe(401);
    await owner.reload();
    expect(await owner.getByTestId('token-secret').count()).toBe(0);

    // Each change is in the audit log.
    const { db } = hearth.server.runtime.store;
    const actions = (await db.selectFrom('audit_log').select('action').where('action', 'like', 'team.%').execute()).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['team.invited', 'team.invitation_accepted', 'team.disabled']));
    await theirs.close();
    await owner.close();
  });
});
