import type { Contact, Room, Wechaty } from 'wechaty';
import { PlatformError, type OutboundAction, type SendReceipt } from '../platform-adapter.js';
import { WECHAT_FAILURE_COOLDOWN_MS } from './config.js';
import type { DailySendCounter } from './send-counter.js';
import { wechatError } from './wechat-errors.js';

/** A refusal a test makes the platform give, before the call reaches the puppet. */
export interface WechatSendFault {
  retryable: boolean;
  retryAfterMs?: number;
  reason?: string;
}

export interface WechatSenderOptions {
  bot: () => Wechaty | undefined;
  counter: DailySendCounter;
  secrets: readonly string[];
  fault?: (call: { method: string; groupExternalId: string }) => WechatSendFault | undefined;
}

const REMEMBERED = 10_000;

/**
 * Performs actions through Wechaty: say in a room (mentions as WeChat @s, a reply
 * as an @ of the replied member), remove a member, invite one. WeChat has no
 * idempotency key, so the receipts of recent sends are remembered by the action's
 * key: a resend in the same process returns the first receipt instead of posting twice.
 */
export class WechatSender {
  readonly #done = new Map<string, SendReceipt>();

  constructor(private readonly options: WechatSenderOptions) {}

  async send(outbound: OutboundAction): Promise<SendReceipt> {
    const earlier = this.#done.get(outbound.idempotencyKey);
    if (earlier) return earlier;
    const { action } = outbound;
    let receipt: SendReceipt;
    switch (action.type) {
      case 'send_message':
        receipt = await this.#call('room.say', 'send_message', outbound.group.externalId, async (bot, room) => {
          const ids = action.mentions.map((id) => outbound.members.get(id)?.externalId).filter((id): id is string => !!id);
          if (action.replyTo) {
            const talker = await repliedTalker(bot, action.replyTo);
            if (talker && !ids.includes(talker)) ids.push(talker);
          }
          const contacts = await Promise.all(ids.map((id) => contact(bot, id)));
          const message = await room.say(action.text, ...contacts);
          return message ? { messageId: message.id } : {};
        });
        break;
      case 'remove_member': {
        const member = target(outbound, action.memberId, 'room.remove');
        receipt = await this.#call('room.remove', 'remove_member', outbound.group.externalId, async (bot, room) => {
          await room.remove(await contact(bot, member));
          return {};
        });
        break;
      }
      default:
        throw new PlatformError('wechat', action.type, `WeChat cannot ${action.type.replace('_', ' ')}: bots can only send messages and remove members`, false, undefined, 'unsupported');
    }
    this.#remember(outbound.idempotencyKey, receipt);
    return receipt;
  }

  /** Adds (invites) a contact to a room: WeChat adds directly in small rooms and sends an invitation in large ones. */
  invite(groupExternalId: string, memberExternalId: string): Promise<void> {
    return this.#call('room.add', 'invite_member', groupExternalId, async (bot, room) => {
      await room.add(await contact(bot, memberExternalId));
    });
  }

  async #call<T>(method: string, action: string, roomId: string, perform: (bot: Wechaty, room: Room) => Promise<T>): Promise<T> {
    const bot = this.options.bot();
    if (!bot) throw new PlatformError('wechat', method, 'the WeChat connection is not running', true, WECHAT_FAILURE_COOLDOWN_MS, 'not_started');
    if (!bot.isLoggedIn) throw new PlatformError('wechat', method, 'the account is not logged in (scan the QR code)', true, WECHAT_FAILURE_COOLDOWN_MS, 'not_logged_in');
    const fault = this.options.fault?.({ method, groupExternalId: roomId });
    if (fault) {
      this.options.counter.record(action, false);
      throw new PlatformError('wechat', method, fault.reason ?? (fault.retryable ? 'the service is busy' : 'not allowed'), fault.retryable, fault.retryAfterMs, 'refused');
    }
    let room: Room | undefined;
    try {
      room = await bot.Room.find({ id: roomId });
    } catch (error) {
      throw wechatError(method, error, this.options.secrets);
    }
    if (!room) throw new PlatformError('wechat', method, `room ${roomId} not found: the account is not in it`, false, undefined, 'room_not_found');
    try {
      const result = await perform(bot, room);
      this.options.counter.record(action, true);
      return result;
    } catch (error) {
      this.options.counter.record(action, false);
      throw wechatError(method, error, this.options.secrets);
    }
  }

  #remember(key: string, receipt: SendReceipt): void {
    this.#done.set(key, receipt);
    if (this.#done.size > REMEMBERED) this.#done.delete(this.#done.keys().next().value!);
  }
}

function target(outbound: OutboundAction, memberId: number, method: string): string {
  const member = outbound.members.get(memberId);
  if (!member) throw new PlatformError('wechat', method, `member ${memberId} has no WeChat identity`, false, undefined, 'unknown_member');
  return member.externalId;
}

async function contact(bot: Wechaty, id: string): Promise<Contact> {
  const c = await bot.Contact.find({ id });
  if (!c) throw new PlatformError('wechat', 'contact.find', `contact ${id} not found`, false, undefined, 'contact_not_found');
  return c;
}

/** The author of the message being replied to, when the puppet still knows it; WeChat bots cannot quote, so a reply @s them. */
async function repliedTalker(bot: Wechaty, messageId: string): Promise<string | undefined> {
  try {
    const message = await bot.Message.find({ id: messageId });
    return message && !message.self() ? message.talker().id : undefined;
  } catch {
    return undefined;
  }
}
