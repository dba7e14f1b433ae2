import { afterEach, describe, expect, it } from 'vitest';
import { parseEvent, type EventInput } from '../src/core/event.js';
import { TelegramAdapter } from '../src/platforms/telegram/telegram-adapter.js';
import { FakeBotApi } from './helpers/fake-bot-api.js';

const TOKEN = '555000111:polling-test-token_abcdefghijklm';
const date = Math.floor(Date.parse('2026-05-20T18:00:00Z') / 1000);
const chat = { id: -1008880001, type: 'supergroup', title: 'Night Owls' };
const fay = { id: 8880001, is_bot: false, first_name: 'Fay' };
const gus = { id: 8880002, is_bot: false, first_name: 'Gus' };

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('telegram long polling against the fake Bot API', () => {
  const open: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (open.length) await open.pop()!();
  });

  async function setup(sink: (events: EventInput[]) => Promise<void>, onError?: (e: Error) => void) {
    const fake = await FakeBotApi.start({ token: TOKEN });
    const adapter = new TelegramAdapter({ settings: { token: TOKEN, mode: 'polling', apiRoot: fake.apiRoot }, pollTimeoutSeconds: 1, sink, ...(onError ? { onError } : {}) });
    open.push(
      () => fake.close(),
      () => adapter.stop(),
    );
    return { fake, adapter };
  }

  it('hands updates from getUpdates to the sink as events, asking for chat_member and message_reaction', async () => {
    const received: EventInput[] = [];
    const { fake, adapter } = await setup(async (events) => void received.push(...events));
    fake.queueUpdates({ message: { message_id: 1, date, chat, from: fay, text: 'anyone up?' } });
    await adapter.start();
    fake.queueUpdates(
      { message_reaction: { chat, message_id: 1, user: gus, date: date + 5, old_reaction: [], new_reaction: [{ type: 'emoji', emoji: '🦉' }] } },
      { chat_member: { chat, from: gus, date: date + 9, old_chat_member: { status: 'member', user: gus }, new_chat_member: { status: 'left', user: gus } } },
      { channel_post: { message_id: 5, date, chat: { id: -1008880099, type: 'channel' } } },
    );
    await until(() => received.length >= 3 && fake.pendingUpdates === 0);
    expect(received.map((e) => parseEvent(e).kind)).toEqual(['message', 'reaction', 'member.left']);
    expect(received[0]).toMatchObject({ platform: 'telegram', dedupKey: 'tg:-1008880001:1', group: { id: '-1008880001' } });

    const polls = fake.callsTo('getUpdates');
    expect(polls[0]!.payload.allowed_updates).toEqual(expect.arrayContaining(['message', 'edited_message', 'chat_member', 'message_reaction']));
    expect(fake.callsTo('getMe')).toHaveLength(1);
    expect(fake.callsTo('deleteWebhook')).toHaveLength(1);

    const stopping = Date.now();
    await adapter.stop();
    expect(Date.now() - stopping).toBeLessThan(2_000);
    // stop() confirms what was handled: nothing is served twice on the next start.
    expect(fake.pendingUpdates).toBe(0);
  });

  it('retries a failing sink before moving on, and refuses to start with a wrong token', async () => {
    let calls = 0;
    const stored: EventInput[] = [];
    const { fake, adapter } = await setup(async (events) => {
      if (++calls === 1) throw new Error('database busy');
      stored.push(...events);
    });
    await adapter.start();
    fake.queueUpdates({ message: { message_id: 2, date, chat, from: fay, text: 'retry me' } });
    await until(() => stored.length === 1);
    expect(calls).toBe(2);

    const wrong = new TelegramAdapter({ settings: { token: '555000111:another-token_abcdefghijklmnopq', mode: 'polling', apiRoot: fake.apiRoot }, pollTimeoutSeconds: 1, sink: async () => {} });
    const error = await wrong.start().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/401|Unauthorized/);
    expect(error?.message).not.toContain('another-token');
  });
});
