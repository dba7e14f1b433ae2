import { request } from '../api-client.js';
import type { LinkSuggestionRecord, MemberDetailRecord, MemberSearchPage } from '../../../src/shared/member-records.js';

export type { LinkSuggestionRecord, MemberDetailRecord, MemberSearchPage };

/** The directory's filters, as the search route takes them. */
export interface MemberFilters {
  q?: string;
  platform?: string;
  group?: string;
}

const enc = encodeURIComponent;

function searchQuery(ws: string, filters: MemberFilters, cursor: string | null, limit: number): string {
  const params = new URLSearchParams({ workspace: ws, limit: String(limit) });
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

/** One page of members matching the filters (`GET /api/members`). */
export function searchMembers(ws: string, filters: MemberFilters, cursor: string | null, limit: number, signal?: AbortSignal) {
  return request<MemberSearchPage>('GET', `/api/members?${searchQuery(ws, filters, cursor, limit)}`, undefined, signal);
}

export function fetchMember(id: number, signal?: AbortSignal) {
  return request<MemberDetailRecord>('GET', `/api/members/${id}`, undefined, signal);
}

/** Members likely to be one person; `member` narrows it to suggestions naming them. */
export function fetchLinkSuggestions(ws: string, member: number | null, signal?: AbortSignal) {
  return request<{ suggestions: LinkSuggestionRecord[] }>('GET', `/api/members/link-suggestions?workspace=${enc(ws)}${member ? `&member=${member}` : ''}`, undefined, signal);
}

/** Makes two members one person: `merge` is folded into `keep`. */
export function linkMembers(keep: number, merge: number) {
  return request<MemberDetailRecord & { merged: number }>('POST', '/api/members/links', { keep, merge });
}

/** Erases a member's personal data (cannot be undone). */
export function eraseMember(id: number) {
  return request<{ member: { id: number; displayName: string; erasedAt: string } }>('POST', `/api/members/${id}/erase`, {});
}

/** Where the browser downloads everything Hearth holds about a member. */
export function memberExportHref(id: number): string {
  return `/api/members/${id}/export`;
}
