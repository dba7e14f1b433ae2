import type { ConversionReport, ReportDimension, ReportRow, TouchFigures } from '../../shared/link-records.js';
import { addMoney, moneyList } from './link-rules.js';

export { REPORT_DIMENSIONS, type ReportDimension } from '../../shared/link-records.js';

/**
 * The conversion report, pure: clicks and conversions per campaign, channel, group or
 * member, with first touch and last touch side by side. Revenue is summed per
 * currency on bigint; the conversion rate is last-touch conversions over clicks.
 */
export interface ReportLink {
  id: number;
  campaign: string;
  channel: string;
  group: { id: number; name: string } | null;
  member: { id: number; name: string } | null;
  clicks: number;
}

export interface ReportConversion {
  amountMinor: number;
  currency: string;
  member: { id: number; name: string } | null;
  firstLinkId: number | null;
  lastLinkId: number | null;
}

interface Acc {
  key: string | number | null;
  label: string | null;
  clicks: number;
  first: { n: number; sums: Map<string, bigint> };
  last: { n: number; sums: Map<string, bigint> };
}

function keyOf(by: ReportDimension, link: ReportLink, buyer: ReportConversion['member']): { key: string | number | null; label: string | null } {
  switch (by) {
    case 'campaign':
      return { key: link.campaign, label: link.campaign };
    case 'channel':
      return { key: link.channel, label: link.channel };
    case 'group':
      return link.group ? { key: link.group.id, label: link.group.name } : { key: null, label: null };
    case 'member': {
      const m = link.member ?? buyer;
      return m ? { key: m.id, label: m.name } : { key: null, label: null };
    }
  }
}

/** Builds the report over the workspace's links (with their click counts) and conversions. */
export function buildReport(by: ReportDimension, links: readonly ReportLink[], conversions: readonly ReportConversion[], windowDays: number): ConversionReport {
  const rows = new Map<string, Acc>();
  const row = (k: { key: string | number | null; label: string | null }): Acc => {
    const id = `${typeof k.key}:${k.key}`;
    let acc = rows.get(id);
    if (!acc) {
      acc = { ...k, clicks: 0, first: { n: 0, sums: new Map() }, last: { n: 0, sums: new Map() } };
      rows.set(id, acc);
    }
    return acc;
  };
  const byId = new Map(links.map((l) => [l.id, l]));
  let clicks = 0;
  for (const link of links) {
    clicks += link.clicks;
    const k = keyOf(by, link, null);
    if (k.key !== null) row(k).clicks += link.clicks;
  }
  const total = new Map<string, bigint>();
  let attributed = 0;
  for (const c of conversions) {
    addMoney(total, c.currency, c.amountMinor);
    if (c.lastLinkId !== null) attributed++;
    for (const [which, linkId] of [
      ['first', c.firstLinkId],
      ['last', c.lastLinkId],
    ] as const) {
      const link = linkId === null ? undefined : byId.get(linkId);
      const k = link ? keyOf(by, link, c.member) : { key: null, label: null };
      const acc = row(k)[which];
      acc.n++;
      addMoney(acc.sums, c.currency, c.amountMinor);
    }
  }
  const figures = (t: Acc['first']): TouchFigures => ({ conversions: t.n, revenue: moneyList(t.sums) });
  const out = [...rows.values()].map(
    (a): ReportRow => ({
      key: a.key,
      label: a.label,
      clicks: a.clicks,
      firstTouch: figures(a.first),
      lastTouch: figures(a.last),
      conversionRate: a.clicks > 0 ? Math.round((a.last.n / a.clicks) * 10_000) / 10_000 : null,
    }),
  );
  out.sort((x, y) => (x.key === null ? 1 : 0) - (y.key === null ? 1 : 0) || y.lastTouch.conversions - x.lastTouch.conversions || y.clicks - x.clicks || String(x.label).localeCompare(String(y.label)));
  return { by, windowDays, rows: out, totals: { clicks, conversions: conversions.length, attributed, revenue: moneyList(total) } };
}
