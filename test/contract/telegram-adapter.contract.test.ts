import { TelegramAdapter } from '../../src/platforms/telegram/telegram-adapter.js';
import { FakeBotApi } from '../helpers/fake-bot-api.js';
import { runAdapterContract, type PayloadSample, type SentCall } from './adapter-contract.js';

/** Synthetic Bot API payloads (invented people), one per kind of thing Hearth reads. */
const TOKEN = '123456789:contract-test-token_abcdefghijkl';
const date = Math.floor(Date.parse('2026-06-01T09:00:00Z') / 1000);
const chat = { id: -1009990001, type: 'supergroup', title: 'Contract Group' };
const ann = { id: 5550001, is_bot: false, first_name: 'Ann', last_name: 'Example', username: 'ann_example' };
const bo = { id: 5550002, is_bot: false, first_name: 'Bo' };
const cy = { id: 5550003, is_bot: false, first_name: 'Cy' };

const samples: PayloadSample[] = [
  {
    kind: 'message',
    payload: {
      update_id: 1001,
      message: {
        message_id: 10,
        date,
        chat,
        from: ann,
        text: 'hello @bo_user and Cy',
        entities: [
          { type: 'mention', offset: 6, length: 8 },
          { type: 'text_mention', offset: 19, length: 2, user: cy },
        ],
        reply_to_message: { message_id: 9, date: date - 60, chat, from: bo, text: 'hi' },
      },
    },
    expect: { messageId: '10', text: 'hello @bo_user and Cy', replyTo: '9', mentions: ['@bo_user', '5550003'], actor: { id: '5550001', name: 'Ann Example', username: 'ann_example' }, group: { id: '-1009990001', title: 'Contract Group' }, dedupKey: 'tg:-1009990001:10' },
  },
  {
    kind: 'message',
    payload: { update_id: 1002, message: { message_id: 11, date, chat, from: bo, photo: [{ file_id: 'p', file_unique_id: 'p', width: 90, height: 90 }], caption: 'look', forward_origin: { type: 'hidden_user', date, sender_user_name: 'someone' } } },
    expect: { media: 'photo', text: 'look', forwarded: true },
  },
  {
    kind: 'message',
    payload: { update_id: 1003, edited_message: { message_id: 10, date, edit_date: date + 30, chat, from: ann, text: 'hello again' } },
    expect: { edited: true, text: 'hello again', dedupKey: `tg:-1009990001:10:e${date + 30}` },
  },
  {
    kind: 'command',
    payload: { update_id: 1004, message: { message_id: 12, date, chat, from: ann, text: '/checkin@hearth_test_bot today', entities: [{ type: 'bot_command', offset: 0, length: 24 }] } },
    expect: { name: 'checkin', args: 'today', messageId: '12' },
  },
  {
    kind: 'member.joined',
    payload: {
      update_id: 1005,
      chat_member: {
        chat,
        from: cy,
        date,
        old_chat_member: { status: 'left', user: cy },
        new_chat_member: { status: 'member', user: cy },
        invite_link: { invite_link: 'https://t.me/+abc…', creator: ann, creates_join_request: false, is_primary: false, is_revoked: false, name: 'spring-campaign' },
      },
    },
    expect: { method: 'link', code: 'spring-campaign', member: { id: '5550003' }, dedupKey: `tg:-1009990001:join:5550003:${date}` },
  },
  {
    kind: 'member.joined',
    payload: { update_id: 1006, message: { message_id: 13, date: date + 5, chat, from: ann, new_chat_members: [bo] } },
    expect: { method: 'invite', inviter: { id: '5550001' }, member: { id: '5550002' } },
  },
  {
    kind: 'member.left',
    payload: { update_id: 1007, chat_member: { chat, from: ann, date: date + 9, old_chat_member: { status: 'member', user: bo }, new_chat_member: { status: 'kicked', user: bo, until_date: 0 } } },
    expect: { member: { id: '5550002' }, removedBy: { id: '5550001' } },
  },
  {
    kind: 'member.left',
    payload: { update_id: 1008, message: { message_id: 14, date: date + 20, chat, from: cy, left_chat_member: cy } },
    expect: { member: { id: '5550003' } },
  },
  {
    kind: 'reaction',
    payload: { update_id: 1009, message_reaction: { chat, message_id: 10, user: bo, date, old_reaction: [], new_reaction: [{ type: 'emoji', emoji: '👍' }] } },
    expect: { emoji: '👍', added: true, messageId: '10', actor: { id: '5550002' } },
  },
  {
    kind: 'reaction',
    payload: { update_id: 1010, message_reaction: { chat, message_id: 10, user: bo, date: date + 3, old_reaction: [{ type: 'emoji', emoji: '👍' }], new_reaction: [] } },
    expect: { emoji: '👍', added: false },
  },
];

