import { describe, expect, it } from 'vitest';
import { checkAction } from '../src/core/action.js';
import { fallbackReason, planWithFallback } from '../src/core/capability-fallback.js';
import type { Action } from '../src/core/action.js';
import { readRuleProblemReason } from '../src/shared/rule-problem-reasons.js';

describe('rule problem reasons', () => {
  it('reads back the length limit the checker wrote, with the platform whose limit it is', () => {
    const checked = checkAction({ type: 'send_message', groupId: 1, text: 'x'.repeat(2001) }, { platform: 'wechat', maxTextLength: 2000 });
    if (checked.ok) throw new Error('a 2001-character message passed a 2000-character limit');
    expect(readRuleProblemReason(`send_message: ${checked.reason}`)).toEqual({ kind: 'too_long', action: 'send_message', fallback: false, max: 2000, platform: 'wechat' });
    expect(readRuleProblemReason('alert_operator (fallback): message text longer than 4096 characters')).toEqual({
      kind: 'too_long',
      action: 'alert_operator',
      fallback: true,
      max: 4096,
      platform: null,
    });
  });

  it('reads back a fallback: what was missing, on which platform, and what was done instead', () => {
    const ban: Action = { type: 'ban_member', groupId: 4, memberId: 9 };
    const only = new Set(['send', 'remove'] as const);
    const reason = fallbackReason(ban, only, 'discord', planWithFallback(ban, only));
    expect(reason).not.toBeNull();
    expect(readRuleProblemReason(reason as string)).toEqual({ kind: 'needs_capability', action: 'ban_member', missing: ['ban'], platform: 'discord', instead: 'removed' });
  });

  it('keeps a reason of no known form as it is', () => {
    expect(readRuleProblemReason('groupId: Invalid input')).toEqual({ kind: 'other', text: 'groupId: Invalid input' });
  });
});
