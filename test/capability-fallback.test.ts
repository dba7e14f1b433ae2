import { describe, expect, it } from 'vitest';
import type { Action } from '../src/core/action.js';
import { ALL_CAPABILITIES, capabilitiesFor, capabilityFor, CAPABILITIES, type Capability } from '../src/core/capabilities.js';
import { fallbackReason, planWithFallback } from '../src/core/capability-fallback.js';

const only = (...caps: Capability[]) => new Set<Capability>(caps);
const names = { platform: 'wechat', member: (id: number) => (id === 9 ? 'Li Wei' : undefined) };
const message = (extra: Partial<Extract<Action, { type: 'send_message' }>> = {}): Action => ({ type: 'send_message', groupId: 4, text: 'welcome!', mentions: [], ...extra });

describe('what each action needs of its platform', () => {
  it('names one capability per action type, and the extras a message asks for', () => {
    expect(capabilityFor({ type: 'delete_message', groupId: 1, messageId: 'x' })).toBe('delete');
    expect(capabilityFor({ type: 'alert_operator', groupId: 1, severity: 'info', text: 'x' })).toBeNull();
    expect(capabilitiesFor(message({ replyTo: 'm1', mentions: [9] }))).toEqual(['send', 'reply', 'mention']);
    expect(capabilitiesFor(message())).toEqual(['send']);
    expect(new Set(CAPABILITIES)).toEqual(ALL_CAPABILITIES);
  });
});

describe('planWithFallback', () => {
  it('returns what the platform can do unchanged', () => {
    const ban: Action = { type: 'ban_member', groupId: 4, memberId: 9 };
    expect(planWithFallback(ban, ALL_CAPABILITIES, names)).toEqual([ban]);
    expect(fallbackReason(ban, ALL_CAPABILITIES, 'telegram', [ban])).toBeNull();
  });

  it('asks the operator to mute by hand where the platform cannot mute', () => {
    const plan = planWithFallback({ type: 'mute_member', groupId: 4, memberId: 9 }, only('send', 'remove'), names);
    expect(plan).toEqual([{ type: 'alert_operator', groupId: 4, severity: 'warning', text: 'cannot mute on wechat: please mute Li Wei by hand' }]);
  });

  it('removes instead of banning where only removing is possible, else asks for a ban by hand', () => {
    const ban: Action = { type: 'ban_member', groupId: 4, memberId: 9 };
    expect(planWithFallback(ban, only('send', 'remove'), names).map((a) => a.type)).toEqual(['remove_member', 'alert_operator']);
    expect(planWithFallback(ban, only('send'), names)).toEqual([
      { type: 'alert_operator', groupId: 4, severity: 'warning', text: 'cannot ban or remove members on wechat: please ban Li Wei by hand' },
    ]);
  });

  it('asks for a deletion or a removal by hand, naming an unknown member by id', () => {
    expect(planWithFallback({ type: 'delete_message', groupId: 4, messageId: 'msg-7' }, only('send'), names)[0]).toMatchObject({
      type: 'alert_operator',
      text: 'cannot delete messages on wechat: please delete message msg-7 by hand',
    });
    expect(planWithFallback({ type: 'remove_member', groupId: 4, memberId: 12 }, only('send'), names)[0]).toMatchObject({
      type: 'alert_operator',
      text: 'cannot remove members on wechat: please remove member #12 by hand',
    });
  });

  it('sends a reply as a plain message and a mention as the name in the text', () => {
    expect(planWithFallback(message({ replyTo: 'm1' }), only('send', 'mention'), names)).toEqual([message()]);
    expect(planWithFallback(message({ mentions: [9] }), only('send', 'reply'), names)).toEqual([message({ text: '@Li Wei welcome!' })]);
    // The name already in the text is not written twice.
    expect(planWithFallback(message({ text: 'welcome Li Wei!', mentions: [9] }), only('send'), names)).toEqual([message({ text: 'welcome Li Wei!' })]);
  });

  it('asks the operator to post by hand where the bot cannot post at all', () => {
    const plan = planWithFallback(message(), only('read_messages'), names);
    expect(plan).toEqual([{ type: 'alert_operator', groupId: 4, severity: 'warning', text: 'cannot post on wechat: please post this by hand: welcome!' }]);
    expect(fallbackReason(message(), only('read_messages'), 'wecom', plan)).toBe('send_message needs send, which wecom cannot do: alerted the operator to do it by hand');
  });
});
