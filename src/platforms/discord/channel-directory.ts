/** A channel or thread as Hearth needs to know it. */
export interface DiscordChannel {
  id: string;
  guildId: string;
  type: number;
  name?: string;
  /** For a thread: the channel it hangs off. */
  parentId?: string;
}

const THREAD_TYPES = new Set([10, 11, 12]);
/** How many thread messages' channels are remembered for replies and deletes. */
const REMEMBERED_MESSAGES = 50_000;

/** Whether a Discord channel type is a thread (announcement, public or private). */
export const isThreadType = (type: number) => THREAD_TYPES.has(type);

/**
 * What the gateway told the adapter about guilds and channels: which guild a
 * channel belongs to, a thread's parent channel, a guild's system channel, the
 * bot's own id. Filled from READY, GUILD_CREATE, CHANNEL_* and THREAD_* dispatches
 * (and, for a channel first seen in a message, by the receiver asking Discord).
 */
export class ChannelDirectory {
  selfId: string | undefined;
  readonly #channels = new Map<string, DiscordChannel>();
  readonly #guilds = new Map<string, { name?: string; systemChannelId?: string }>();
  readonly #threadMessages = new Map<string, string>();

  /**
   * Remembers that a message lives in a thread. Its Event names the parent channel's
   * group (the Event has no thread field), so a reply to it or its deletion would
   * otherwise go to the wrong channel. In memory, for the most recent messages.
   */
  noteThreadMessage(messageId: string, threadId: string): void {
    this.#threadMessages.set(messageId, threadId);
    if (this.#threadMessages.size > REMEMBERED_MESSAGES) this.#threadMessages.delete(this.#threadMessages.keys().next().value!);
  }

  /** The thread a message was seen in, if it was one and is still remembered. */
  threadOfMessage(messageId: string): string | undefined {
    return this.#threadMessages.get(messageId);
  }

  setChannel(channel: DiscordChannel): void {
    this.#channels.set(channel.id, channel);
  }

  channel(id: string): DiscordChannel | undefined {
    return this.#channels.get(id);
  }

  setGuild(id: string, info: { name?: string; systemChannelId?: string | null }): void {
    const known = this.#guilds.get(id) ?? {};
    this.#guilds.set(id, {
      ...known,
      ...(info.name !== undefined ? { name: info.name } : {}),
      ...(info.systemChannelId !== undefined ? (info.systemChannelId ? { systemChannelId: info.systemChannelId } : { systemChannelId: undefined }) : {}),
    });
  }

  guild(id: string): { name?: string; systemChannelId?: string } | undefined {
    return this.#guilds.get(id);
  }

  /**
   * The Hearth group a channel's messages belong to: the channel itself, or for a
   * thread its parent channel (the thread is returned alongside).
   */
  groupOf(channelId: string): { id: string; title?: string; thread?: DiscordChannel } {
    const channel = this.#channels.get(channelId);
    if (channel && isThreadType(channel.type) && channel.parentId) {
      const title = this.title(channel.parentId);
      return { id: channel.parentId, ...(title ? { title } : {}), thread: channel };
    }
    const title = this.title(channelId);
    return { id: channelId, ...(title ? { title } : {}) };
  }

  /** "Guild #channel", so same-named channels of different guilds stay apart; undefined while unknown. */
  title(channelId: string): string | undefined {
    const channel = this.#channels.get(channelId);
    if (!channel?.name) return undefined;
    const guild = this.#guilds.get(channel.guildId)?.name;
    return (guild ? `${guild} #${channel.name}` : `#${channel.name}`).slice(0, 512);
  }
}
