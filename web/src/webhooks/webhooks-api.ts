import { request } from '../api-client.js';

/** The event kinds a webhook can ask for (GET /api/webhooks names them). */
export type WebhookEventKind = string;

export interface WebhookRecord {
  id: number;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  failuresInARow: number;
  createdBy: string | null;
  createdAt: string;
}

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

export interface DeliveryRecord {
  id: number;
  kind: string;
  source: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

const enc = encodeURIComponent;

export function fetchWebhooks(ws: string, signal?: AbortSignal) {
  return request<{ webhooks: WebhookRecord[]; eventKinds: WebhookEventKind[]; privateTargets: 'none' | 'loopback' | 'all' }>('GET', `/api/webhooks?workspace=${enc(ws)}`, undefined, signal);
}

export function fetchWebhook(id: number, signal?: AbortSignal) {
  return request<{ webhook: WebhookRecord; counts: Record<DeliveryStatus, number>; deliveries: DeliveryRecord[] }>('GET', `/api/webhooks/${id}?limit=30`, undefined, signal);
}

/** Registers a webhook; the answer carries its signing secret, the only time it is shown. */
export function createWebhook(ws: string, input: { url: string; events: string[]; description?: string }) {
  return request<{ id: number; secret: string; webhook: WebhookRecord }>('POST', '/api/webhooks', { workspace: ws, ...input });
}

export function changeWebhook(id: number, change: { enabled?: boolean; events?: string[]; url?: string }) {
  return request<{ webhook: WebhookRecord }>('PATCH', `/api/webhooks/${id}`, change);
}

export function removeWebhook(id: number) {
  return request<{ removed: number }>('DELETE', `/api/webhooks/${id}`);
}

export function redeliver(id: number, deliveryId: number) {
  return request<{ delivery: DeliveryRecord }>('POST', `/api/webhooks/${id}/deliveries/${deliveryId}/redeliver`);
}

export function pingWebhook(id: number) {
  return request<{ queued: string }>('POST', `/api/webhooks/${id}/ping`);
}
