import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEvent, type Event, type EventInput } from '../src/core/event.js';
import { InvalidPayloadError } from '../src/platforms/platform-adapter.js';
import { normalizeTelegramUpdate, readTelegramUpdate, type TelegramChatMigration } from '../src/platforms/telegram/normalizer.js';
import { TelegramReceiver } from '../src/platforms/telegram/receiver.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { backends } from './helpers/backends.js';

const date = Math.floor(Date.parse('2026-05-04T08:00:00Z') / 1000);
const chat = { id: -1004440001, type: 'supergroup', title: 'Makers' };
const ann = { id: 4440001, is_bot: false, first_name: 'Ann' };
const bo = { id: 4440002, is_bot: false, first_name: 'Bo', last_name: 'Lee', username: 'bo_lee' };
const admin = { id: 4440009, is_bot: false, first_name: 'Admin' };
let nextUpdate = 1;
const msg = (fields: Record<string, unknown>) => ({ update_id: nextUpdate++, message: { message_id: 100, date, chat, from: ann, ...fields } });
const member = (status: string, user: object, extra: object = {}) => ({ status, user, ...extra });
const chatMember = (fields: Record<string, unknown>) => ({ update_id: nextUpdate++, chat_member: { chat, from: ann, date, ...fields } });
const events = (payload: unknown, options = {}): Event[] => normalizeTelegramUpdate(payload, options).map(parseEvent);
const one = (payload: unknown, options = {}): Event => {
  const out = events(payload, options);
  expect(out).toHaveLength(1);
  return out[0]!;
};
function refusal(payload: unknown): string {
  try {
    normalizeTelegramUpdate(payload);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPayloadError);
    return (error as Error).message;
  }
  throw new Error('expected an InvalidPayloadError');
}

