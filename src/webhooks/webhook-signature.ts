import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Hearth-Signature';
export const TIMESTAMP_HEADER = 'X-Hearth-Timestamp';
export const DELIVERY_HEADER = 'X-Hearth-Delivery';
export const EVENT_HEADER = 'X-Hearth-Event';

/** `sha256=<hex HMAC-SHA256 of the raw body with the webhook's secret>`. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** What a receiver does: recompute the signature over the raw body and compare in constant time. */
export function verifySignature(secret: string, body: string, header: string | null | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from(signBody(secret, body));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** The headers of one attempt: the body's signature, when it was sent (Unix seconds), which delivery and kind. */
export function deliveryHeaders(secret: string, body: string, delivery: { id: number; kind: string }, now: number): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Hearth-Webhooks/1',
    [SIGNATURE_HEADER]: signBody(secret, body),
    [TIMESTAMP_HEADER]: String(Math.floor(now / 1000)),
    [DELIVERY_HEADER]: String(delivery.id),
    [EVENT_HEADER]: delivery.kind,
  };
}
