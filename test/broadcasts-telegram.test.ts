import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBroadcast, getBroadcast } from '../src/activation/broadcasts/broadcast-store.js';
import { ConnectionStore } from '../src/connections/connection-store.js';
import { SecretBox } from '../src/connections/secret-box.js';
import { resolveGroupSelector } from '../src/groups/group-selector.js';
import { TelegramAdapter } from '../src/platforms/telegram/telegram-adapter.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { FakeBotApi } from './helpers/fake-bot-api.js';

const TOKEN = `100200300:broadcast-${randomBytes(8).toString('hex')}`;
const GROUPS = 300;

describe('a broadcast through the Telegram adapter against the fake Bot API (real clock)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('reaches 300 Telegram groups of a set with every group’s result, Telegram’s per-chat and global limits never exceeded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-broadcast-tg-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const fake = await FakeBotApi.start({ token: TOKEN });
    cleanups.push(() => fake.close());
    let settled: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      settled = resolve;
    });
    let check: () => Promise<void> = async () => {};
    const runtime = await HearthRuntime.open({ kind: 'sqlite', file: join(dir, 'hearth.db') }, { work: { dispatch: true }, dispatcher: { onDone: () => check() } });
    cleanups.push(() => runtime.close());
    const { db } = runtime.store;
    const ws = await ensureWorkspace(db, 'tg-broadcast');
    const connections = new ConnectionStore(db, new SecretBox(randomBytes(32).toString('hex')));
    const connection = await connections.add({ workspaceId: ws.id, platform: 'telegram', name: 'broadcast-bot', settings: { token: TOKEN, mode: 'polling', apiRoot: fake.apiRoot } });
    const adapter = new TelegramAdapter({ settings: (await connections.get(connection.id)).settings, connection: { id: connection.id, workspaceId: ws.id } });
    runtime.connections.set(connection.id, adapter);
    await adapter.identity();

    const now = Date.now();
    const chats = Array.from({ length: GROUPS }, (_, i) => String(-1002000000000 - i));
    await db
      .insertInto('chat_group')
      .values(chats.map((chat, i) => ({ workspace_id: ws.id, connection_id: connection.id, platform: 'telegram', external_id: chat, name: `City ${i + 1}`, created_at: now })))
      .execute();
    const ids = (await db.selectFrom('chat_group').select('id').where('workspace_id', '=', ws.id).orderBy('id').execute()).map((g) => g.id);
    await db
      .insertInto('group_tag')
      .values(ids.map((id) => ({ workspace_id: ws.id, group_id: id, tag: 'cities', created_at: now })))
      .execute();

    // Telegram pushes back once (429 with retry_after: waited out, then sent) and refuses one group for good.
    fake.failNext(1, { code: 429, retryAfter: 1 });
    fake.failNext(1, { code: 403, description: 'Forbidden: bot was kicked from the group chat' });
    const selector = { sets: ['cities'] };
    const { id } = await createBroadcast(
      db,
      {
        workspaceId: ws.id,
        text: 'Meetup tonight in {group}',
        link: 'https://hearth.test/meetup',
        selector,
        groupIds: await resolveGroupSelector(db, ws.id, selector),
        sendAt: null,
        createdBy: 'test',
      },
      now,
    );
    const progress: number[] = [];
    check = async () => {
      const view = await getBroadcast(db, ws.id, id);
      progress.push(view.sent);
      if (view.pending === 0) settled();
    };
    runtime.wakeDispatcher();
    await finished;

    const view = await getBroadcast(db, ws.id, id);
    expect([view.status, view.total, view.sent, view.failed, view.pending]).toEqual(['done', GROUPS, GROUPS - 1, 1, 0]);
    expect(view.groups.map((g) => g.groupId)).toEqual(ids);
    expect(view.groups.filter((g) => g.status === 'failed').map((g) => g.reason)).toEqual([expect.stringContaining('bot was kicked from the group chat')]);
    // Progress was visible on the way, not only at the end.
    expect(progress.filter((sent) => sent > 0 && sent < GROUPS - 1).length).toBeGreaterThan(3);

    // What the fake saw: each chat once (the refused one not at all), the text filled for its group.
    const delivered = fake.deliveries();
    expect(delivered.size).toBe(GROUPS - 1);
    expect(Math.max(...delivered.values())).toBe(1);
    const first = fake.callsTo('sendMessage').find((c) => c.status === 200 && String(c.payload.chat_id) === chats[10]);
    expect(first?.payload.text).toBe('Meetup tonight in City 11\nhttps://hearth.test/meetup');
    // Telegram's limits, counted from the arrival times at the fake: per chat 1/s and 20/min, 30/s for the bot.
    const limits = fake.checkLimits();
    expect(limits.exceeded, JSON.stringify(limits.violations.slice(0, 3))).toBe(false);
    expect(limits.tightest.find((t) => t.scope === 'global')!.spanMs).toBeGreaterThanOrEqual(1_000);
    // 299 accepted, the refused one, and the one pushed back once and sent after its wait.
    expect([limits.sends, fake.callsTo('sendMessage').length]).toEqual([GROUPS - 1, GROUPS + 1]);
  }, 120_000);
});
