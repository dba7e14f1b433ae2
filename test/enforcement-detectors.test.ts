import { describe, expect, it } from 'vitest';
import { enforcementNotice } from '../src/enforcement/enforcement-words.js';
import { DEFAULT_ENFORCEMENT, effectiveSettings, formatLadder, LadderSyntaxError, parseLadder, stepFor } from '../src/enforcement/ladder.js';
import { burstReached, findContactDetails, findKeywords, findLinks, findPhoneNumbers, repeatKey } from '../src/enforcement/violation-detectors.js';

describe('contact details (pure)', () => {
  it('catches phone numbers however they are written: spaced, dashed, full-width, zero-width-split, circled, with +86', () => {
    expect(findPhoneNumbers('电话 13800138000')).toEqual(['13800138000']);
    expect(findPhoneNumbers('call 138 0013 8000 now')).toEqual(['13800138000']);
    expect(findPhoneNumbers('138-0013-8000')).toEqual(['13800138000']);
    expect(findPhoneNumbers('１３８００１３８０００')).toEqual(['13800138000']);
    expect(findPhoneNumbers('1\u200b3\u200b8\u200d0013\u20608000')).toEqual(['13800138000']);
    expect(findPhoneNumbers('①③⑧⓪⓪①③⑧⓪⓪⓪')).toEqual(['13800138000']);
    expect(findPhoneNumbers('+86 138 0013 8000')).toEqual(['13800138000']);
    expect(findPhoneNumbers('ring +44 20 7946 0958')).toEqual(['+442079460958']);
    expect(findPhoneNumbers('座机 010-62345678')).toEqual(['01062345678']);
  });

  it('leaves prices, dates, times, counts, years and order numbers alone', () => {
    for (const text of [
      '这件 ¥1999，那件 2,499 元',
      'price: $13.99 or 1399.00 CNY',
      '活动 2026-12-03 13:45 开始',
      '12月3日 19:30 见',
      'on 2026.12.03 at 10:00',
      '我们群 138 人了',
      '订单号 202612031234567890',
      '1998 年到 2026 年',
      'scores: 13 15 17 19',
    ]) {
      expect(findPhoneNumbers(text), text).toEqual([]);
      expect(findContactDetails(text), text).toEqual([]);
    }
  });

  it('catches WeChat and QQ ids and "add me", disguised too; not the word WeChat in passing', () => {
    expect(findContactDetails('加我微信 lily_2024')).toEqual(['wechat-id', 'add-me']);
    expect(findContactDetails('微 信：l i l y _ 2 0 2 4')).toEqual(['wechat-id']);
    expect(findContactDetails('ｖｘ：ａｂｃ１２３４５')).toEqual(['wechat-id']);
    expect(findContactDetails('v\u200b信 abc12345')).toEqual(['wechat-id']);
    expect(findContactDetails('my wechat: tom_88_sh')).toEqual(['wechat-id']);
    expect(findContactDetails('扣扣 5 5 4 4 3 3 2')).toEqual(['qq-number']);
    expect(findContactDetails('有需要的私聊我')).toEqual(['add-me']);
    expect(findContactDetails('DM me for details')).toEqual(['add-me']);
    expect(findContactDetails('我们的微信群很热闹')).toEqual([]);
    expect(findContactDetails('check the wechat group please')).toEqual([]);
    expect(findContactDetails('欢迎加我们的读书会')).toEqual([]);
  });
});

describe('hostile input (pure)', () => {
  it('the largest message (64 KiB) of letters, digits, joiners or id-like runs is read in linear time, and padding hides nothing', () => {
    const started = performance.now();
    for (const text of ['a'.repeat(65_536), '1 '.repeat(32_768), 'wx'.repeat(32_768), 'ab-'.repeat(21_845), '加我\u200b'.repeat(21_845), '微信a'.repeat(21_845)]) {
      findContactDetails(text);
      findLinks(text, 'photo');
      findKeywords(text, ['代考']);
      repeatKey(text);
    }
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(findContactDetails(`${'a'.repeat(60_000)} 13800138000`)).toEqual(['phone-number']);
    expect(findLinks(`${'好'.repeat(60_000)} t.me/cheap`, undefined)).toEqual(['link']);
  });
});

