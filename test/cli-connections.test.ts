import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from './helpers/fake-bot-api.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hearth-cli-conn-'));
const env = { ...process.env, HEARTH_DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', HEARTH_LOG_LEVEL: 'warn' };
const SECRET_TOKEN = '123456789:CLI-secret-token-value';

function hearth(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', ['bin/hearth.js', ...args], { env, cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

// The token is checked with Telegram (getMe) before it is stored: a local fake Bot API that knows it.
let fake: FakeBotApi;
beforeAll(async () => {
  fake = await FakeBotApi.start({ token: SECRET_TOKEN });
});
afterAll(async () => {
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('hearth connection (CLI)', { timeout: 120_000 }, () => {
  it('adds a connection from settings on standard input and never prints or stores the token in clear', async () => {
    const added = await hearth(['connection', 'add', 'telegram', 'main-bot'], JSON.stringify({ token: SECRET_TOKEN, mode: 'polling', apiRoot: fake.apiRoot }));
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ platform: 'telegram', name: 'main-bot', status: 'active' });
    const listed = await hearth(['connection', 'list']);
    expect(listed.stdout).toContain('main-bot');
    // Its health, as a server would record it: no server has opened it yet.
    expect(JSON.parse(listed.stdout.trim().split('\n')[0]!)).toMatchObject({ name: 'main-bot', status: 'active', health: { state: 'connecting' } });
    for (const out of [added.stdout, added.stderr, listed.stdout, listed.stderr]) expect(out).not.toContain('CLI-secret-token');
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('hearth.db'))) expect(readFileSync(join(dataDir, file)).includes('CLI-secret-token')).toBe(false);
  });

  it('pauses, resumes and removes by name', async () => {
    expect(JSON.parse((await hearth(['connection', 'pause', 'main-bot'])).stdout)).toMatchObject({ status: 'paused' });
    expect(JSON.parse((await hearth(['connection', 'resume', 'main-bot'])).stdout)).toMatchObject({ status: 'active' });
    expect(JSON.parse((await hearth(['connection', 'remove', 'main-bot'])).stdout)).toMatchObject({ name: 'main-bot' });
    expect((await hearth(['connection', 'list'])).stdout).toBe('');
  });

  it('names what is wrong, without echoing the settings', async () => {
    const bad = await hearth(['connection', 'add', 'telegram', 'bad-bot'], JSON.stringify({ token: 'secret-but-malformed', mode: 'polling' }));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/token: a bot token looks like/);
    expect(bad.stderr).not.toContain('secret-but-malformed');
    expect((await hearth(['connection', 'add', 'telegram', 'x'], 'not json')).stderr).toMatch(/not valid JSON/);
    // A token Telegram does not know is named and not stored.
    const refused = await hearth(['connection', 'add', 'telegram', 'other-bot'], JSON.stringify({ token: '123456789:CLI-somebody-elses-token', apiRoot: fake.apiRoot }));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Telegram does not accept this bot token/);
    expect(refused.stderr).not.toContain('somebody-elses');
    expect((await hearth(['connection', 'pause', 'nope'])).stderr).toMatch(/no connection "nope"/);
  });
});
