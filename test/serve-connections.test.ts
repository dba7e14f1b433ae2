import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { ConnectionStore } from '../src/connections/connection-store.js';
import { SecretBox } from '../src/connections/secret-box.js';
import { startServer } from '../src/server/serve.js';
import { openStore } from '../src/store/database.js';
import { setUpWorkspace } from '../src/runtime/workspace-setup.js';
import { FakeBotApi } from './helpers/fake-bot-api.js';

const TOKEN = '555000222:serve-test-token_abcdefghijklm';
const chat = { id: -1006660001, type: 'supergroup', title: 'Evening Runners' };
const ida = { id: 6660001, is_bot: false, first_name: 'Ida' };

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('hearth serve with a Telegram connection', { timeout: 60_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-serve-conn-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('polls the bot, runs the welcome through the pipeline and sends it back to Telegram', async () => {
    const fake = await FakeBotApi.start({ token: TOKEN });
    const config = loadConfig({ HEARTH_DATA_DIR: dataDir, HEARTH_DEMO: '0', HEARTH_LOG_LEVEL: 'silent' });
    // Set up as an operator would before starting the server: a workspace and a connection.
    const store = await openStore(config.database);
    const ws = await setUpWorkspace(store.db, 'runners');
    await new ConnectionStore(store.db, new SecretBox(config.secret)).add({ workspaceId: ws.id, platform: 'telegram', name: 'runners-bot', settings: { token: TOKEN, mode: 'polling', apiRoot: fake.apiRoot } });
    await store.close();

    const server = await startServer(config, { port: 0, roles: ['web', 'worker', 'bots'], hostname: '127.0.0.1' });
    try {
      fake.queueUpdates({ chat_member: { chat, from: ida, date: Math.floor(Date.now() / 1000), old_chat_member: { status: 'left', user: ida }, new_chat_member: { status: 'member', user: ida }, invite_link: { invite_link: 'https://t.me/+x', name: 'spring-poster', creator: ida, creates_join_request: false, is_primary: false, is_revoked: false } } });
      const sent = await until(async () => fake.callsTo('sendMessage'), (calls) => calls.length > 0);
      expect(sent[0]!.payload).toMatchObject({ chat_id: chat.id });
      expect(String(sent[0]!.payload.text)).toContain('Welcome Ida to Evening Runners');
      const membership = await server.runtime.store.db.selectFrom('membership').select(['join_method', 'code']).executeTakeFirstOrThrow();
      expect(membership).toEqual({ join_method: 'link', code: 'spring-poster' });
    } finally {
      await server.close();
      await fake.close();
    }
  });
});
