import { describe, expect, it } from 'vitest';
import { AutomationContext } from '../src/core/automation-context.js';
import { Composer, compose } from '../src/core/composer.js';
import { parseEvent, type EventInput } from '../src/core/event.js';
import { keywordReplyRule } from '../src/automations/keyword-reply-rule.js';
import { welcomeRule } from '../src/automations/welcome-rule.js';
import { buildAutomation } from '../src/automations/automation-catalog.js';
import type { Capability } from '../src/core/capabilities.js';
import { actionSchema, checkAction } from '../src/core/action.js';

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
      .filter(
        (c) => c.member.isBot,
        () => seen.push('bot'),
      )
      .use(() => seen.push('end'));
    bot.run(ctx(message('hi')));
    bot.run(ctx(joined, { isBot: true }));
    expect(seen).toEqual(['message:message', 'end', 'joined', 'bot']);
  });

  it('routes to one branch, or the fallback', () => {
    const seen: string[] = [];
    const bot = new Composer().route(
      (c) => c.event.kind,
      { message: () => seen.push('m') },
      () => seen.push('other'),
    );
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
    expect(c.planned.map((p) => p.action)).toEqual([{ type: 'send_message', groupId: 7, text: 'We open at 9, Ada.', replyTo: 'm1', mentions: [] }]);
    const zh = ctx(message('请问营业时间是几点'));
    rule(zh, () => {});
    expect(zh.planned).toHaveLength(1);
    const none = ctx(message('hello'));
    rule(none, () => {});
    expect(none.planned).toEqual([]);
  });

  it("names what is wrong with an automation's configuration", () => {
    expect(() => buildAutomation('welcome', { template: '' })).toThrow(/invalid welcome config: template/);
    expect(() => buildAutomation('keyword-reply', { keywords: [], reply: 'x' })).toThrow(/keywords/);
    expect(() => buildAutomation('teleport', {})).toThrow(/unknown automation kind: teleport/);
  });
});

