/**
 * Tracked links and the conversion report as the API answers them and the dashboard
 * reads them (src/conversion/links, src/server/routes/link-routes.ts): one definition
 * for both. Money is integer minor units with its currency.
 */

export const REPORT_DIMENSIONS = ['campaign', 'channel', 'group', 'member'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

export interface LinkRecord {
  id: number;
  code: string;
  /** The link this one was made from for a group or member, or null. */
  parentId: number | null;
  campaign: string;
  channel: string;
  targetUrl: string;
  group: { id: number; name: string } | null;
  member: { id: number; name: string } | null;
  clicks: number;
  /** Conversions whose last touch is this link. */
  conversions: number;
  createdAt: string;
}

/** A sum of minor units in one currency: a number while exact, else its digits. */
export interface MoneySum {
  currency: string;
  amountMinor: number | string;
}

export interface TouchFigures {
  conversions: number;
  revenue: MoneySum[];
}

export interface ReportRow {
  /** The campaign or channel name, or the group's or member's id; null: conversions with no touch on this dimension. */
  key: string | number | null;
  label: string | null;
  clicks: number;
  firstTouch: TouchFigures;
  lastTouch: TouchFigures;
  /** Last-touch conversions per click; null without clicks. */
  conversionRate: number | null;
}

export interface ConversionReport {
  by: ReportDimension;
  windowDays: number;
  rows: ReportRow[];
  totals: { clicks: number; conversions: number; attributed: number; revenue: MoneySum[] };
}

/** The workspace's conversion webhook settings; the secret itself is shown once, when made. */
export interface ConversionSettingsRecord {
  windowDays: number;
  hasSecret: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** A conversion as recorded, with its touches. */
export interface ConversionRecord {
  id: number;
  externalId: string;
  source: string;
  amountMinor: number;
  currency: string;
  memberId: number | null;
  firstTouch: { linkId: number; code: string; clickId: number | null } | null;
  lastTouch: { linkId: number; code: string; clickId: number | null } | null;
  at: string;
}

/** A recent conversion as the dashboard lists it: who, how much, and the campaigns of its touches. */
export interface ConversionListItem {
  id: number;
  externalId: string;
  source: string;
  amountMinor: number;
  currency: string;
  member: { id: number; name: string } | null;
  firstTouch: { code: string; campaign: string; channel: string } | null;
  lastTouch: { code: string; campaign: string; channel: string } | null;
  at: string;
}