const message = (extra: Record<string, unknown>) => ({ update_id: 1, message: { message_id: 1, date, chat, from: ann, text: 'x', ...extra } });

runAdapterContract({
  name: 'telegram (grammY against a fake Bot API)',
  actions: ['send_message', 'delete_message', 'mute_member', 'remove_member', 'ban_member'],
  async setup(clock) {
    const fake = await FakeBotApi.start({ token: TOKEN });
    const adapter = new TelegramAdapter({ settings: { token: TOKEN, mode: 'webhook', webhookSecret: 'contract-secret', apiRoot: fake.apiRoot }, clock });
    return {
      adapter,
      group: { externalId: String(chat.id), name: 'Contract Group' },
      member: { externalId: String(ann.id), name: 'Ann Example' },
      samples,
      malformed: [
        { payload: null, mentions: '(update)' },
        { payload: { update_id: 'one', message: message({}).message }, mentions: 'update_id' },
        { payload: message({ chat: { type: 'group', title: 'no id' } }), mentions: 'message.chat.id' },
        { payload: message({ from: undefined }), mentions: 'message.from' },
        { payload: message({ entities: [{ type: 'mention', offset: -1, length: 2 }] }), mentions: 'message.entities.0.offset' },
        { payload: { update_id: 2, message_reaction: { chat, message_id: 1, user: bo, date, old_reaction: [], new_reaction: 'x' } }, mentions: 'message_reaction.new_reaction' },
        { payload: { update_id: 3, chat_member: { chat, from: ann, date, old_chat_member: { status: 'left' }, new_chat_member: { status: 'member', user: ann } } }, mentions: 'chat_member.old_chat_member.user' },
      ],
      async sent() {
        const done = fake.calls.filter((c) => c.status === 200 && ['sendMessage', 'deleteMessage', 'restrictChatMember', 'banChatMember', 'unbanChatMember'].includes(c.method));
        const out: SentCall[] = [];
        for (let i = 0; i < done.length; i++) {
          const c = done[i]!;
          const groupExternalId = String(c.payload.chat_id);
          if (c.method === 'sendMessage') out.push({ type: 'send_message', groupExternalId, text: String(c.payload.text) });
          else if (c.method === 'deleteMessage') out.push({ type: 'delete_message', groupExternalId });
          else if (c.method === 'restrictChatMember') out.push({ type: 'mute_member', groupExternalId });
          else if (c.method === 'banChatMember') {
            const next = done[i + 1];
            const kick = next?.method === 'unbanChatMember' && next.payload.chat_id === c.payload.chat_id && next.payload.user_id === c.payload.user_id;
            out.push({ type: kick ? 'remove_member' : 'ban_member', groupExternalId });
            if (kick) i++;
          }
        }
        return out;
      },
      refuseNext(count, refusal) {
        fake.failNext(count, refusal.retryable ? { code: 429, retryAfter: Math.ceil((refusal.retryAfterMs ?? 1_000) / 1_000) } : { code: 403 });
      },
      close: () => fake.close(),
    };
  },
});