describe('links, QR codes and keywords (pure)', () => {
  it('finds addresses (also with 。 or 点 for the dot) and link previews; a picture asking to be scanned is a QR code', () => {
    expect(findLinks('see https://example.com/x', undefined)).toEqual(['link']);
    expect(findLinks('上 www.shop123.cn 看看', undefined)).toEqual(['link']);
    expect(findLinks('t.me/cheapcoins', undefined)).toEqual(['link']);
    expect(findLinks('打开 abcshop点com', undefined)).toEqual(['link']);
    expect(findLinks('', 'link')).toEqual(['link']);
    expect(findLinks('扫码进群领红包', 'photo')).toEqual(['qr']);
    expect(findLinks('我家猫', 'photo')).toEqual([]);
    expect(findLinks('see you at 3.30, e.g. tomorrow', undefined)).toEqual([]);
  });

  it('banned keywords match through case, width and spacing', () => {
    expect(findKeywords('买 代 考 吗', ['代考', '刷单'])).toEqual(['代考']);
    expect(findKeywords('ＣＡＳＩＮＯ night', ['casino'])).toEqual(['casino']);
    expect(findKeywords('hello', ['casino'])).toEqual([]);
  });

  it('repeats compare canonical text; short replies are not counted; a burst is one violation per threshold', () => {
    expect(repeatKey('买 买 买！！')).toBe(repeatKey('买买买'));
    expect(repeatKey('ok')).toBeNull();
    expect([7, 8, 9, 15, 16].map((n) => burstReached(n, 8))).toEqual([false, true, false, false, true]);
  });
});

describe('the ladder as data (pure)', () => {
  it('reads the short form, chooses the step by unexpired strikes, the last one repeating', () => {
    const steps = parseLadder('warn → mute:1h → mute:1d/remove → remove → ban');
    expect(steps).toEqual([{ kind: 'warn' }, { kind: 'mute', seconds: 3600 }, { kind: 'mute', seconds: 86400, fallback: 'remove' }, { kind: 'remove' }, { kind: 'ban' }]);
    expect(formatLadder(steps)).toBe('warn → mute:1h → mute:1d/remove → remove → ban');
    expect(stepFor(steps, 0).step.kind).toBe('warn');
    expect(stepFor(steps, 1).step).toEqual({ kind: 'mute', seconds: 3600 });
    expect(stepFor(steps, 9)).toEqual({ index: 4, step: { kind: 'ban' } });
    expect(() => parseLadder('warn, shout')).toThrow(LadderSyntaxError);
    expect(() => parseLadder('ban:1h')).toThrow(/only a mute/);
  });

  it("a group's override replaces what it names and adds its keywords and staff to the workspace's", () => {
    const ws = { ...DEFAULT_ENFORCEMENT, enabled: true, staff: [1], detectors: { ...DEFAULT_ENFORCEMENT.detectors, keywords: ['代考'] } };
    const merged = effectiveSettings(ws, { steps: [{ kind: 'ban' }], staff: [2], detectors: { keywords: ['刷单'] } });
    expect(merged.steps).toEqual([{ kind: 'ban' }]);
    expect(merged.staff).toEqual([1, 2]);
    expect(merged.detectors.keywords).toEqual(['代考', '刷单']);
    expect(merged.detectors.contact).toBe(true);
    expect(effectiveSettings(null, null).enabled).toBe(false);
  });

  it('tells the member in the workspace language', () => {
    expect(enforcementNotice({ name: 'Li', violation: 'link', kind: 'mute', seconds: 3600, strike: 2, strikeDays: 30, language: 'zh-CN' })).toBe(
      '@Li 新成员发送链接违反群规。处理：禁言 1 小时（第 2 次违规，30 天内累计）。如有异议请联系管理员。',
    );
    expect(enforcementNotice({ name: 'Li', violation: 'contact', kind: 'warn', strike: 1, strikeDays: 7, language: 'en' })).toContain('Action: a warning (strike 1; strikes count for 7 days)');
  });
});
