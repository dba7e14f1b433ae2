import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * Which non-public addresses a webhook may point at (HEARTH_WEBHOOK_PRIVATE_TARGETS):
 * - `loopback` (the default): this machine (127.0.0.0/8, ::1) — a self-hosted
 *   install's receiver (n8n, a script) often runs beside Hearth; every other private,
 *   link-local (cloud metadata at 169.254.169.254) or reserved address is refused;
 * - `none`: public addresses only, for an instance whose operators are not all trusted
 *   with the machine's own ports;
 * - `all`: private networks too (a receiver on the LAN or a Docker network).
 */
export const PRIVATE_TARGET_POLICIES = ['none', 'loopback', 'all'] as const;
export type PrivateTargets = (typeof PRIVATE_TARGET_POLICIES)[number];

export class WebhookTargetError extends Error {
  override readonly name = 'WebhookTargetError';
}

export type Resolve = (hostname: string) => Promise<string[]>;

const systemResolve: Resolve = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** The address's range as ipaddr.js names it (`unicast` is the public internet). */
function rangeOf(address: string): string {
  return ipaddr.process(address).range();
}

/** Why the address is refused under `policy`, or null when it is allowed. */
export function refusal(address: string, policy: PrivateTargets): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const range = rangeOf(address);
  if (range === 'unicast' || policy === 'all') return null;
  if (range === 'loopback' && policy === 'loopback') return null;
  const allow = range === 'loopback' ? 'loopback or all' : 'all';
  return `${address} is a ${range} address; webhooks may point there only when HEARTH_WEBHOOK_PRIVATE_TARGETS=${allow}`;
}

/** Parses and checks a webhook URL's form: http(s), a host, no credentials in it. */
export function parseTargetUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookTargetError(`url: ${JSON.stringify(raw.slice(0, 200))} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookTargetError(`url: must be http:// or https://, not ${url.protocol}`);
  if (url.username || url.password) throw new WebhookTargetError('url: must not carry a user name or password; the signature authenticates Hearth');
  if (url.hash) throw new WebhookTargetError('url: must not have a #fragment');
  return url;
}

/**
 * Checks that a webhook URL may be called: its form, and every address its host
 * resolves to under the policy. Checked when the webhook is registered and again
 * before each delivery (a name can be pointed elsewhere later).
 */
export async function checkTarget(raw: string, policy: PrivateTargets, resolve: Resolve = systemResolve): Promise<URL> {
  const url = parseTargetUrl(raw);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw new WebhookTargetError(`url: cannot resolve ${host} (${(error as { code?: string }).code ?? (error as Error).message})`);
    }
    if (addresses.length === 0) throw new WebhookTargetError(`url: ${host} resolves to no address`);
  }
  for (const address of addresses) {
    const why = refusal(address, policy);
    if (why) throw new WebhookTargetError(`url: ${url.host} refused: ${why}`);
  }
  return url;
}
