import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../src/core/redact-secrets.js';

const TELEGRAM = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const DISCORD = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123';

describe('redacting secrets (one redactor for logs and every platform adapter)', () => {
  it("cuts a connection's known secrets wherever they stand", () => {
    expect(redactSecrets('puppet said: bad token puppet_xyz_secret (puppet_xyz_secret)', ['puppet_xyz_secret'])).toBe(`puppet said: bad token ${REDACTED} (${REDACTED})`);
  });

  it('cuts anything shaped like a Telegram or Discord token, known or not', () => {
    expect(redactSecrets(`request to https://api.telegram.org/bot${TELEGRAM}/getMe failed`)).toBe('request to https://api.telegram.org/bot[redacted]/getMe failed');
    expect(redactSecrets(`login with ${DISCORD} refused`)).toBe('login with [redacted] refused');
  });

  it('cuts the longest secret first, so none is left half shown', () => {
    expect(redactSecrets('password hunter2hunter2 and hunter2', ['hunter2', 'hunter2hunter2'])).toBe('password [redacted] and [redacted]');
  });

  it('leaves ordinary text, and ignores an empty secret', () => {
    const text = 'chat 123:abc not found (code 400), retry after 30 s at 12:00:05';
    expect(redactSecrets(text, ['', ''])).toBe(text);
  });

  it('treats a secret as text, not as a pattern', () => {
    expect(redactSecrets('a.b*c and aXbbc', ['a.b*c'])).toBe('[redacted] and aXbbc');
  });
});
