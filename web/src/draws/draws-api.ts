import { request } from '../api-client.js';

/** An envelope's activity figures (see src/activation/draws/draw-split.ts). */
export interface ClaimFigures {
  claimants: number;
  claimed: number;
  emptiedInMs: number | null;
  medianClaimMs: number | null;
  luckiest: { memberId: number; name: string; amount: number } | null;
}

export interface EnvelopeView {
  id: number;
  round: number;
  total: number;
  shares: number;
  opensAt: string;
  openedAt: string | null;
  expiresAt: string | null;
  state: 'scheduled' | 'open' | 'emptied' | 'expired' | 'cancelled';
  refunded: number | null;
  figures: ClaimFigures;
  claims: { memberId: number; name: string; amount: number; claimedAt: string; afterMs: number }[];
}

/** A draw as GET /api/draws answers it. */
export interface DrawView {
  id: number;
  groupId: number;
  groupName: string;
  title: string;
  denomination: 'points' | 'cash';
  currency: string | null;
  total: number;
  shares: number;
  minimum: number;
  rounds: number;
  roundIntervalMs: number;
  expiresAfterMs: number;
  exclusive: { members: number[] | null; role: string | null } | null;
  words: string[];
  language: 'zh' | 'en';
  state: 'scheduled' | 'open' | 'done' | 'cancelled';
  createdAt: string;
  createdBy: string | null;
  claimants: number;
  claimed: number;
  refunded: number;
  envelopes: EnvelopeView[];
}

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
