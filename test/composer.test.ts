import { describe, expect, it } from 'vitest';
import { AutomationContext } from '../src/core/automation-context.js';
import { Composer, compose } from '../src/core/composer.js';
import { parseEvent, type EventInput } from '../src/core/event.js';
import { keywordReplyRule } from '../src/automations/keyword-reply-rule.js';
import { welcomeRule } from '../src/automations/welcome-rule.js';
import { buildAutomation } from '../src/automations/automation-catalog.js';

const group = { id: 7, workspaceId: 1, name: 'Makers', platform: 'sandbox', timezone: 'UTC', memberCount: 12 };
const member = { id: 3, displayName: 'Ada', isBot: false, joinsInGroup: 1, messagesInGroup: 0 };
const base = { platform: 'sandbox', occurredAt: '2026-01-01T00:00:00Z', group: { id: 'g' } } as const;

function ctx(event: EventInput, overrides: Partial<typeof member> = {}) {
  return new AutomationContext(parseEvent({ ...base, ...event, dedupKey: 'k' }), group, { ...member, ...overrides }, 0);
}
const message = (text: string) => ({ kind: 'message', actor: { id: 'a' }, messageId: 'm1', text }) as unknown as EventInput;
const joined = { kind: 'member.joined', member: { id: 'a', name: 'Ada' } } as unknown as EventInput;

describe('the automation pipeline', () => {
  it('runs middleware in order, each deciding whether the rest runs', () => {
    const seen: string[] = [];
    const bot = new Composer()
      .use((_c, next) => {
        seen.push('a');
        next();
      })
      .use(() => seen.push('b (stops)'))
      .use(() => seen.push('never'));
    bot.run(ctx(joined));
    expect(seen).toEqual(['a', 'b (stops)']);
  });

  it('filters by event kind and by predicate, then goes on', () => {
    const seen: string[] = [];
    const bot = new Composer()
      .on('message', (c, next) => {
        seen.push(`message:${c.event.kind}`);
        next();
      })
      .on('member.joined', (_c, next) => {
        seen.push('joined');
        next();
      })
      .filter((c) => c.member.isBot, () => seen.push('bot'))
      .use(() => seen.push('end'));
    bot.run(ctx(message('hi')));
    bot.run(ctx(joined, { isBot: true }));
    expect(seen).toEqual(['message:message', 'end', 'joined', 'bot']);
  });

  it('routes to one branch, or the fallback', () => {
    const seen: string[] = [];
    const bot = new Composer().route((c) => c.event.kind, { message: () => seen.push('m') }, () => seen.push('other'));
    bot.run(ctx(message('x')));
    bot.run(ctx(joined));
    expect(seen).toEqual(['m', 'other']);
  });

  it('refuses next() called twice', () => {
    const twice = compose([(_c, next) => (next(), next())]);
    expect(() => twice(ctx(joined), () => {})).toThrow(/next\(\) called twice/);
  });

  it('welcomes first joins only (by default), never bots, with the template filled', () => {
    const rule = welcomeRule({ template: 'Hi {name}, welcome to {group} ({count}) {unknown}', delaySeconds: 30, firstJoinOnly: true, mention: true });
    const c = ctx(joined);
    rule(c, () => {});
    expect(c.planned).toEqual([{ rule: 'welcome', delaySeconds: 30, action: { type: 'send_message', groupId: 7, text: 'Hi Ada, welcome to Makers (12) {unknown}', mentions: [3] } }]);
    const again = ctx(joined, { joinsInGroup: 2 });
    rule(again, () => {});
    const bot = ctx(joined, { isBot: true });
    rule(bot, () => {});
    expect([again.planned, bot.planned]).toEqual([[], []]);
  });

  it('answers a keyword, case-insensitively, as a reply to the question', () => {
    const rule = keywordReplyRule({ keywords: ['Opening Hours', '营业时间'], reply: 'We open at 9, {name}.', quote: true });
    const c = ctx(message('what are the opening hours?'));
    rule(c, () => {});
    expect(c.planned.map((p) => p.action)).toEqual([{ type: 'send_message', groupId: 7, text: 'We open at 9, Ada.', replyTo: 'm1' }]);
    const zh = ctx(message('请问营业时间是几点'));
    rule(zh, () => {});
    expect(zh.planned).toHaveLength(1);
    const none = ctx(message('hello'));
    rule(none, () => {});
    expect(none.planned).toEqual([]);
  });

  it('names what is wrong with an automation\'s configuration', () => {
    expect(() => buildAutomation('welcome', { template: '' })).toThrow(/invalid welcome config: template/);
    expect(() => buildAutomation('keyword-reply', { keywords: [], reply: 'x' })).toThrow(/keywords/);
    expect(() => buildAutomation('teleport', {})).toThrow(/unknown automation kind: teleport/);
  });
});
