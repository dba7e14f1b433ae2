import { request } from '../api-client.js';
import type { EnforcementRecord } from '../../../src/shared/enforcement-records.js';

export type { EnforcementRecord };

const enc = encodeURIComponent;

/** The workspace's enforcements, newest first (`GET /api/enforcement`). */
export function fetchEnforcements(ws: string, status: 'active' | 'undone' | 'all', signal?: AbortSignal) {
  return request<{ enforcements: EnforcementRecord[] }>('GET', `/api/enforcement?workspace=${enc(ws)}&status=${status}`, undefined, signal);
}

/** Undoes one: the mute or ban lifted through the outbox, the strike removed. */
export function undoEnforcement(id: number) {
  return request<{ id: number; status: 'undone'; planned: string[]; fallbacks: string[] }>('POST', `/api/enforcement/${id}/undo`, {});
}
