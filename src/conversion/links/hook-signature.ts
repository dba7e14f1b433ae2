import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature of an incoming conversion webhook:
 * `X-Hearth-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`,
 * keyed with the workspace's conversion secret. The timestamp is signed with the body,
 * so a captured request cannot be re-dated; it must lie within five minutes of the
 * server's clock. A replay inside that window is refused by the conversion's id
 * (see link-store.ts). Pure: the clock is passed in.
 */
export const CONVERSION_SIGNATURE_HEADER = 'X-Hearth-Signature';
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** Why a signed request is refused, and the status it gets. */
export type SignatureRefusal = { status: 400 | 401; error: string };

/** The hex HMAC of `<t>.<body>`. */
export function conversionSignature(secret: string, unixSeconds: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${unixSeconds}.`, 'utf8').update(rawBody, 'utf8').digest('hex');
}

/** The header a sender puts on a body signed at `now` (epoch ms). */
export function signConversionBody(secret: string, rawBody: string, now: number): string {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${conversionSignature(secret, t, rawBody)}`;
}

/** Reads `t=…,v1=…` (several v1 allowed, any order); null when it is not that shape. */
export function parseSignatureHeader(header: string | null | undefined): { t: number; v1: string[] } | null {
  if (!header) return null;
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value)) return null;
      t = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value)) return null;
      v1.push(value.toLowerCase());
    }
  }
  return t === null || v1.length === 0 ? null : { t, v1 };
}

/**
 * Checks a request's signature header against the raw body: null when it is good, else
 * the refusal. A missing or malformed header is 400; a stale timestamp or a signature
 * that does not match is 401. Compared in constant time.
 */
export function verifyConversionSignature(secret: string, rawBody: string, header: string | null | undefined, now: number): SignatureRefusal | null {
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { status: 400, error: `missing or malformed ${CONVERSION_SIGNATURE_HEADER} header: expected t=<unix seconds>,v1=<hex HMAC-SHA256>` };
  if (Math.abs(now - parsed.t * 1000) > SIGNATURE_TOLERANCE_MS) return { status: 401, error: 'stale timestamp: t is more than 5 minutes from the server time' };
  const want = Buffer.from(conversionSignature(secret, parsed.t, rawBody), 'hex');
  const match = parsed.v1.some((v) => {
    const got = Buffer.from(v, 'hex');
    return got.length === want.length && timingSafeEqual(got, want);
  });
  return match ? null : { status: 401, error: 'bad signature: v1 is not the HMAC-SHA256 of "<t>.<raw body>" with this workspace’s conversion secret' };
}
