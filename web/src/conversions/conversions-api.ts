import { request } from '../api-client.js';
import type { ConversionListItem, ConversionReport, ConversionSettingsRecord, LinkRecord, MoneySum, ReportDimension } from '../../../src/shared/link-records.js';

export type { ConversionListItem, ConversionReport, LinkRecord, MoneySum, ReportDimension };
export { REPORT_DIMENSIONS } from '../../../src/shared/link-records.js';

const enc = encodeURIComponent;

export function fetchLinks(ws: string, signal?: AbortSignal) {
  return request<{ links: LinkRecord[] }>('GET', `/api/links?workspace=${enc(ws)}`, undefined, signal);
}

export function createLink(ws: string, input: { campaign: string; channel: string; targetUrl: string; groupId?: number | null }) {
  return request<LinkRecord>('POST', '/api/links', { workspace: ws, ...input });
}

export function fetchReport(ws: string, by: ReportDimension, signal?: AbortSignal) {
  return request<ConversionReport>('GET', `/api/conversions/report?workspace=${enc(ws)}&by=${by}`, undefined, signal);
}

export function fetchConversions(ws: string, signal?: AbortSignal) {
  return request<{ conversions: ConversionListItem[] }>('GET', `/api/conversions?workspace=${enc(ws)}&limit=30`, undefined, signal);
}

export function fetchConversionSettings(ws: string, signal?: AbortSignal) {
  return request<ConversionSettingsRecord & { hookPath: string }>('GET', `/api/conversions/settings?workspace=${enc(ws)}`, undefined, signal);
}

export function setWindowDays(ws: string, windowDays: number) {
  return request<ConversionSettingsRecord>('PUT', '/api/conversions/settings', { workspace: ws, windowDays });
}

/** Makes or replaces the webhook secret; the answer is the only time it is shown. */
export function rotateSecret(ws: string) {
  return request<{ secret: string; hookPath: string }>('POST', '/api/conversions/secret', { workspace: ws });
}
