import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAutomation } from '../src/automations/automation-store.js';
import { ConnectionStore } from '../src/connections/connection-store.js';
import { SecretBox } from '../src/connections/secret-box.js';
import type { TelegramAdapter } from '../src/platforms/telegram/telegram-adapter.js';
import { openTelegramConnection } from '../src/platforms/telegram/telegram-connection.js';
import { ensureGroup } from '../src/store/groups.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { realTimeClock, SandboxService } from '../src/runtime/sandbox-service.js';
import { createApp } from '../src/server/app.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { backends } from './helpers/backends.js';
import { FakeBotApi } from './helpers/fake-bot-api.js';

const TOKEN = '987654321:webhook-test-token_abcdefghijklmn';
const SECRET = 'hook-secret_0123456789';
const date = Math.floor(Date.parse('2026-05-10T12:00:00Z') / 1000);
const chat = { id: -1007770001, type: 'supergroup', title: 'Riverside Runners' };
const dee = { id: 7770001, is_bot: false, first_name: 'Dee' };
const eli = { id: 7770002, is_bot: false, first_name: 'Eli' };

describe('telegram webhook → real runtime on SQLite', () => {
  let runtime: HearthRuntime;
  let cleanup: () => Promise<void>;
  let fake: FakeBotApi;
  let app: Hono;
  let adapter: TelegramAdapter;
  let connectionId: number;
  let workspaceId: number;

  beforeEach(async () => {
    const made = backends[0]!.create();
    cleanup = made.cleanup;
    runtime = await HearthRuntime.open(made.target);
    fake = await FakeBotApi.start({ token: TOKEN });
    workspaceId = (await ensureWorkspace(runtime.store.db, 'runners')).id;
    const connections = new ConnectionStore(runtime.store.db, new SecretBox('a-test-instance-secret-of-32-chars-or-more'));
    const summary = await connections.add({ workspaceId, platform: 'telegram', name: 'runners-bot', settings: { token: TOKEN, mode: 'webhook', webhookSecret: SECRET, apiRoot: fake.apiRoot } });
    connectionId = summary.id;
    adapter = await openTelegramConnection(runtime, await connections.get(connectionId));
    // The server's app: the Telegram module brings its webhook routes, mounted from the platform registry.
    app = createApp({ runtime, clock: Date.now, sandbox: (ws) => new SandboxService(runtime, ws, realTimeClock), logError: (e) => console.error(e) });
  });
  afterEach(async () => {
    await adapter.stop();
    await fake.close();
    await runtime.close();
    await cleanup();
  });

  /** `secret: null` sends no secret header. */
  const post = (body: string, secret: string | null = SECRET, connection: string | number = connectionId) =>
    app.request(`/hooks/telegram/${connection}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...(secret !== null ? { 'x-telegram-bot-api-secret-token': secret } : {}) } });
  const update = (id: number, message: Record<string, unknown>) => JSON.stringify({ update_id: id, message: { date, chat, from: dee, ...message } });

  it('answers 401 without the secret or with a wrong one, and 404 for what is not a telegram connection', async () => {
    const body = update(1, { message_id: 1, text: 'hi' });
    expect((await post(body, null)).status).toBe(401);
    expect((await post(body, 'wrong-secret')).status).toBe(401);
    expect((await post(body, `${SECRET}x`)).status).toBe(401);
    expect((await post(body, SECRET, 999)).status).toBe(404);
    expect((await post(body, SECRET, 'abc')).status).toBe(404);
    expect(await runtime.store.db.selectFrom('event').select('id').execute()).toEqual([]);
  });

  it('answers 400 naming the reason for a body that is not JSON or not a valid update', async () => {
    const notJson = await post('{"update_id": 1, "message": ');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toMatch(/not valid JSON/);
    const badUpdate = await post(JSON.stringify({ update_id: 2, message: { message_id: 1, date, chat: { type: 'group' }, from: dee, text: 'x' } }));
    expect(badUpdate.status).toBe(400);
    expect(((await badUpdate.json()) as { error: string }).error).toContain('message.chat.id');
    expect(await runtime.store.db.selectFrom('event').select('id').execute()).toEqual([]);
  });

  it('stores an update delivered three times once, and takes unknown update kinds without storing anything', async () => {
    const body = update(10, { message_id: 501, text: 'morning run at 7?' });
    for (let i = 0; i < 3; i++) {
      const res = await post(body);
      expect(res.status).toBe(200);
    }
    const stored = await runtime.store.db.selectFrom('event').select(['dedup_key', 'kind']).execute();
    expect(stored).toEqual([{ dedup_key: 'tg:-1007770001:501', kind: 'message' }]);
    const groups = await runtime.store.db.selectFrom('chat_group').select(['external_id', 'name', 'connection_id']).execute();
    expect(groups).toEqual([{ external_id: '-1007770001', name: 'Riverside Runners', connection_id: connectionId }]);
    expect((await runtime.store.db.selectFrom('group_day').select('messages').executeTakeFirstOrThrow()).messages).toBe(1);

    const unknown = await post(JSON.stringify({ update_id: 11, business_connection: { id: 'b' } }));
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toEqual({ ok: true, events: 0 });
    expect(await runtime.store.db.selectFrom('event').select('id').execute()).toHaveLength(1);
  });

  it('welcomes a member who joined through the webhook, by sending through the Bot API with a text mention', async () => {
    await addAutomation(runtime.store.db, { workspaceId, kind: 'welcome', config: { template: 'Welcome {name} to {group}!' } });
    const join = JSON.stringify({ update_id: 20, chat_member: { chat, from: eli, date, old_chat_member: { status: 'left', user: eli }, new_chat_member: { status: 'member', user: eli } } });
    const asMessage = update(21, { message_id: 600, from: eli, new_chat_members: [eli] });
    expect((await post(join)).status).toBe(200);
    expect((await post(asMessage)).status).toBe(200);
    expect(await runtime.store.db.selectFrom('event').select('kind').execute()).toEqual([{ kind: 'member.joined' }]);

    const report = await runtime.dispatcher.runDue();
    expect(report.dispatched.map((d) => d.status)).toEqual(['done']);
    const [sent] = fake.callsTo('sendMessage');
    expect(sent!.payload).toMatchObject({ chat_id: -1007770001, text: 'Welcome Eli to Riverside Runners!', entities: [{ type: 'text_mention', offset: 8, length: 3, user: { id: 7770002 } }] });
  });

  it('keeps a group that became a supergroup as one Hearth group, and sends to its new id', async () => {
    const old = { id: -7770900, type: 'group', title: 'Trail Crew' };
    const next = { id: -1007770900, type: 'supergroup', title: 'Trail Crew' };
    expect((await post(JSON.stringify({ update_id: 30, message: { message_id: 40, date, chat: old, from: dee, text: 'before' } }))).status).toBe(200);
    const [group] = await runtime.store.db.selectFrom('chat_group').select(['id', 'external_id']).where('external_id', '=', '-7770900').execute();
    expect(group).toBeDefined();
    expect((await post(JSON.stringify({ update_id: 31, message: { message_id: 41, date: date + 1, chat: old, from: dee, migrate_to_chat_id: next.id } }))).status).toBe(200);
    expect(
      (
        await post(
          JSON.stringify({
            update_id: 32,
            message: { message_id: 1, date: date + 1, chat: next, from: { id: 1087968824, is_bot: true, first_name: 'Group' }, sender_chat: next, migrate_from_chat_id: old.id },
          }),
        )
      ).status,
    ).toBe(200);
    expect((await post(JSON.stringify({ update_id: 33, message: { message_id: 2, date: date + 5, chat: next, from: eli, text: 'after' } }))).status).toBe(200);

    const groups = await runtime.store.db.selectFrom('chat_group').select(['id', 'external_id']).execute();
    expect(groups).toEqual([{ id: group!.id, external_id: '-1007770900' }]);
    const events = await runtime.store.db.selectFrom('event').select(['group_id', 'dedup_key']).orderBy('id').execute();
    expect(events).toEqual([
      { group_id: group!.id, dedup_key: 'tg:-7770900:40' },
      { group_id: group!.id, dedup_key: 'tg:-1007770900:2' },
    ]);
  });

  it('re-keys the group when Telegram refuses a send because the group migrated, and the retry reaches the supergroup', async () => {
    const old = { id: -7770950, type: 'group', title: 'Hill Repeats' };
    expect((await post(JSON.stringify({ update_id: 40, message: { message_id: 3, date, chat: old, from: dee, text: 'hello' } }))).status).toBe(200);
    const group = await runtime.store.db.selectFrom('chat_group').select('id').where('external_id', '=', '-7770950').executeTakeFirstOrThrow();
    await runtime.store.db
      .insertInto('outbox')
      .values({
        workspace_id: workspaceId,
        group_id: group.id,
        platform: 'telegram',
        idempotency_key: 'm1',
        action: JSON.stringify({ type: 'send_message', groupId: group.id, text: 'Reminder', mentions: [] }),
        status: 'pending',
        attempts: 0,
        next_attempt_at: 0,
        created_at: 0,
      })
      .execute();
    fake.failNext(1, { code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: -1007770950 } });
    expect((await runtime.dispatcher.runDue()).dispatched.map((d) => d.status)).toEqual(['retry']);
    await runtime.store.db.updateTable('outbox').set({ next_attempt_at: 0 }).execute();
    expect((await runtime.dispatcher.runDue()).dispatched.map((d) => d.status)).toEqual(['done']);
    expect(fake.callsTo('sendMessage').map((c) => [c.payload.chat_id, c.status])).toEqual([
      [-7770950, 400],
      [-1007770950, 200],
    ]);
  });

  it('drops an empty group already made for the supergroup id, and leaves two groups with history apart', async () => {
    const at = new Date(date * 1000).toISOString();
    const say = (chatId: string, id: string) => ({
      platform: 'telegram',
      kind: 'message',
      dedupKey: `tg:${chatId}:${id}`,
      occurredAt: at,
      group: { id: chatId },
      actor: { id: '7770001' },
      messageId: id,
    });
    await runtime.ingest([say('-7771000', '1')], { workspaceId, automations: false });
    const empty = await ensureGroup(runtime.store.db, { workspaceId, platform: 'telegram', externalId: '-1007771000', name: 'made ahead' });
    const moved = await runtime.moveGroup(workspaceId, 'telegram', { from: '-7771000', to: '-1007771000' });
    expect(moved.status).toBe('moved');
    expect(await runtime.store.db.selectFrom('chat_group').select('id').where('id', '=', empty.id).execute()).toEqual([]);
    expect(await runtime.moveGroup(workspaceId, 'telegram', { from: '-7771000', to: '-1007771000' })).toEqual({ status: 'nothing-to-move' });

    await runtime.ingest([say('-7772000', '1'), say('-1007772000', '1')], { workspaceId, automations: false });
    const conflict = await runtime.moveGroup(workspaceId, 'telegram', { from: '-7772000', to: '-1007772000' });
    expect(conflict.status).toBe('conflict');
    const left = await runtime.store.db.selectFrom('chat_group').select('external_id').where('external_id', 'in', ['-7772000', '-1007772000']).orderBy('external_id').execute();
    expect(left.map((g) => g.external_id)).toEqual(['-1007772000', '-7772000']);
  });
});
