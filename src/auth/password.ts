import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost: N = 2^ln, r, p. 2^15 × 8 uses 32 MiB per hash and takes tens of milliseconds. */
export interface ScryptParams {
  ln: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { ln: 15, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
export const MIN_PASSWORD_LENGTH = 10;
/** Longer inputs are refused before hashing, so nobody can make the server hash megabytes. */
export const MAX_PASSWORD_LENGTH = 1024;

export class WeakPasswordError extends Error {
  override readonly name = 'WeakPasswordError';
}

/** Throws WeakPasswordError naming what is wrong with a new password. */
export function checkNewPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new WeakPasswordError(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new WeakPasswordError(`a password is at most ${MAX_PASSWORD_LENGTH} characters`);
  if (new Set(password).size < 4) throw new WeakPasswordError('a password needs more than three different characters');
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  // scrypt needs 128·N·r bytes; allow twice that so the default limit (32 MiB) does not refuse it.
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/**
 * Hashes a password with scrypt (memory-hard) and a random salt. The result names its
 * parameters, so they can be raised later and old hashes still verify.
 *
 * @example `$scrypt$ln=15,r=8,p=1$<salt base64>$<hash base64>`
 */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/**
 * Checks a password against a stored hash in constant time. `needsRehash` says the
 * hash was made with other parameters than `current`: rehash it after a good sign-in.
 * A malformed hash never verifies.
 */
export async function verifyPassword(password: string, stored: string, current: ScryptParams = DEFAULT_SCRYPT): Promise<{ ok: boolean; needsRehash: boolean }> {
  const m = FORMAT.exec(stored);
  if (!m || password.length > MAX_PASSWORD_LENGTH) return { ok: false, needsRehash: false };
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.ln < 1 || params.ln > 22 || params.r < 1 || params.p < 1) return { ok: false, needsRehash: false };
  const expected = Buffer.from(m[5]!, 'base64');
  const actual = await derive(password, Buffer.from(m[4]!, 'base64'), params);
  const ok = expected.length === actual.length && timingSafeEqual(expected, actual);
  return { ok, needsRehash: ok && (params.ln !== current.ln || params.r !== current.r || params.p !== current.p) };
}

let dummy: Promise<string> | undefined;

/**
 * Spends the same work as checking a real password, for sign-ins with an unknown
 * email, so the answer's timing does not tell which emails have accounts.
 */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password.slice(0, MAX_PASSWORD_LENGTH), await dummy);
}
