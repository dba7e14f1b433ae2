import { createHash } from 'node:crypto';
import { REST, Routes, type RESTOptions } from 'discord.js';
import { PlatformError, type OutboundAction, type SendReceipt } from '../platform-adapter.js';
import type { ChannelDirectory } from './channel-directory.js';
import { DISCORD_MAX_CONTENT, DISCORD_MAX_TIMEOUT_MS } from './config.js';
import { discordError } from './discord-errors.js';

/** The REST client's settings Hearth fixes: no waiting or retrying inside it — the outbox owns retries and their timing. */
export function restOptions(api?: string): Partial<RESTOptions> {
  return {
    version: '10',
    retries: 0,
    offset: 0,
    timeout: 15_000,
    rejectOnRateLimit: () => true,
    ...(api ? { api } : {}),
  };
}

export interface DiscordSenderOptions {
  token: string;
  directory: ChannelDirectory;
  clock: () => number;
  /** REST base URL; tests point it at a local fake. Default https://discord.com/api. */
  api?: string;
}

/**
 * Performs actions through Discord's REST API (discord.js's REST client): send and
 * reply (message_reference), delete, timeout (communication_disabled_until), kick,
 * ban. Messages carry a nonce derived from the action's idempotency key with
 * enforce_nonce, so Discord itself drops a resend of the same action.
 */
export class DiscordSender {
  readonly #rest: REST;
  readonly #secrets: string[];

  constructor(private readonly options: DiscordSenderOptions) {
    this.#rest = new REST(restOptions(options.api)).setToken(options.token);
    this.#secrets = [options.token];
  }

  async send(outbound: OutboundAction): Promise<SendReceipt> {
    const { action } = outbound;
    const channel = outbound.group.externalId;
    const reason = `Hearth: ${action.type}`;
    switch (action.type) {
      case 'send_message': {
        const ids = action.mentions.map((id) => outbound.members.get(id)?.externalId).filter((id): id is string => !!id);
        const prefix = ids.filter((id) => !action.text.includes(`<@${id}>`)).map((id) => `<@${id}>`);
        const content = [...prefix, action.text].join(' ');
        if (content.length > DISCORD_MAX_CONTENT)
          throw new PlatformError('discord', 'createMessage', `the message is ${content.length} characters; Discord allows ${DISCORD_MAX_CONTENT}`, false, undefined, 'too_long');
        const body = {
          content,
          nonce: nonceOf(outbound.idempotencyKey),
          enforce_nonce: true,
          // Only the members the action names are pinged: a template can never @everyone.
          allowed_mentions: { parse: [], users: ids.slice(0, 100), replied_user: true },
          ...(action.replyTo ? { message_reference: { message_id: action.replyTo, fail_if_not_exists: false } } : {}),
        };
        // A reply to a thread message goes into that thread.
        const where = (action.replyTo && this.options.directory.threadOfMessage(action.replyTo)) || channel;
        const message = (await this.#call('createMessage', () => this.#rest.post(Routes.channelMessages(where), { body }))) as { id?: unknown } | null;
        return typeof message?.id === 'string' ? { messageId: message.id } : {};
      }
      case 'delete_message':
        await this.#call('deleteMessage', () => this.#rest.delete(Routes.channelMessage(this.options.directory.threadOfMessage(action.messageId) ?? channel, action.messageId), { reason }));
        return {};
      case 'mute_member': {
        const user = this.#member(outbound, action.memberId, 'timeoutMember');
        const guild = await this.#guildOf(channel, 'timeoutMember');
        const ms = Math.min(action.seconds ? action.seconds * 1000 : DISCORD_MAX_TIMEOUT_MS, DISCORD_MAX_TIMEOUT_MS);
        const until = new Date(this.options.clock() + ms).toISOString();
        await this.#call('timeoutMember', () => this.#rest.patch(Routes.guildMember(guild, user), { body: { communication_disabled_until: until }, reason }));
        return {};
      }
      case 'remove_member': {
        const user = this.#member(outbound, action.memberId, 'kickMember');
        const guild = await this.#guildOf(channel, 'kickMember');
        await this.#call('kickMember', () => this.#rest.delete(Routes.guildMember(guild, user), { reason }));
        return {};
      }
      case 'ban_member': {
        const user = this.#member(outbound, action.memberId, 'banMember');
        const guild = await this.#guildOf(channel, 'banMember');
        await this.#call('banMember', () => this.#rest.put(Routes.guildBan(guild, user), { body: { delete_message_seconds: 0 }, reason }));
        return {};
      }
      case 'unmute_member': {
        const user = this.#member(outbound, action.memberId, 'timeoutMember');
        const guild = await this.#guildOf(channel, 'timeoutMember');
        await this.#call('timeoutMember', () => this.#rest.patch(Routes.guildMember(guild, user), { body: { communication_disabled_until: null }, reason }));
        return {};
      }
      case 'unban_member': {
        const user = this.#member(outbound, action.memberId, 'unbanMember');
        const guild = await this.#guildOf(channel, 'unbanMember');
        await this.#call('unbanMember', () => this.#rest.delete(Routes.guildBan(guild, user), { reason }));
        return {};
      }
      case 'create_invite_link': {
        // A unique invite per code; Discord names none, so joins through it are told apart by the code's own page.
        const body = { max_age: 0, unique: true, ...(action.memberLimit !== undefined ? { max_uses: Math.min(action.memberLimit, 100) } : {}) };
        const invite = (await this.#call('createInvite', () => this.#rest.post(Routes.channelInvites(channel), { body, reason }))) as { code?: unknown } | null;
        if (typeof invite?.code !== 'string') throw new PlatformError('discord', 'createInvite', 'Discord answered without an invite code', true);
        return { inviteLink: `https://discord.gg/${invite.code}` };
      }
      case 'alert_operator':
        throw new PlatformError('discord', action.type, 'operator alerts are handled inside Hearth', false, undefined, 'unsupported');
    }
  }

  /** Stops the REST client's sweep timers. */
  close(): void {
    this.#rest.clearHashSweeper();
    this.#rest.clearHandlerSweeper();
  }

  async #call<T>(method: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw discordError(method, error, this.#secrets);
    }
  }

  #member(outbound: OutboundAction, memberId: number, method: string): string {
    const member = outbound.members.get(memberId);
    if (!member) throw new PlatformError('discord', method, `member ${memberId} has no Discord identity`, false, undefined, 'unknown_member');
    return member.externalId;
  }

  /** The guild a channel belongs to: from the gateway's directory, else asked of Discord once. */
  async #guildOf(channelId: string, method: string): Promise<string> {
    const known = this.options.directory.channel(channelId);
    if (known) return known.guildId;
    const channel = (await this.#call(method, () => this.#rest.get(Routes.channel(channelId)))) as { id: string; guild_id?: string; type: number; name?: string; parent_id?: string | null };
    if (!channel.guild_id) throw new PlatformError('discord', method, `channel ${channelId} is not in a guild`, false, undefined, 'not_a_guild_channel');
    this.options.directory.setChannel({
      id: channel.id,
      guildId: channel.guild_id,
      type: channel.type,
      ...(channel.name ? { name: channel.name } : {}),
      ...(channel.parent_id ? { parentId: channel.parent_id } : {}),
    });
    return channel.guild_id;
  }
}

/** Discord's nonce is at most 25 characters: a digest of the idempotency key. */
export function nonceOf(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 25);
}
