import { describe, expect, it } from 'vitest';
import { attribute } from '../src/conversion/links/attribution.js';
import { conversionSignature, parseSignatureHeader, signConversionBody, verifyConversionSignature } from '../src/conversion/links/hook-signature.js';
import { buildReport } from '../src/conversion/links/link-report.js';
import { checkConversion, checkTargetUrl, DAY_MS, InvalidLinkError } from '../src/conversion/links/link-rules.js';

const T = Date.parse('2026-07-10T12:00:00Z');

describe('tracked link targets', () => {
  it('keeps absolute http(s) URLs and refuses every other scheme, relative paths and credentials', () => {
    expect(checkTargetUrl(' https://shop.example/tea?x=1 ')).toBe('https://shop.example/tea?x=1');
    expect(checkTargetUrl('http://shop.example')).toBe('http://shop.example/');
    for (const bad of ['javascript:alert(1)', 'data:text/html,hi', 'ftp://x.example/', '//evil.example', '/relative', 'https://a:b@shop.example/', '', 'x'.repeat(3000)]) {
      expect(() => checkTargetUrl(bad), bad).toThrow(InvalidLinkError);
    }
  });

  it('refuses a float or negative amount and a lower-case currency', () => {
    const ok = { id: 'o1', amountMinor: 1999, currency: 'CNY', member: null, code: null, at: null };
    expect(checkConversion(ok)).toEqual(ok);
    expect(() => checkConversion({ ...ok, amountMinor: 19.99 })).toThrow(/whole number of minor units/);
    expect(() => checkConversion({ ...ok, amountMinor: -1 })).toThrow(/whole number/);
    expect(() => checkConversion({ ...ok, currency: 'cny' })).toThrow(/ISO 4217/);
  });
});

describe('first- and last-touch attribution', () => {
  const clicks = [
    { id: 1, linkId: 10, at: T - 40 * DAY_MS },
    { id: 2, linkId: 11, at: T - 20 * DAY_MS },
    { id: 3, linkId: 12, at: T - DAY_MS },
    { id: 4, linkId: 13, at: T + 1000 },
  ];

  it('takes the earliest and latest click inside the window before the conversion', () => {
    expect(attribute(clicks, T, 30 * DAY_MS, null)).toEqual({ first: { linkId: 11, clickId: 2 }, last: { linkId: 12, clickId: 3 } });
    expect(attribute(clicks, T, 50 * DAY_MS, null)).toEqual({ first: { linkId: 10, clickId: 1 }, last: { linkId: 12, clickId: 3 } });
    expect(attribute(clicks, T, 7 * DAY_MS, null)).toEqual({ first: { linkId: 12, clickId: 3 }, last: { linkId: 12, clickId: 3 } });
  });

  it('ignores clicks after the conversion and falls back to the code the conversion names', () => {
    expect(attribute([clicks[3]!], T, 30 * DAY_MS, null)).toEqual({ first: null, last: null });
    expect(attribute([clicks[3]!], T, 30 * DAY_MS, 99)).toEqual({ first: { linkId: 99, clickId: null }, last: { linkId: 99, clickId: null } });
  });
});

