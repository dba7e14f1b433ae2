import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';

/**
 * Encrypts values at rest with AES-256-GCM under a key derived from the instance
 * secret (HEARTH_SECRET). Tampered or foreign ciphertext fails loudly instead of
 * decrypting to garbage.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(instanceSecret: string) {
    if (instanceSecret.length < 32) throw new Error('the instance secret must be at least 32 characters');
    this.#key = Buffer.from(hkdfSync('sha256', instanceSecret, 'hearth', 'connection-credentials', 32));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  open(sealed: string): string {
    if (!sealed.startsWith(PREFIX)) throw new Error('not an encrypted value');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('cannot decrypt a stored credential: HEARTH_SECRET differs from the one it was stored with');
    }
  }
}
