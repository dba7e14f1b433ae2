import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionStore } from '../src/connections/connection-store.js';
import { SecretBox } from '../src/connections/secret-box.js';
import type { EventInput } from '../src/core/event.js';
import { listEnforcements, saveWorkspaceLadder, undoEnforcement } from '../src/enforcement/enforcement-store.js';
import { DEFAULT_ENFORCEMENT, parseLadder } from '../src/enforcement/ladder.js';
import { TelegramAdapter } from '../src/platforms/telegram/telegram-adapter.js';
import { backends } from './helpers/backends.js';
import { FakeBotApi } from './helpers/fake-bot-api.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';

const TOKEN = '777000111:enforcement-test-token_abcdefghij';
const T0 = Date.parse('2026-12-01T09:00:00Z');
const owls = { id: '-1008880001', title: 'Night Owls' };
const larks = { id: '-1008880002', title: 'Early Larks' };
const zed = { id: '8880009', name: 'Zed' };
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe('enforcement through the Telegram adapter, against the fake Bot API', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('a stranger posting a QR code is warned, then muted (restrictChatMember), then banned (banChatMember) in every group on every platform; a rejoin is banned again; undo unbans everywhere', async () => {
    const made = backends[0]!.create();
    cleanups.push(made.cleanup);
    const { clock, runtime, workspace: ws, sandbox } = await sandboxFixture(made.target, T0);
    cleanups.push(() => runtime.close());
    const fake = await FakeBotApi.start({ token: TOKEN });
    cleanups.push(() => fake.close());
    const db = runtime.store.db;
    const connection = await new ConnectionStore(db, new SecretBox('a-test-instance-secret-that-is-long-enough')).add(
      { workspaceId: ws.id, platform: 'telegram', name: 'owls-bot', settings: { token: TOKEN, mode: 'polling', apiRoot: fake.apiRoot } },
      T0,
    );
    runtime.connections.set(
      connection.id,
      new TelegramAdapter({ settings: { token: TOKEN, mode: 'polling', apiRoot: fake.apiRoot }, connection: { id: connection.id, workspaceId: ws.id }, clock: clock.now }),
    );
    const telegram = (events: EventInput[]) => runtime.ingest(events, { workspaceId: ws.id, connectionId: connection.id });
    /** Runs the dispatcher until nothing more is due, moving the clock over Telegram's per-chat windows. */
    const dispatchAll = async () => {
      for (let i = 0; i < 50; i++) {
        const report = await runtime.dispatcher.runDue();
        if (report.nextWakeAt === null) return;
        clock.t = Math.max(clock.t + 1, report.nextWakeAt);
      }
    };

    await saveWorkspaceLadder(db, ws.id, { ...DEFAULT_ENFORCEMENT, enabled: true, language: 'en', steps: parseLadder('warn, mute:1h, ban') }, T0);
    const base = { platform: 'telegram' as const };
    await telegram([
      { ...base, group: owls, kind: 'member.joined', dedupKey: 'tg:j1', occurredAt: at(0), member: zed, method: 'link' },
      { ...base, group: larks, kind: 'member.joined', dedupKey: 'tg:j2', occurredAt: at(1000), member: zed, method: 'link' },
    ]);
    // The same person in a sandbox group, linked by an operator: one member across platforms.
    const burrow = await sandbox.addGroup('Owl Burrow');
    await sandbox.join(burrow.id, 'zed-sandbox', { at: T0 + 2000 });
    const member = async (platform: string, externalId: string) =>
      (await db.selectFrom('identity').select('member_id').where('platform', '=', platform).where('external_id', '=', externalId).executeTakeFirstOrThrow()).member_id;
    const zedId = await member('telegram', zed.id);
    await runtime.linkMembers(ws.id, zedId, await member('sandbox', 'zed-sandbox'));
    await dispatchAll();
    fake.calls.length = 0;

    const qr = (n: number, ms: number): EventInput => ({
      ...base,
      group: owls,
      kind: 'message',
      dedupKey: `tg:m${n}`,
      occurredAt: at(ms),
      actor: zed,
      messageId: String(100 + n),
      text: '扫码进群 领红包',
      media: 'photo',
    });
    await telegram([qr(1, 60_000)]);
    await dispatchAll();
    expect(fake.callsTo('sendMessage').map((c) => c.payload.text)).toEqual([
      "@Zed Posting QR codes is against this group's rules. Action: a warning (strike 1; strikes count for 30 days). If you think this is wrong, contact an admin.",
    ]);
    expect(fake.callsTo('deleteMessage').map((c) => c.payload.message_id)).toEqual([101]);
    expect(fake.callsTo('restrictChatMember')).toEqual([]);

    await telegram([qr(2, 120_000)]);
    await dispatchAll();
    const restricted = fake.callsTo('restrictChatMember');
    expect(restricted.map((c) => [c.payload.chat_id, c.payload.user_id, (c.payload.permissions as { can_send_messages: boolean }).can_send_messages])).toEqual([
      [Number(owls.id), Number(zed.id), false],
    ]);

    await telegram([{ ...base, group: owls, kind: 'message', dedupKey: 'tg:m3', occurredAt: at(180_000), actor: zed, messageId: '103', text: 'cheap stuff t.me/cheapstuff' }]);
    await dispatchAll();
    const moderation = fake.calls.filter((c) => c.status === 200 && ['restrictChatMember', 'banChatMember'].includes(c.method)).map((c) => [c.method, c.payload.chat_id]);
    // First the mute, then the ban in both Telegram groups (each chat has its own queue: in either order).
    expect(moderation[0]).toEqual(['restrictChatMember', Number(owls.id)]);
    expect(moderation.slice(1).sort()).toEqual([
      ['banChatMember', Number(owls.id)],
      ['banChatMember', Number(larks.id)],
    ]);
    expect((await sandbox.log(burrow.id)).filter((e) => e.kind === 'moderation').map((e) => e.text)).toEqual(['banned zed-sandbox']);

    // Back through another link into Early Larks: banned there again.
    await telegram([{ ...base, group: larks, kind: 'member.joined', dedupKey: 'tg:j3', occurredAt: at(240_000), member: zed, method: 'link' }]);
    await dispatchAll();
    expect(fake.callsTo('banChatMember').map((c) => c.payload.chat_id)).toHaveLength(3);
    expect(fake.callsTo('banChatMember').at(-1)!.payload.chat_id).toBe(Number(larks.id));

    const [rejoin, ban] = await listEnforcements(db, { workspaceId: ws.id });
    expect([rejoin!.violation, ban!.violation, ban!.stepKind, ban!.groupIds.length]).toEqual(['banned_rejoin', 'link', 'ban', 3]);
    await undoEnforcement(db, ban!.id, { by: 'owner@example.test', now: clock.t, traitsOf: (p) => runtime.automations.traitsOf(p) });
    await dispatchAll();
    expect(
      fake
        .callsTo('unbanChatMember')
        .map((c) => [c.payload.chat_id, c.payload.only_if_banned])
        .sort(),
    ).toEqual([
      [Number(owls.id), true],
      [Number(larks.id), true],
    ]);
    expect((await sandbox.log(burrow.id)).filter((e) => e.kind === 'moderation').map((e) => e.text)).toEqual(['banned zed-sandbox', 'unbanned zed-sandbox']);
  });
});
