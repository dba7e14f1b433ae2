import { afterEach, describe, expect, it } from 'vitest';
import { mock } from 'wechaty-puppet-mock';
import { ConnectionStore } from '../src/connections/connection-store.js';
import { SecretBox } from '../src/connections/secret-box.js';
import type { Event } from '../src/core/event.js';
import { WechatAdapter } from '../src/platforms/wechat/wechat-adapter.js';
import { openContextFor } from '../src/platforms/connection-host.js';
import { wechatPlatform } from '../src/platforms/wechat/wechat-platform.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { setUpWorkspace } from '../src/runtime/workspace-setup.js';
import { backends } from './helpers/backends.js';

async function until<T>(check: () => Promise<T | undefined | false>, what: string, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('wechat connection: puppet-mock → HearthRuntime (SQLite)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('stores messages, joins with their inviter, leaves, mentions; filters the bot; survives a topic change', async () => {
    const made = backends[0]!.create();
    const runtime = await HearthRuntime.open(made.target);
    cleanups.push(made.cleanup, () => runtime.close());
    const ws = await setUpWorkspace(runtime.store.db, 'acme', 'Acme');

    // The connection as an operator adds it; the mock's in-process handle is joined to its settings only here.
    const connections = new ConnectionStore(runtime.store.db, new SecretBox('test-secret-'.repeat(4)));
    const summary = await connections.add({ workspaceId: ws.id, platform: 'wechat', name: 'wx-main', settings: { puppet: 'wechaty-puppet-mock', botName: 'main' } });
    const connection = await connections.get(summary.id);

    const mocker = new mock.Mocker();
    const self = mocker.createContact({ name: 'Hearth Bot' });
    const [ann, bo, cy, dee, eve] = ['Ann', 'Bo', 'Cy', 'Dee', 'Eve'].map((name) => mocker.createContact({ name }));
    const room = mocker.createRoom({ topic: 'Growth Club', memberIdList: [self.id, ann!.id, bo!.id] });

    // Opened as the connection supervisor opens it: the module, the runtime's queue as the sink.
    const withMock = { ...connection, settings: { ...connection.settings, puppetOptions: { mocker } } };
    const adapter = wechatPlatform.open(withMock, openContextFor(runtime, withMock, { receive: { poll: true, webhook: true } }));
    runtime.connections.set(connection.id, adapter);
    await adapter.start();
    cleanups.push(() => adapter.stop());
    expect(runtime.connections.get(connection.id)).toBe(adapter);
    mocker.login(self);
    await until(async () => adapter.status().state === 'logged-in', 'login');

    const db = runtime.store.db;
    const stored = async (n: number) =>
      until(async () => {
        const rows = await db.selectFrom('event').select(['kind', 'dedup_key', 'payload']).where('workspace_id', '=', ws.id).orderBy('id').execute();
        return rows.length >= n && rows.map((r) => JSON.parse(r.payload) as Event);
      }, `${n} stored events`);

    ann!.say('hello everyone').to(room);
    const [hello] = await stored(1);
    expect(hello).toMatchObject({ kind: 'message', platform: 'wechat', text: 'hello everyone', actor: { id: ann!.id, name: 'Ann' }, group: { id: room.id, title: 'Growth Club' } });
    expect(hello!.dedupKey).toMatch(/^wechat:msg:/);

    room.add(cy!, dee!, eve!).by(ann!);
    const joins = (await stored(4)).slice(1);
    expect(joins.map((e) => e.kind === 'member.joined' && [e.member.name, e.method, e.inviter?.id])).toEqual([
      ['Cy', 'invite', ann!.id],
      ['Dee', 'invite', ann!.id],
      ['Eve', 'invite', ann!.id],
    ]);
    const group = await db.selectFrom('chat_group').selectAll().where('external_id', '=', room.id).executeTakeFirstOrThrow();
    expect(group.connection_id).toBe(connection.id);
    const annMember = await db.selectFrom('identity').select('member_id').where('external_id', '=', ann!.id).executeTakeFirstOrThrow();
    const invited = await db.selectFrom('membership').select(['inviter_member_id', 'join_method']).where('group_id', '=', group.id).where('inviter_member_id', 'is not', null).execute();
    expect(invited).toEqual(Array(3).fill({ inviter_member_id: annMember.member_id, join_method: 'invite' }));

    // The default welcome goes out through the adapter (one now: 1 per 3 s per room); its echo is the bot's own and is not stored.
    const report = await runtime.dispatcher.runDue();
    expect(report.dispatched.map((d) => [d.action.type, d.status])).toEqual([['send_message', 'done']]);
    const welcome = [...mocker.cacheMessagePayload.values()].find((m) => m.talkerId === self.id);
    expect(welcome?.text).toMatch(/^@Cy\s+Welcome Cy to Growth Club!/u);

    cy!.say('thanks @Ann', [ann!]).to(room);
    const [, , , , thanks] = await stored(5);
    expect(thanks).toMatchObject({ kind: 'message', actor: { name: 'Cy' }, mentions: [ann!.id] });

    room.remove(dee!).by(ann!);
    const [, , , , , left] = await stored(6);
    expect(left).toMatchObject({ kind: 'member.left', member: { id: dee!.id, name: 'Dee' }, removedBy: { id: ann!.id } });
    const deeMembership = await db
      .selectFrom('membership')
      .innerJoin('identity', 'identity.member_id', 'membership.member_id')
      .select(['membership.left_reason'])
      .where('identity.external_id', '=', dee!.id)
      .executeTakeFirstOrThrow();
    expect(deeMembership.left_reason).toBe('removed');

    room.topic('Growth Club 2026').by(ann!);
    self.say('the bot talking').to(room);
    bo!.say('new name!').to(room);
    await stored(8);
    await adapter.settled();
    const all = await stored(8);
    expect(all).toHaveLength(8);
    expect(all.filter((e) => e.kind === 'group.renamed')).toMatchObject([{ title: 'Growth Club 2026', group: { id: room.id }, actor: { id: ann!.id } }]);
    expect(all.find((e) => e.kind === 'message' && e.text === 'new name!')).toMatchObject({ group: { id: room.id, title: 'Growth Club 2026' } });
    expect((await runtime.store.db.selectFrom('chat_group').select('name').where('external_id', '=', room.id).executeTakeFirstOrThrow()).name).toBe('Growth Club 2026');
    expect(all.some((e) => e.kind === 'message' && (e.actor.id === self.id || /the bot talking|Welcome/.test(e.text)))).toBe(false);
  });
});

describe('wechat receiver: delivery', () => {
  it('keeps delivering, in order, after the sink fails once', async () => {
    const mocker = new mock.Mocker();
    const self = mocker.createContact({ name: 'Bot' });
    const ann = mocker.createContact({ name: 'Ann' });
    const room = mocker.createRoom({ topic: 'T', memberIdList: [self.id, ann.id] });
    const got: string[] = [];
    let calls = 0;
    const adapter = new WechatAdapter(
      { puppet: 'wechaty-puppet-mock', puppetOptions: { mocker } },
      {
        sink: async (events) => {
          if (calls++ === 0) throw new Error('database is busy');
          for (const e of events) if (e.kind === 'message') got.push(e.text ?? '');
        },
      },
    );
    await adapter.start();
    try {
      mocker.login(self);
      await until(async () => adapter.status().state === 'logged-in', 'login');
      for (const text of ['one', 'two', 'three']) ann.say(text).to(room);
      await until(async () => got.length === 2, 'two messages');
      await adapter.settled();
      expect(got).toEqual(['two', 'three']);
    } finally {
      await adapter.stop();
    }
  });
});