describe('an action checked where it is planned', () => {
  const withGroup = (facts: { capabilities?: ReadonlySet<Capability>; maxTextLength?: number }, event: EventInput = message('opening hours?')) =>
    new AutomationContext(parseEvent({ ...base, ...event, dedupKey: 'evt-1' }), { ...group, platform: 'wechat', ...facts }, member, 1_000);

  it('does not plan a message longer than any platform allows, and records why against the rule and the event', () => {
    const c = withGroup({});
    c.runRule({ automationId: 42, kind: 'keyword-reply' }, () => {
      keywordReplyRule({ keywords: ['hours'], reply: '{name}'.repeat(1700), quote: true })(c, () => {});
      c.act('keyword-reply', { type: 'send_message', groupId: 7, text: 'a short one' });
    });
    expect(c.planned.map((p) => p.action.type === 'send_message' && p.action.text)).toEqual(['a short one']);
    expect(c.problems).toEqual([
      {
        automationId: 42,
        kind: 'keyword-reply',
        problem: 'invalid',
        reason: 'send_message: message text longer than 4096 characters',
        detail: '5100 characters',
        dedupKey: 'evt-1',
        groupId: 7,
        at: 1_000,
      },
    ]);
  });

  it("holds a message to the platform's own shorter limit, naming the platform", () => {
    const c = withGroup({ maxTextLength: 2000 });
    c.act('welcome', { type: 'send_message', groupId: 7, text: 'x'.repeat(2001) });
    c.act('welcome', { type: 'send_message', groupId: 7, text: 'x'.repeat(2000) });
    expect(c.planned).toHaveLength(1);
    expect(c.problems[0]).toMatchObject({ problem: 'invalid', reason: 'send_message: message text longer than 2000 characters (the limit on wechat)', detail: '2001 characters' });
  });

  it('names the field of any other malformed action and plans nothing for it', () => {
    const c = withGroup({});
    c.act('spam-guard', { type: 'mute_member', groupId: 7, memberId: -1 });
    c.act('spam-guard', { type: 'send_message', groupId: 7, text: '' });
    expect(c.planned).toEqual([]);
    expect(c.problems.map((p) => [p.kind, p.reason])).toEqual([
      ['spam-guard', expect.stringMatching(/^mute_member: memberId: /)],
      ['spam-guard', expect.stringMatching(/^send_message: text: /)],
    ]);
  });

  it('plans what the platform can do as asked, and a fallback for what it cannot, telling the operator', () => {
    const wechat = new Set<Capability>(['send', 'mention', 'remove']);
    const c = withGroup({ capabilities: wechat });
    c.runRule({ automationId: 5, kind: 'spam-guard' }, () => {
      c.act('spam-guard', { type: 'send_message', groupId: 7, text: 'please stop', replyTo: 'm1', mentions: [3] });
      c.act('spam-guard', { type: 'mute_member', groupId: 7, memberId: 3, seconds: 600 });
      c.act('spam-guard', { type: 'ban_member', groupId: 7, memberId: 3 });
    });
    expect(c.planned.map((p) => [p.rule, p.action])).toEqual([
      ['spam-guard', { type: 'send_message', groupId: 7, text: 'please stop', mentions: [3] }],
      ['spam-guard', { type: 'alert_operator', groupId: 7, severity: 'warning', text: 'cannot mute on wechat: please mute Ada for 600 seconds by hand' }],
      ['spam-guard', { type: 'remove_member', groupId: 7, memberId: 3 }],
      ['spam-guard', { type: 'alert_operator', groupId: 7, severity: 'info', text: 'cannot ban on wechat: Ada was removed instead and may join again' }],
    ]);
    expect(c.problems.map((p) => [p.automationId, p.problem, p.reason, p.detail])).toEqual([
      [5, 'fallback', 'send_message needs reply, which wechat cannot do: sent a plain message instead', null],
      [5, 'fallback', 'mute_member needs mute, which wechat cannot do: alerted the operator to do it by hand', 'cannot mute on wechat: please mute Ada for 600 seconds by hand'],
      [5, 'fallback', 'ban_member needs ban, which wechat cannot do: removed the member instead', 'cannot ban on wechat: Ada was removed instead and may join again'],
    ]);
  });

  it('keeps the other rules running when one plans an action that cannot be sent', () => {
    const c = withGroup({});
    new Composer()
      .use((ctx, next) => ctx.runRule({ automationId: 1, kind: 'keyword-reply' }, () => keywordReplyRule({ keywords: ['hours'], reply: '{name}'.repeat(1700), quote: false })(ctx, next)))
      .use((ctx, next) => ctx.runRule({ automationId: 2, kind: 'keyword-reply' }, () => keywordReplyRule({ keywords: ['hours'], reply: 'We open at 9.', quote: false })(ctx, next)))
      .run(c);
    expect(c.planned.map((p) => p.action)).toEqual([{ type: 'send_message', groupId: 7, text: 'We open at 9.', mentions: [] }]);
    expect(c.problems.map((p) => p.automationId)).toEqual([1]);
  });
});

describe('the quick check of a message', () => {
  it('accepts and builds exactly what the action schema does, and refuses what it refuses', () => {
    const inputs: unknown[] = [
      { type: 'send_message', groupId: 1, text: 'hi' },
      { type: 'send_message', groupId: 1, text: 'hi', replyTo: 'm1', mentions: [2, 3], extra: 'dropped' },
      { type: 'send_message', groupId: 1, text: 'x'.repeat(4096) },
      { type: 'send_message', groupId: 0, text: 'hi' },
      { type: 'send_message', groupId: 1.5, text: 'hi' },
      { type: 'send_message', groupId: 1, text: '' },
      { type: 'send_message', groupId: 1, text: 'hi', replyTo: 7 },
      { type: 'send_message', groupId: 1, text: 'hi', mentions: [0] },
      { type: 'send_message', groupId: 1, text: 'hi', mentions: 'all' },
      { type: 'send_message', groupId: '1', text: 'hi' },
    ];
    for (const input of inputs) {
      const schema = actionSchema.safeParse(input);
      const checked = checkAction(input);
      expect(checked.ok, JSON.stringify(input)).toBe(schema.success);
      if (checked.ok && schema.success) expect(JSON.stringify(checked.action)).toBe(JSON.stringify(schema.data));
    }
  });
});
