import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionInput } from '../src/core/action.js';
import { actionSchema } from '../src/core/action.js';
import { PlatformError, type OutboundAction } from '../src/platforms/platform-adapter.js';
import { withMentions } from '../src/platforms/telegram/sender.js';
import { TelegramAdapter } from '../src/platforms/telegram/telegram-adapter.js';
import { FakeBotApi } from './helpers/fake-bot-api.js';

const TOKEN = '424242424:sender-test-token_abcdefghijklmno';
const NOW = Date.parse('2026-05-30T07:00:00Z');
const group = { id: 1, externalId: '-1006660001', name: 'Book Club' };
const members = new Map([
  [11, { externalId: '6660011', name: 'Hana' }],
  [12, { externalId: '6660012', name: '🌸 Iris' }],
]);
const outbound = (action: ActionInput, to = group): OutboundAction => ({ idempotencyKey: 'k1', action: actionSchema.parse(action), group: to, members });

async function refusal(run: Promise<unknown>): Promise<PlatformError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

describe('telegram sender against the fake Bot API', () => {
  let fake: FakeBotApi;
  let adapter: TelegramAdapter;
  beforeEach(async () => {
    fake = await FakeBotApi.start({ token: TOKEN });
    adapter = new TelegramAdapter({ settings: { token: TOKEN, mode: 'polling', apiRoot: fake.apiRoot }, clock: () => NOW });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('sends a reply with the mentioned members as text mentions and returns the message id', async () => {
    const receipt = await adapter.send(outbound({ type: 'send_message', groupId: 1, text: 'Thanks Hana!', replyTo: '77', mentions: [11, 12] }));
    expect(receipt).toEqual({ messageId: '1001' });
    const [call] = fake.callsTo('sendMessage');
    expect(call!.payload).toEqual({
      chat_id: -1006660001,
      text: '🌸 Iris Thanks Hana!',
      entities: [
        { type: 'text_mention', offset: 0, length: 7, user: { id: 6660012, is_bot: false, first_name: '🌸 Iris' } },
        { type: 'text_mention', offset: 15, length: 4, user: { id: 6660011, is_bot: false, first_name: 'Hana' } },
      ],
      reply_parameters: { message_id: 77, allow_sending_without_reply: true },
    });
    expect((await adapter.send(outbound({ type: 'send_message', groupId: 1, text: 'plain' }))).messageId).toBe('1002');
    const [, second] = fake.callsTo('sendMessage');
    // The sender sends when asked: pacing within Telegram's limits is the outbox's shared limiter's job.
    expect(second!.payload).toEqual({ chat_id: -1006660001, text: 'plain' });
  });

  it('mutes until a time, removes by ban + unban, bans, deletes', async () => {
    await adapter.send(outbound({ type: 'mute_member', groupId: 1, memberId: 11, seconds: 3_600 }));
    await adapter.send(outbound({ type: 'mute_member', groupId: 1, memberId: 11 }));
    await adapter.send(outbound({ type: 'remove_member', groupId: 1, memberId: 12 }));
    await adapter.send(outbound({ type: 'ban_member', groupId: 1, memberId: 12 }));
    await adapter.send(outbound({ type: 'delete_message', groupId: 1, messageId: '900' }));
    const calls = fake.calls.map((c) => [c.method, c.payload]);
    const [timed, forever] = fake.callsTo('restrictChatMember');
    expect(timed!.payload).toMatchObject({
      chat_id: -1006660001,
      user_id: 6660011,
      until_date: NOW / 1000 + 3_600,
      use_independent_chat_permissions: true,
      permissions: { can_send_messages: false, can_send_photos: false },
    });
    expect(forever!.payload).not.toHaveProperty('until_date');
    expect(calls.slice(2)).toEqual([
      ['banChatMember', { chat_id: -1006660001, user_id: 6660012 }],
      ['unbanChatMember', { chat_id: -1006660001, user_id: 6660012, only_if_banned: true }],
      ['banChatMember', { chat_id: -1006660001, user_id: 6660012 }],
      ['deleteMessage', { chat_id: -1006660001, message_id: 900 }],
    ]);
  });

  it('creates named invite links with a member limit', async () => {
    const link = await adapter.createInviteLink('-1006660001', { name: 'june-poster', memberLimit: 50 });
    expect(link).toEqual({ link: 'https://t.me/+fakeLink1', name: 'june-poster', memberLimit: 50 });
    expect(fake.callsTo('createChatInviteLink')[0]!.payload).toEqual({ chat_id: -1006660001, name: 'june-poster', member_limit: 50 });
  });

  it('maps refusals: 429 retryable after retry_after, 5xx and network retryable, 400/403 final — never showing the token', async () => {
    // A chat per attempt, so the one-per-second spacing in a chat does not slow the test.
    let chat = -1006660100;
    const send = () => adapter.send(outbound({ type: 'send_message', groupId: 1, text: 'hello' }, { ...group, externalId: String(chat--) }));
    fake.failNext(1, { code: 429, retryAfter: 7 });
    expect(await refusal(send())).toMatchObject({ retryable: true, retryAfterMs: 7_000, code: 429, method: 'sendMessage' });
    fake.failNext(1, { code: 500 });
    expect(await refusal(send())).toMatchObject({ retryable: true, code: 500 });
    fake.failNext(1, { code: 403 });
    expect(await refusal(send())).toMatchObject({ retryable: false, code: 403, message: 'telegram sendMessage: Forbidden: bot is not a member of the group chat' });
    fake.failNext(1, { code: 400, description: `Bad Request: chat not found for bot${TOKEN}` });
    const bad = await refusal(send());
    expect(bad).toMatchObject({ retryable: false, code: 400 });
    expect(bad.message).not.toContain(TOKEN);
    fake.failNext(1, { code: 'network' });
    const dropped = await refusal(send());
    expect(dropped).toMatchObject({ retryable: true, code: 'network' });
    expect(dropped.message).not.toContain(TOKEN);
    fake.failNext(1, { code: 500 }, ['unbanChatMember']);
    expect(await refusal(adapter.send(outbound({ type: 'remove_member', groupId: 1, memberId: 11 })))).toMatchObject({ retryable: true, method: 'unbanChatMember' });

    await fake.close();
    const unreachable = await refusal(send());
    expect(unreachable).toMatchObject({ retryable: true, code: 'network' });
    expect(unreachable.message).toMatch(/ECONNREFUSED|ECONNRESET|socket hang up/);
    expect(unreachable.message).toContain('/bot[redacted]/');
    expect(unreachable.message).not.toContain(TOKEN);
    expect(unreachable.message).not.toContain(TOKEN.split(':')[1]);
    fake = await FakeBotApi.start({ token: TOKEN });
  });

  it('refuses for good what Telegram could never do', async () => {
    expect(await refusal(adapter.send(outbound({ type: 'delete_message', groupId: 1, messageId: 'bot:abc' })))).toMatchObject({ retryable: false });
    expect(await refusal(adapter.send(outbound({ type: 'ban_member', groupId: 1, memberId: 99 })))).toMatchObject({ retryable: false });
    expect(fake.calls).toEqual([]);
  });
});

describe('withMentions', () => {
  it('links a name the text already says, and puts the others before the text, in UTF-16 offsets', () => {
    const out = withMentions('Hi 👋 Jo and Kai', [
      { externalId: '1', name: 'Kai' },
      { externalId: '2', name: 'Lu 🦊' },
      { externalId: 'some_user', name: 'ignored' },
    ]);
    expect(out.text).toBe('Lu 🦊 @some_user Hi 👋 Jo and Kai');
    expect(out.entities).toEqual([
      { type: 'text_mention', offset: 0, length: 5, user: { id: 2, is_bot: false, first_name: 'Lu 🦊' } },
      { type: 'text_mention', offset: 30, length: 3, user: { id: 1, is_bot: false, first_name: 'Kai' } },
    ]);
    expect(out.text.slice(30, 33)).toBe('Kai');
  });
});