describe('conversion webhook signatures', () => {
  const secret = 'cvsec_test';
  const body = '{"id":"o1","amountMinor":1999,"currency":"CNY"}';

  it('accepts t=<seconds>,v1=<HMAC of "<t>.<body>"> within five minutes', () => {
    const header = signConversionBody(secret, body, T);
    expect(header).toBe(`t=${T / 1000},v1=${conversionSignature(secret, T / 1000, body)}`);
    expect(verifyConversionSignature(secret, body, header, T + 4 * 60_000)).toBeNull();
    expect(verifyConversionSignature(secret, body, header, T - 4 * 60_000)).toBeNull();
  });

  it('refuses a stale or future timestamp, another secret, a changed body, and a malformed header', () => {
    const header = signConversionBody(secret, body, T);
    expect(verifyConversionSignature(secret, body, header, T + 6 * 60_000)).toMatchObject({ status: 401, error: expect.stringContaining('stale') });
    expect(verifyConversionSignature(secret, body, header, T - 6 * 60_000)).toMatchObject({ status: 401 });
    expect(verifyConversionSignature('other', body, header, T)).toMatchObject({ status: 401, error: expect.stringContaining('bad signature') });
    expect(verifyConversionSignature(secret, body.replace('1999', '1'), header, T)).toMatchObject({ status: 401 });
    // Re-dating a captured request breaks its signature: t is signed with the body.
    expect(verifyConversionSignature(secret, body, header.replace(`t=${T / 1000}`, `t=${T / 1000 + 60}`), T)).toMatchObject({ status: 401 });
    for (const bad of [undefined, '', 'sha256=abc', `t=${T / 1000}`, `t=now,v1=${'a'.repeat(64)}`]) expect(verifyConversionSignature(secret, body, bad, T)).toMatchObject({ status: 400 });
    expect(parseSignatureHeader(`v1=${'A'.repeat(64)}, t=12`)).toEqual({ t: 12, v1: ['a'.repeat(64)] });
  });
});

describe('the conversion report', () => {
  const links = [
    { id: 1, campaign: 'Spring', channel: 'poster', group: { id: 5, name: 'Tea' }, member: { id: 7, name: 'Ann' }, clicks: 4 },
    { id: 2, campaign: 'Autumn', channel: 'weibo', group: null, member: null, clicks: 6 },
  ];

  it('puts first and last touch side by side and sums revenue per currency on bigint, exact beyond 2^53', () => {
    const big = Number.MAX_SAFE_INTEGER;
    const report = buildReport(
      'campaign',
      links,
      [
        { amountMinor: big, currency: 'CNY', member: null, firstLinkId: 1, lastLinkId: 2 },
        { amountMinor: big, currency: 'CNY', member: null, firstLinkId: 1, lastLinkId: 2 },
        { amountMinor: 500, currency: 'USD', member: null, firstLinkId: 2, lastLinkId: 2 },
        { amountMinor: 100, currency: 'CNY', member: null, firstLinkId: null, lastLinkId: null },
      ],
      30,
    );
    expect(report.rows).toEqual([
      {
        key: 'Autumn',
        label: 'Autumn',
        clicks: 6,
        firstTouch: { conversions: 1, revenue: [{ currency: 'USD', amountMinor: 500 }] },
        lastTouch: {
          conversions: 3,
          revenue: [
            { currency: 'CNY', amountMinor: (2n * BigInt(big)).toString() },
            { currency: 'USD', amountMinor: 500 },
          ],
        },
        conversionRate: 0.5,
      },
      {
        key: 'Spring',
        label: 'Spring',
        clicks: 4,
        firstTouch: { conversions: 2, revenue: [{ currency: 'CNY', amountMinor: (2n * BigInt(big)).toString() }] },
        lastTouch: { conversions: 0, revenue: [] },
        conversionRate: 0,
      },
      {
        key: null,
        label: null,
        clicks: 0,
        firstTouch: { conversions: 1, revenue: [{ currency: 'CNY', amountMinor: 100 }] },
        lastTouch: { conversions: 1, revenue: [{ currency: 'CNY', amountMinor: 100 }] },
        conversionRate: null,
      },
    ]);
    expect(report.totals).toEqual({
      clicks: 10,
      conversions: 4,
      attributed: 3,
      revenue: [
        { currency: 'CNY', amountMinor: (2n * BigInt(big) + 100n).toString() },
        { currency: 'USD', amountMinor: 500 },
      ],
    });
  });

  it('credits a member link to its member, and a group-less link to the buyer by member', () => {
    const report = buildReport('member', links, [{ amountMinor: 300, currency: 'CNY', member: { id: 8, name: 'Bo' }, firstLinkId: 2, lastLinkId: 1 }], 30);
    expect(report.rows.map((r) => [r.label, r.clicks, r.firstTouch.conversions, r.lastTouch.conversions])).toEqual([
      ['Ann', 4, 0, 1],
      ['Bo', 0, 1, 0],
    ]);
  });
});
