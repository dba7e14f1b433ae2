import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { automationCatalog, buildAutomation } from '../src/automations/automation-catalog.js';
import { AutomationContext } from '../src/core/automation-context.js';
import { type EventInput, parseEvent } from '../src/core/event.js';
import { DEFAULT_WELCOME_TEMPLATE, KEYWORD_REPLY_DEFAULTS, WELCOME_DEFAULTS } from '../src/shared/automation-defaults.js';
import { keywordReplyConfigOf, welcomeConfigOf } from '../web/src/automation-config.js';
import { KeywordForm, SAMPLE_COUNT, WelcomeForm } from '../web/src/components/automation-forms.js';
import { I18nProvider } from '../web/src/i18n.js';

// The dashboard's language comes from the browser; Node 20 has no navigator, so say it is English.
beforeAll(() => {
  if (!('navigator' in globalThis)) Object.defineProperty(globalThis, 'navigator', { value: { language: 'en', languages: ['en'] }, configurable: true });
});

/** The en sample newcomer and group the dashboard previews with (i18n welcome.sampleName). */
const SAMPLE_NAME = 'Alex';
const SAMPLE_GROUP = 'Tea Lovers';

const TEMPLATES = [
  DEFAULT_WELCOME_TEMPLATE,
  'Hi {name}, welcome to {group} — we are {count} now. {unknown} stays.',
  '{constructor} {__proto__} {toString} {hasOwnProperty}',
  '<b>{name}</b> & <script>alert("{group}")</script> $& $1 {{count}}',
  '欢迎 {name} 加入 {group}！',
];

/** The text of the element with this test id, as the browser would show it. */
function textOf(html: string, testId: string): string {
  const match = new RegExp(`data-testid="${testId}">([^<]*)</div>`).exec(html);
  if (!match) throw new Error(`no ${testId} in ${html.slice(0, 200)}`);
  return match[1]!
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');
}

function render(form: ReactElement): string {
  return renderToStaticMarkup(createElement(I18nProvider, null, form));
}

const group = { id: 7, workspaceId: 1, name: SAMPLE_GROUP, platform: 'sandbox', timezone: 'UTC', memberCount: SAMPLE_COUNT };
const member = { id: 3, displayName: SAMPLE_NAME, isBot: false, joinsInGroup: 1, messagesInGroup: 0 };

/** What the server's rule, built from a stored config as the catalog builds it, sends for this event. */
function serverText(kind: 'welcome' | 'keyword-reply', config: unknown, event: EventInput): string | undefined {
  const ctx = new AutomationContext(parseEvent({ ...event, platform: 'sandbox', occurredAt: '2026-01-01T00:00:00Z', group: { id: 'g' }, dedupKey: 'k' }), group, member, 0);
  buildAutomation(kind, config)(ctx, () => {});
  const action = ctx.planned[0]?.action;
  return action && 'text' in action ? action.text : undefined;
}

const joined = { kind: 'member.joined', member: { id: 'a', name: SAMPLE_NAME } } as unknown as EventInput;
const asking = { kind: 'message', actor: { id: 'a' }, messageId: 'm1', text: 'what are the opening hours?' } as unknown as EventInput;

describe("the dashboard's live preview shows the text the server sends", () => {
  it.each(TEMPLATES)('welcome %j', (template) => {
    const html = render(createElement(WelcomeForm, { initial: welcomeConfigOf({ template }), testIdPrefix: 'welcome', sampleGroup: SAMPLE_GROUP, disabled: false, onSave: async () => {} }));
    expect(textOf(html, 'welcome-preview')).toBe(serverText('welcome', { template }, joined));
  });

  it.each(TEMPLATES)('keyword reply %j', (reply) => {
    const config = { keywords: ['opening hours'], reply };
    const html = render(createElement(KeywordForm, { initial: keywordReplyConfigOf(config), title: 'Reply', sampleGroup: SAMPLE_GROUP, disabled: false, onSave: async () => {}, onCancel: () => {} }));
    expect(textOf(html, 'keyword-preview')).toBe(serverText('keyword-reply', config, asking));
  });

  it('a welcome stored without settings is shown with the defaults the server runs it with', () => {
    expect(welcomeConfigOf({})).toEqual(welcomeConfigOf(undefined));
    expect(welcomeConfigOf({})).toEqual(automationCatalog.welcome.schema.parse({}));
    expect(welcomeConfigOf({})).toEqual(WELCOME_DEFAULTS);
    expect(keywordReplyConfigOf({ keywords: ['x'], reply: 'y' })).toEqual(automationCatalog['keyword-reply'].schema.parse({ keywords: ['x'], reply: 'y' }));
    expect(keywordReplyConfigOf({ keywords: ['x'], reply: 'y' }).quote).toBe(KEYWORD_REPLY_DEFAULTS.quote);
    const html = render(createElement(WelcomeForm, { initial: welcomeConfigOf({}), testIdPrefix: 'welcome', sampleGroup: SAMPLE_GROUP, disabled: false, onSave: async () => {} }));
    expect(textOf(html, 'welcome-preview')).toBe(serverText('welcome', {}, joined));
  });
});
