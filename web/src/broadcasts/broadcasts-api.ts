import type { BroadcastGroupResult, BroadcastRecord } from '../../../src/shared/broadcast-records.js';
import { request } from '../api-client.js';

export type { BroadcastGroupResult, BroadcastRecord };

/** What the compose form sends (POST /api/broadcasts). */
export interface NewBroadcastInput {
  text: string;
  link?: string | null;
  selector: { sets?: string[]; groups?: number[]; purpose?: string };
  /** ISO time; null: now. */
  at?: string | null;
}

export function fetchBroadcasts(ws: string, signal?: AbortSignal): Promise<{ broadcasts: BroadcastRecord[] }> {
  return request('GET', `/api/broadcasts?workspace=${encodeURIComponent(ws)}`, undefined, signal);
}

export function fetchBroadcast(id: number, signal?: AbortSignal): Promise<BroadcastRecord & { groups: BroadcastGroupResult[] }> {
  return request('GET', `/api/broadcasts/${id}`, undefined, signal);
}

export function sendBroadcast(ws: string, input: NewBroadcastInput): Promise<BroadcastRecord> {
  return request('POST', '/api/broadcasts', { workspace: ws, ...input });
}

export function cancelBroadcast(id: number): Promise<BroadcastRecord> {
  return request('POST', `/api/broadcasts/${id}/cancel`, {});
}

/** How many groups a selector takes for the caller (POST /api/groups/select). */
export function selectGroups(ws: string, selector: NewBroadcastInput['selector'], signal?: AbortSignal): Promise<{ groups: number[] }> {
  return request('POST', '/api/groups/select', { workspace: ws, selector }, signal);
}