describe('telegram normalizer: messages', () => {
  it('reads text, mentions of both kinds, replies, links and forwards', () => {
    const e = one(
      msg({
        text: 'hi @bo_lee and Cy, see https://example.org',
        entities: [
          { type: 'mention', offset: 3, length: 7 },
          { type: 'text_mention', offset: 15, length: 2, user: { id: 4440003, is_bot: false, first_name: 'Cy' } },
          { type: 'url', offset: 23, length: 19 },
        ],
        reply_to_message: { message_id: 99, date, chat, from: bo, text: 'q' },
        forward_date: date - 100,
      }),
    );
    expect(e).toMatchObject({
      kind: 'message',
      platform: 'telegram',
      messageId: '100',
      replyTo: '99',
      mentions: ['@bo_lee', '4440003'],
      media: 'link',
      forwarded: true,
      dedupKey: 'tg:-1004440001:100',
    });
    expect(e.occurredAt).toBe('2026-05-04T08:00:00.000Z');
  });

  it('names the media kind, takes the caption as text and its entities as mentions', () => {
    expect(one(msg({ animation: {}, document: {}, caption: 'gif' }))).toMatchObject({ media: 'animation', text: 'gif' });
    expect(one(msg({ video_note: {} }))).toMatchObject({ media: 'video', text: '' });
    expect(one(msg({ venue: {}, location: {} }))).toMatchObject({ media: 'location' });
    expect(one(msg({ sticker: {} }))).toMatchObject({ media: 'sticker' });
    expect(one(msg({ dice: { emoji: '🎲', value: 3 } }))).toMatchObject({ media: 'other' });
    expect(one(msg({ voice: {}, caption: 'to @bo_lee', caption_entities: [{ type: 'mention', offset: 3, length: 7 }] }))).toMatchObject({ media: 'voice', mentions: ['@bo_lee'] });
  });

  it('turns /cmd@bot args into a command, unless it is addressed to another bot', () => {
    const command = (text: string, options = {}) => one(msg({ text, entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] }), options);
    expect(command('/CheckIn@hearth_bot  two words ')).toMatchObject({ kind: 'command', name: 'checkin', args: 'two words', messageId: '100' });
    expect(command('/top')).toMatchObject({ kind: 'command', name: 'top', args: '' });
    expect(command('/start@other_bot', { botUsername: 'hearth_bot' })).toMatchObject({ kind: 'message', text: '/start@other_bot' });
    expect(command('/start@Hearth_Bot', { botUsername: 'hearth_bot' })).toMatchObject({ kind: 'command', name: 'start' });
    expect(one(msg({ text: '/usr/bin is a path' })).kind).toBe('message');
    expect(one(msg({ text: '/x not marked', entities: [] })).kind).toBe('message');
  });

  it('does not read a forum topic root as a reply, but does read a reply inside a topic', () => {
    const root = { message_id: 7, date, chat, from: ann, forum_topic_created: { name: 'T', icon_color: 1 } };
    expect(one(msg({ text: 'in topic', is_topic_message: true, message_thread_id: 7, reply_to_message: root }))).not.toHaveProperty('replyTo');
    expect(one(msg({ text: 'in topic', is_topic_message: true, message_thread_id: 7, reply_to_message: { message_id: 8, date, chat, from: bo, text: 'x' } }))).toMatchObject({ replyTo: '8' });
  });

  it('attributes a message sent as the chat (anonymous admin, linked channel) to that chat', () => {
    const e = one(msg({ from: { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' }, sender_chat: chat, text: 'notice' }));
    expect(e).toMatchObject({ kind: 'message', actor: { id: '-1004440001', name: 'Makers' } });
  });

  it('reads an edit as an edited message with its own dedup key and time', () => {
    const original = one(msg({ message_id: 5, text: 'first' }));
    const edited = one({ update_id: nextUpdate++, edited_message: { message_id: 5, date, edit_date: date + 90, chat, from: ann, text: 'second' } });
    expect(edited).toMatchObject({ kind: 'message', edited: true, text: 'second', messageId: '5' });
    expect(edited.dedupKey).not.toBe(original.dedupKey);
    expect(edited.occurredAt).toBe(new Date((date + 90) * 1000).toISOString());
    const editedCommand = one({ update_id: nextUpdate++, edited_message: { message_id: 6, date, edit_date: date + 5, chat, from: ann, text: '/top' } });
    expect(editedCommand.kind).toBe('message');
  });
});

describe('telegram normalizer: joins and leaves', () => {
  it('reads how a member joined: invite link (its name is the code), join request, added by someone, by themselves', () => {
    const link = { invite_link: 'https://t.me/+AbCd…', creator: admin, creates_join_request: false, is_primary: false, is_revoked: false };
    expect(one(chatMember({ from: bo, old_chat_member: member('left', bo), new_chat_member: member('member', bo), invite_link: { ...link, name: 'poster-may' } }))).toMatchObject({
      kind: 'member.joined',
      method: 'link',
      code: 'poster-may',
      member: { id: '4440002', name: 'Bo Lee', username: 'bo_lee' },
    });
    expect(one(chatMember({ from: bo, old_chat_member: member('left', bo), new_chat_member: member('member', bo), invite_link: link }))).toMatchObject({ method: 'link', code: 'https://t.me/+AbCd…' });
    expect(one(chatMember({ from: admin, old_chat_member: member('left', bo), new_chat_member: member('member', bo), via_join_request: true }))).toMatchObject({ method: 'request' });
    const added = one(chatMember({ from: admin, old_chat_member: member('left', bo), new_chat_member: member('member', bo) }));
    expect(added).toMatchObject({ method: 'invite', inviter: { id: '4440009' } });
    expect(one(chatMember({ from: bo, old_chat_member: member('kicked', bo), new_chat_member: member('restricted', bo, { is_member: true }) }))).toMatchObject({ method: 'unknown' });
  });

  it('gives the two forms of one join (chat_member and new_chat_members) one dedup key, and one event per member added', () => {
    const viaUpdate = one(chatMember({ from: admin, old_chat_member: member('left', bo), new_chat_member: member('member', bo) }));
    const viaMessage = events(msg({ from: admin, new_chat_members: [bo, ann] }));
    expect(viaMessage.map((e) => e.kind)).toEqual(['member.joined', 'member.joined']);
    expect(viaMessage[0]).toMatchObject({ method: 'invite', inviter: { id: '4440009' } });
    expect(viaMessage[0]!.dedupKey).toBe(viaUpdate.dedupKey);
    expect(viaMessage[1]!.dedupKey).not.toBe(viaUpdate.dedupKey);
    const self = one(msg({ from: bo, new_chat_members: [bo] }));
    expect(self).toMatchObject({ method: 'unknown' });
    expect(self).not.toHaveProperty('inviter');
  });

  it('reads leaving and removal, with the same key for both forms of one leave', () => {
    const left = one(chatMember({ from: bo, old_chat_member: member('member', bo), new_chat_member: member('left', bo) }));
    expect(left.kind).toBe('member.left');
    expect(left).not.toHaveProperty('removedBy');
    expect(one(msg({ from: bo, left_chat_member: bo })).dedupKey).toBe(left.dedupKey);
    expect(one(chatMember({ from: admin, old_chat_member: member('administrator', bo), new_chat_member: member('kicked', bo, { until_date: 0 }) }))).toMatchObject({
      kind: 'member.left',
      removedBy: { id: '4440009' },
    });
    expect(one(msg({ from: admin, left_chat_member: bo }))).toMatchObject({ removedBy: { id: '4440009' } });
    expect(one(chatMember({ from: admin, old_chat_member: member('restricted', bo, { is_member: true }), new_chat_member: member('restricted', bo, { is_member: false }) })).kind).toBe('member.left');
  });

  it('ignores changes that keep a member in (or out of) the chat', () => {
    for (const [before, after] of [
      [member('member', bo), member('administrator', bo)],
      [member('member', bo), member('restricted', bo, { is_member: true })],
      [member('left', bo), member('kicked', bo)],
    ]) {
      const reading = readTelegramUpdate(chatMember({ from: admin, old_chat_member: before, new_chat_member: after }));
      expect(reading.events).toEqual([]);
      expect(reading.ignored).toMatch(/chat_member/);
    }
  });
});

describe('telegram normalizer: reactions, migrations, what is ignored, what is refused', () => {
  const reaction = (old_reaction: object[], new_reaction: object[], extra: object = {}) => ({
    update_id: nextUpdate++,
    message_reaction: { chat, message_id: 100, user: bo, date, old_reaction, new_reaction, ...extra },
  });

  it('reads reactions added and removed, by emoji, custom emoji and paid star', () => {
    const swap = events(
      reaction(
        [{ type: 'emoji', emoji: '👍' }],
        [
          { type: 'emoji', emoji: '❤' },
          { type: 'custom_emoji', custom_emoji_id: '5368324170671202286' },
        ],
      ),
    );
    expect(swap.map((e) => e.kind === 'reaction' && [e.emoji, e.added])).toEqual([
      ['❤', true],
      ['custom:5368324170671202286', true],
      ['👍', false],
    ]);
    expect(new Set(swap.map((e) => e.dedupKey)).size).toBe(3);
    expect(one(reaction([], [{ type: 'paid' }]))).toMatchObject({ emoji: '⭐', added: true });
    const anonymous = one(reaction([], [{ type: 'emoji', emoji: '🔥' }], { user: undefined, actor_chat: chat }));
    expect(anonymous).toMatchObject({ actor: { id: '-1004440001' } });
    expect(readTelegramUpdate(reaction([{ type: 'emoji', emoji: '👍' }], [{ type: 'emoji', emoji: '👍' }]))).toMatchObject({ events: [], ignored: 'reaction unchanged' });
  });

  it('reports both notices of a group → supergroup migration, and no events for them', () => {
    const group = { id: -4440100, type: 'group', title: 'Makers' };
    const to = readTelegramUpdate({ update_id: 1, message: { message_id: 50, date, chat: group, from: ann, migrate_to_chat_id: -1004440100 } });
    const from = readTelegramUpdate({ update_id: 2, message: { message_id: 1, date, chat: { id: -1004440100, type: 'supergroup', title: 'Makers' }, from: ann, migrate_from_chat_id: -4440100 } });
    for (const reading of [to, from]) {
      expect(reading.events).toEqual([]);
      expect(reading.migration).toMatchObject({ from: '-4440100', to: '-1004440100' });
    }
  });

  it('ignores private chats, channels, service messages and update kinds Hearth does not use', () => {
    expect(readTelegramUpdate(msg({ chat: { id: 4440001, type: 'private', first_name: 'Ann' }, text: 'hi bot' })).ignored).toBe('private chat');
    expect(readTelegramUpdate(msg({ chat: { id: -1004440200, type: 'channel', title: 'News' }, from: undefined, sender_chat: { id: -1004440200, type: 'channel' }, text: 'post' })).ignored).toBe(
      'channel chat',
    );
    expect(readTelegramUpdate(msg({ pinned_message: { message_id: 1, date, chat } })).ignored).toBe('service message');
    expect(readTelegramUpdate(msg({ new_chat_title: 'New name' })).events?.map((e) => e.kind)).toEqual(['group.renamed']);
    expect(readTelegramUpdate({ update_id: 9, channel_post: { message_id: 1, date, chat } })).toMatchObject({ events: [], ignored: 'update kind channel_post is not used' });
    expect(readTelegramUpdate({ update_id: 9 })).toMatchObject({ events: [], ignored: 'update kind (none) is not used' });
  });

  it('refuses malformed updates naming the field', () => {
    expect(refusal('not an update')).toContain('(update)');
    expect(refusal({ message: {} })).toContain('update_id');
    expect(refusal(msg({ date: 'yesterday' }))).toContain('message.date');
    expect(refusal(msg({ chat: { id: 1.5, type: 'group' } }))).toContain('message.chat.id');
    expect(refusal(msg({ from: undefined, text: 'who?' }))).toContain('message.from');
    expect(refusal(msg({ text: 42 }))).toContain('message.text');
    expect(refusal({ update_id: 1, edited_message: { message_id: 1, date, chat, text: 'x' } })).toContain('edited_message.from');
    expect(refusal({ update_id: 1, message_reaction: { chat, message_id: 1, date, old_reaction: [], new_reaction: [] } })).toContain('message_reaction.user');
    expect(refusal({ update_id: 1, chat_member: { chat, date, old_chat_member: member('left', bo), new_chat_member: member('member', bo) } })).toContain('chat_member.from');
  });
});

describe('telegram receiver: renames and migrations across updates', () => {
  it('notices a member’s new name on their next message, once', async () => {
    const receiver = new TelegramReceiver();
    const first = await receiver.receive([msg({ message_id: 1, from: bo, text: 'a' })]);
    expect(first.map((e) => e.kind)).toEqual(['message']);
    const renamed = { ...bo, first_name: 'Bobby' };
    const second = (await receiver.receive([msg({ message_id: 2, from: renamed, text: 'b' }), msg({ message_id: 3, from: renamed, text: 'c' })])).map(parseEvent);
    expect(second.map((e) => e.kind)).toEqual(['member.renamed', 'message', 'message']);
    expect(second[0]).toMatchObject({ member: { id: '4440002' }, oldName: 'Bo Lee', newName: 'Bobby Lee' });
  });

  it('moves events of the old chat id to the supergroup, and validates a whole batch before applying anything', async () => {
    const seen: TelegramChatMigration[] = [];
    const receiver = new TelegramReceiver({ onChatMigration: async (m) => void seen.push(m) });
    const old = { id: -4440300, type: 'group', title: 'Old' };
    await expect(
      receiver.receive([
        { update_id: 1, message: { message_id: 9, date, chat: old, from: ann, migrate_to_chat_id: -1004440300 } },
        { update_id: 2, message: 'broken' },
      ]),
    ).rejects.toThrow(InvalidPayloadError);
    expect(seen).toEqual([]);
    const out = await receiver.receive([
      { update_id: 3, message: { message_id: 8, date, chat: old, from: ann, text: 'before' } },
      { update_id: 4, message: { message_id: 9, date, chat: old, from: ann, migrate_to_chat_id: -1004440300 } },
      { update_id: 5, message: { message_id: 2, date, chat: { id: -1004440300, type: 'supergroup' }, from: ann, text: 'after' } },
    ]);
    expect(seen).toEqual([{ from: '-4440300', to: '-1004440300', occurredAt: new Date(date * 1000).toISOString() }]);
    expect(out.map((e) => e.group.id)).toEqual(['-1004440300', '-1004440300']);
    expect(out.map((e) => e.dedupKey)).toEqual(['tg:-4440300:8', 'tg:-1004440300:2']);
  });
});

/** The real-shaped payloads in ../shared/data (never copied into the repository). */
const DATA = resolve(import.meta.dirname, '../../shared/data/tg-botapi-updates');
const haveData = existsSync(DATA);
if (!haveData) console.warn(`[hearth tests] ${DATA} is absent: the Telegram real-payload checks are skipped.`);

interface DataFile {
  name: string;
  raw: Record<string, unknown>;
  update: Record<string, unknown>;
}

/** Every payload file, as an Update: bare Messages and reaction objects (from framework tests) are wrapped in the update kind they belong to. */
function dataFiles(): DataFile[] {
  const out: DataFile[] = [];
  for (const dir of readdirSync(DATA, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(DATA, dir.name))
      .filter((f) => f.endsWith('.json') && f !== 'INDEX.json')
      .sort()) {
      const raw = JSON.parse(readFileSync(join(DATA, dir.name, file), 'utf8')) as Record<string, unknown>;
      const update =
        'update_id' in raw
          ? raw
          : 'old_reaction' in raw
            ? { update_id: out.length, message_reaction: raw }
            : 'reactions' in raw
              ? { update_id: out.length, message_reaction_count: raw }
              : { update_id: out.length, message: raw };
      out.push({ name: `${dir.name}/${file}`, raw, update });
    }
  }
  return out;
}

describe.skipIf(!haveData)('telegram normalizer on every real payload in ../shared/data/tg-botapi-updates', () => {
  const runtimes: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (runtimes.length) await runtimes.pop()!();
  });

  it('normalizes each file into valid events or deliberately ignores it, with the counts the files hold', () => {
    const files = dataFiles();
    expect(files).toHaveLength(57);
    const kinds: Record<string, number> = {};
    const ignored: Record<string, number> = {};
    const migrations: TelegramChatMigration[] = [];
    const all: Event[] = [];
    for (const f of files) {
      const reading = readTelegramUpdate(f.update);
      const valid = reading.events.map((e) => parseEvent(e));
      all.push(...valid);
      for (const e of valid) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
      if (reading.migration) migrations.push(reading.migration);
      if (valid.length === 0) {
        expect(reading.ignored, f.name).toBeTruthy();
        const why = reading.ignored!.replace(/^update kind .*/, 'unused update kind').replace(/^my_chat_member in a .*/, 'private chat');
        ignored[why] = (ignored[why] ?? 0) + 1;
      }
    }
    // Group messages: an anonymous admin's forward, a forum-topic message, a story share, a dice; one /command reply.
    expect(kinds).toEqual({ message: 4, command: 1, reaction: 4, 'member.joined': 2, 'member.left': 1 });
    expect(all.filter((e) => e.kind === 'reaction').map((e) => e.kind === 'reaction' && e.added)).toEqual([true, false, true, false]);
    expect(all.filter((e) => e.kind === 'message').map((e) => e.kind === 'message' && (e.media ?? 'text'))).toEqual(['text', 'text', 'other', 'other']);
    // 18 private chats (one a my_chat_member), 13 channel posts, 4 service messages, 4 migration notices, 6 update kinds not used (reaction counts, boosts, paid media, a made-up kind).
    expect(ignored).toEqual({ 'private chat': 18, 'channel chat': 13, 'service message': 4, 'migration notice': 4, 'unused update kind': 6 });

    // Cross-checks against the raw fields, independent of the normalizer.
    const messages = files.map((f) => f.update.message as Record<string, unknown> | undefined).filter((m): m is Record<string, unknown> => !!m);
    const inGroups = (m: Record<string, unknown>) => ['group', 'supergroup'].includes((m.chat as { type: string }).type);
    expect(migrations).toHaveLength(messages.filter((m) => m.migrate_to_chat_id !== undefined || m.migrate_from_chat_id !== undefined).length);
    expect(kinds['member.joined']).toBe(messages.filter(inGroups).reduce((n, m) => n + ((m.new_chat_members as unknown[] | undefined)?.length ?? 0), 0));
    expect(kinds['member.left']).toBe(messages.filter((m) => inGroups(m) && m.left_chat_member).length);
    for (const m of migrations) expect([m.from.startsWith('-'), m.to.startsWith('-'), m.from !== m.to]).toEqual([true, true, true]);
    // Dedup keys are unique except where two files are the same update (teloxide tests one payload both bare and wrapped).
    const keys = all.map((e) => e.dedupKey);
    expect(new Set(keys).size).toBe(keys.length - 2);
  });

  it('keeps one Hearth group across the recorded group → supergroup migration', async () => {
    const files = dataFiles().filter((f) => f.name.startsWith('novitoll_daemon_bot/bot'));
    const byKey = (k: string) => files.find((f) => (f.update.message as Record<string, unknown>)[k] !== undefined)!.update;
    const join = byKey('new_chat_members');
    const migrate = byKey('migrate_to_chat_id');
    const leave = byKey('left_chat_member');
    const oldId = String(((join.message as Record<string, unknown>).chat as { id: number }).id);
    const newId = String((migrate.message as Record<string, unknown>).migrate_to_chat_id);
    expect(String(((leave.message as Record<string, unknown>).chat as { id: number }).id)).toBe(newId);

    const made = backends[0]!.create();
    const runtime = await HearthRuntime.open(made.target);
    runtimes.push(made.cleanup, () => runtime.close());
    const { id: workspaceId } = await ensureWorkspace(runtime.store.db, 'real-migration');
    const receiver = new TelegramReceiver({ onChatMigration: async (m) => void (await runtime.moveGroup(workspaceId, 'telegram', m)) });
    const ingest = async (update: unknown) => {
      const out: EventInput[] = await receiver.receive([update]);
      return runtime.ingest(out, { workspaceId, automations: false });
    };
    expect((await ingest(join)).map((r) => r.status)).toEqual(['stored']);
    expect(await ingest(migrate)).toEqual([]);
    expect((await ingest(leave)).map((r) => r.status)).toEqual(['stored']);

    const groups = await runtime.store.db.selectFrom('chat_group').select(['id', 'external_id']).execute();
    expect(groups.map((g) => g.external_id)).toEqual([newId]);
    expect(groups.map((g) => g.external_id)).not.toContain(oldId);
    const days = await runtime.store.db.selectFrom('group_day').select(['group_id', 'joins', 'leaves']).execute();
    expect(days).toEqual([{ group_id: groups[0]!.id, joins: 1, leaves: 1 }]);
  });
});

describe('telegram group title changes', () => {
  it('turn a new_chat_title service message into a group rename', () => {
    const update = {
      update_id: 9100,
      message: {
        message_id: 77,
        date: 1_760_000_000,
        chat: { id: -1003330001, type: 'supergroup', title: 'Runners 2026' },
        from: { id: 3330001, is_bot: false, first_name: 'Ida' },
        new_chat_title: 'Runners 2026',
      },
    };
    expect(normalizeTelegramUpdate(update).map(parseEvent)).toMatchObject([
      { kind: 'group.renamed', title: 'Runners 2026', group: { id: '-1003330001' }, actor: { id: '3330001' }, dedupKey: 'tg:-1003330001:77' },
    ]);
  });
});
