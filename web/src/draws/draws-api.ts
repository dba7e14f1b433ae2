import type { DrawView } from '../../../src/shared/draw-records.js';
import { request } from '../api-client.js';

export type { ClaimFigures, DrawView, EnvelopeView } from '../../../src/shared/draw-records.js';

/** POST /api/draws's body, as the dashboard's form sends it (the route's schema: src/server/routes/draw-routes.ts). */
export interface NewDrawBody {
  groupId: number;
  title?: string;
  total: number;
  shares: number;
  minimum?: number;
  currency?: string | null;
  rounds?: number;
  roundIntervalMinutes?: number;
  expiresInMinutes?: number;
  exclusive?: { role: string };
}

export function fetchDraws(workspace: string, signal?: AbortSignal): Promise<{ draws: DrawView[] }> {
  return request('GET', `/api/draws?workspace=${encodeURIComponent(workspace)}`, undefined, signal);
}

export function createDraw(body: NewDrawBody): Promise<DrawView> {
  return request('POST', '/api/draws', body);
}

export function cancelDraw(id: number): Promise<DrawView> {
  return request('POST', `/api/draws/${id}/cancel`, {});
}
