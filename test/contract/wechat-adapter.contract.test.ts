import { describe, expect, it } from 'vitest';
import { mock, type PuppetMock } from 'wechaty-puppet-mock';
import { parseEvent } from '../../src/core/event.js';
import { PlatformError } from '../../src/platforms/platform-adapter.js';
import { InvalidSettingsError } from '../../src/platforms/connection-settings.js';
import { WechatAdapter } from '../../src/platforms/wechat/wechat-adapter.js';
import { ann, at, bo, mockWechat, outbound, room, until } from './fixtures/wechat-fixture.js';

describe('wechat adapter', () => {
  it('turns an invite of three people into three joins, each naming the inviter', () => {
    const adapter = new WechatAdapter({ puppet: 'wechaty-puppet-mock' });
    const cy = { id: 'wxid_cy', name: 'Cy' };
    const events = adapter.normalize({ type: 'room-join', roomId: room, at, inviteeList: [ann, bo, cy], inviter: { id: 'wxid_dee', name: 'Dee' } }).map(parseEvent);
    expect(events.map((e) => [e.kind, e.kind === 'member.joined' && e.member.id, e.kind === 'member.joined' && e.inviter?.id, e.kind === 'member.joined' && e.method])).toEqual([
      ['member.joined', ann.id, 'wxid_dee', 'invite'],
      ['member.joined', bo.id, 'wxid_dee', 'invite'],
      ['member.joined', cy.id, 'wxid_dee', 'invite'],
    ]);
    expect(new Set(events.map((e) => e.dedupKey)).size).toBe(3);
  });

  it('keeps system lines out of the events, renames the group on a topic change, and keeps long ids within the key limit', () => {
    const adapter = new WechatAdapter({ puppet: 'wechaty-puppet-mock' });
    expect(adapter.normalize({ type: 'message', id: 'm9', roomId: room, at, talker: ann, kind: 'recalled', text: 'Ann recalled a message' })).toEqual([]);
    expect(adapter.normalize({ type: 'room-topic', roomId: room, at, topic: 'New', oldTopic: 'Old', changer: ann }).map(parseEvent)).toMatchObject([
      { kind: 'group.renamed', title: 'New', group: { id: room }, actor: { id: ann.id } },
    ]);
    const long = 'x'.repeat(200);
    const [join] = adapter.normalize({ type: 'room-join', roomId: long, at, inviteeList: [{ id: long, name: 'L' }] }).map(parseEvent);
    expect(join!.dedupKey.length).toBeLessThanOrEqual(300);
  });

  it('validates its settings without repeating their values', () => {
    const token = 'puppet_service_secret_token_123';
    for (const [settings, field] of [
      [{ puppet: '/tmp/evil.js', puppetOptions: { token } }, 'puppet'],
      [{ puppet: 'left-pad', puppetOptions: { token } }, 'puppet'],
      [{ puppet: 'wechaty-puppet-service', puppetOptions: { token }, timezone: 'Mars/Olympus' }, 'timezone'],
      [{ puppet: 'wechaty-puppet-service', rateLimits: [] }, 'rateLimits'],
    ] as const) {
      const error = (() => {
        try {
          new WechatAdapter(settings);
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error).toBeInstanceOf(InvalidSettingsError);
      expect(error!.message).toContain(field);
      expect(error!.message).not.toContain(token);
    }
    expect(new WechatAdapter({ puppet: '@juzi/wechaty-puppet-service', rateLimits: [{ scope: 'global', limit: 30, windowMs: 60_000 }] }).rateLimits).toEqual([
      { scope: 'global', limit: 30, windowMs: 60_000 },
    ]);
  });

  it('says plainly when the puppet package is not installed', async () => {
    const adapter = new WechatAdapter({ puppet: 'wechaty-puppet-not-installed-anywhere', puppetOptions: { token: 'secret-token-value' } });
    const error = await adapter.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ platform: 'wechat', method: 'start', retryable: false, code: 'puppet_missing' });
    expect((error as Error).message).toContain('npm install wechaty-puppet-not-installed-anywhere');
  });

  it('mentions members, counts sends per day, and does not post a resend twice', async () => {
    let now = Date.parse('2026-06-01T15:00:00Z'); // 23:00 in Shanghai
    const w = await mockWechat(() => now);
    try {
      const o = outbound({ type: 'send_message', groupId: 1, text: 'Welcome!', mentions: [7] }, [[7, w.people.ann.id]]);
      o.group.externalId = w.room.id;
      const first = await w.adapter.send(o);
      const again = await w.adapter.send(o);
      expect(again).toEqual(first);
      expect(w.calls).toEqual([{ type: 'send_message', groupExternalId: w.room.id, text: expect.stringMatching(/^@Ann\s+Welcome!$/u), mentionIds: [w.people.ann.id] }]);
      now += 2 * 3_600_000; // past midnight in Shanghai
      await w.adapter.send({ ...o, idempotencyKey: 'k2' });
      await w.adapter.invite(w.room.id, w.people.bo.id);
      expect(w.calls.at(-1)).toEqual({ type: 'invite_member', groupExternalId: w.room.id, memberId: w.people.bo.id });
      expect(w.adapter.dailyCounts()).toEqual([
        { day: '2026-06-01', action: 'send_message', sent: 1, failed: 0 },
        { day: '2026-06-02', action: 'invite_member', sent: 1, failed: 0 },
        { day: '2026-06-02', action: 'send_message', sent: 1, failed: 0 },
      ]);
    } finally {
      await w.adapter.stop();
    }
  });

  it('refuses what WeChat cannot do, and does not claim it', async () => {
    const w = await mockWechat();
    try {
      expect([...w.adapter.capabilities].sort()).toEqual(['mention', 'read_messages', 'remove', 'reply', 'send', 'send_unattended']);
      for (const action of [
        { type: 'delete_message', groupId: 1, messageId: 'm1' },
        { type: 'mute_member', groupId: 1, memberId: 7, seconds: 60 },
        { type: 'ban_member', groupId: 1, memberId: 7 },
      ] as const) {
        const o = outbound(action, [[7, w.people.ann.id]]);
        o.group.externalId = w.room.id;
        await expect(w.adapter.send(o)).rejects.toMatchObject({ platform: 'wechat', method: action.type, retryable: false, code: 'unsupported' });
      }
      const gone = outbound({ type: 'send_message', groupId: 1, text: 'hi', mentions: [] });
      gone.group.externalId = 'nowhere@chatroom';
      await expect(w.adapter.send(gone)).rejects.toMatchObject({ method: 'room.say', retryable: false, code: 'room_not_found' });
      expect(w.calls).toEqual([]);
    } finally {
      await w.adapter.stop();
    }
  });

  it("maps a puppet's failure to a retryable PlatformError without its token", async () => {
    const token = 'puppet_token_abcdef123456';
    const mocker = new mock.Mocker();
    const self = mocker.createContact({ name: 'Bot' });
    const r = mocker.createRoom({ topic: 'T', memberIdList: [self.id] });
    const adapter = new WechatAdapter({ puppet: 'wechaty-puppet-mock', puppetOptions: { mocker, token } });
    await adapter.start();
    try {
      mocker.login(self);
      await until(() => adapter.status().state === 'logged-in', 'login');
      (mocker.puppet as PuppetMock).messageSendText = async () => {
        throw Object.assign(new Error(`grpc UNAVAILABLE for token ${token}`), { code: 14 });
      };
      const o = outbound({ type: 'send_message', groupId: 1, text: 'hi', mentions: [] });
      o.group.externalId = r.id;
      const error = await adapter.send(o).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PlatformError);
      expect(error).toMatchObject({ platform: 'wechat', method: 'room.say', retryable: true, code: 14, retryAfterMs: 60_000 });
      expect((error as Error).message).not.toContain(token);
      expect(adapter.dailyCounts()).toEqual([{ day: expect.any(String), action: 'send_message', sent: 0, failed: 1 }]);
    } finally {
      await adapter.stop();
    }
  });
});
