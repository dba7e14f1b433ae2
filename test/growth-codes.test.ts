import { afterEach, describe, expect, it } from 'vitest';
import { resolveScan } from '../src/growth/code-landing.js';
import { codeStatus, createInviteCode, createLiveCode, getCode, InvalidGrowthCodeError, listCodes, uploadGroupQr } from '../src/growth/code-store.js';
import { WECHAT_QR_LIFETIME_MS } from '../src/growth/growth-code.js';
import { routeLiveCode } from '../src/growth/live-code-route.js';
import { actionSchema } from '../src/core/action.js';
import { TelegramAdapter } from '../src/platforms/telegram/telegram-adapter.js';
import { ensureGroup } from '../src/store/groups.js';
import { addOperator, sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { FakeBotApi } from './helpers/fake-bot-api.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const DAY = 24 * 3_600_000;
/** A 1×1 PNG, as an operator's upload of a group QR would arrive. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('live code routing (pure)', () => {
  const g = (id: number, members: number, platform = 'sandbox', qrUploadedAt: number | null = null) => ({ id, name: `G${id}`, platform, members, qrUploadedAt });

  it('leads to the first group with room, rolls over at capacity, and stays on the last when all are full', () => {
    expect(routeLiveCode([g(1, 2), g(2, 0)], 3, T0).current.id).toBe(1);
    expect(routeLiveCode([g(1, 3), g(2, 0)], 3, T0).current.id).toBe(2);
    const full = routeLiveCode([g(1, 3), g(2, 5)], 3, T0);
    expect([full.current.id, full.full, full.warnings.map((w) => w.kind)]).toEqual([2, true, ['series_full']]);
  });

  it('tells the operator to create the next group before the last one fills', () => {
    expect(routeLiveCode([g(1, 200), g(2, 159)], 200, T0).warnings).toEqual([]);
    expect(routeLiveCode([g(1, 200), g(2, 160)], 200, T0).warnings).toEqual([{ kind: 'create_next_group', groupId: 2, members: 160, capacity: 200 }]);
  });

  it('warns a day before a WeChat group QR expires, and once it has', () => {
    const uploaded = T0 - 6 * DAY - 1;
    expect(routeLiveCode([g(1, 0, 'wechat', T0 - 5 * DAY)], 200, T0).warnings).toEqual([]);
    expect(routeLiveCode([g(1, 0, 'wechat', uploaded)], 200, T0).warnings).toEqual([{ kind: 'qr_expiring', groupId: 1, expiresAt: uploaded + WECHAT_QR_LIFETIME_MS }]);
    expect(routeLiveCode([g(1, 0, 'wechat', T0 - 8 * DAY)], 200, T0).warnings.map((w) => w.kind)).toEqual(['qr_expired']);
    expect(routeLiveCode([g(1, 0, 'wecom')], 200, T0).warnings.map((w) => w.kind)).toEqual(['qr_missing']);
  });
});

describe.each(backends)('growth codes on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('a live code over two sandbox groups with capacity 3 moves to the second once three joined the first through it; 200 by default', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const first = await w.sandbox.addGroup('Macarons 1');
    const second = await w.sandbox.addGroup('Macarons 2');
    const live = await createLiveCode(w.db, { workspaceId: w.acme.id, name: 'macarons', groupIds: [first.id, second.id], capacity: 3 }, T0);
    const byDefault = await createLiveCode(w.db, { workspaceId: w.acme.id, name: 'default', groupIds: [first.id, second.id] }, T0);
    expect(byDefault.capacity).toBe(200);
    for (const m of ['ann', 'bob']) await w.sandbox.join(first.id, m, { code: live.code });
    expect((await codeStatus(w.db, live, T0)).current.id).toBe(first.id);
    await w.sandbox.join(first.id, 'cai', { code: live.code });
    const status = await codeStatus(w.db, live, T0);
    expect(status.current).toMatchObject({ id: second.id, name: 'Macarons 2' });
    expect(status.groups.map((g) => [g.id, g.members, g.capacity, g.joins])).toEqual([
      [first.id, 3, 3, 3],
      [second.id, 0, 3, 0],
    ]);
    expect(status.joins).toBe(3);
    expect(status.warnings).toEqual([]);
    expect((await codeStatus(w.db, byDefault, T0)).current.id).toBe(first.id);
    // A member leaving the first group makes room there again.
    await w.sandbox.leave(first.id, 'bob');
    expect((await codeStatus(w.db, live, T0)).current.id).toBe(first.id);
  });

  it('counts a join delivered twice once, and a member who left and came back through the code once', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const group = await w.sandbox.addGroup('Dup Club');
    const code = await createInviteCode(w.db, { workspaceId: w.acme.id, name: 'dup', groupId: group.id, quantity: 5 }, T0);
    const join = {
      platform: 'sandbox' as const,
      kind: 'member.joined' as const,
      dedupKey: 'sandbox:dup-join-1',
      occurredAt: new Date(T0).toISOString(),
      group: { id: group.external_id },
      member: { id: 'dana', name: 'dana' },
      method: 'code' as const,
      code: code.code,
    };
    await w.runtime.receiveAndWait({ workspaceId: w.acme.id, connectionId: null, events: [join] });
    await w.runtime.receiveAndWait({ workspaceId: w.acme.id, connectionId: null, events: [join] });
    expect((await codeStatus(w.db, code, T0)).joins).toBe(1);
    await w.sandbox.leave(group.id, 'dana');
    await w.sandbox.join(group.id, 'dana', { code: code.code });
    const status = await codeStatus(w.db, code, T0);
    expect([status.joins, status.remaining]).toEqual([1, 4]);
  });

  it('an invitation code with a limited quantity runs out; unknown, expired and used-up codes answer a clear page', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const group = await w.sandbox.addGroup('VIP');
    const code = await createInviteCode(w.db, { workspaceId: w.acme.id, name: 'vip', groupId: group.id, quantity: 2, channel: 'poster', campaign: 'june' }, T0);
    const expiring = await createInviteCode(w.db, { workspaceId: w.acme.id, name: 'short', groupId: group.id, expiresAt: T0 + DAY }, T0);
    await w.sandbox.join(group.id, 'ann', { code: code.code });
    expect((await codeStatus(w.db, code, T0)).remaining).toBe(1);
    await w.sandbox.join(group.id, 'bob', { code: code.code });
    expect(await codeStatus(w.db, code, T0)).toMatchObject({ remaining: 0, closed: 'used_up', channel: 'poster', campaign: 'june' });

    const usedUp = await w.app.request(`/j/${code.code}`, { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
    expect(usedUp.status).toBe(410);
    expect(await usedUp.text()).toContain('名额已用完');
    const unknown = await w.app.request('/j/NOSUCHCODE');
    expect([unknown.status, (await unknown.text()).includes('This code is not known')]).toEqual([404, true]);
    const odd = await w.app.request('/j/%27%3B%20drop%20table');
    expect(odd.status).toBe(404);
    w.clock.t = T0 + 2 * DAY;
    const expired = await w.app.request(`/j/${expiring.code}`);
    expect([expired.status, (await expired.text()).includes('This code has expired')]).toEqual([410, true]);
    // Scans of closed codes still count (the funnel's "reached").
    expect((await getCode(w.db, w.acme.id, code.code)).scans).toBe(1);
  });

  it('refuses bad codes naming what is wrong, storing nothing', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const bad = [
      () => createLiveCode(w.db, { workspaceId: w.acme.id, name: 'x', groupIds: [w.tea.id, w.tea.id] }, T0),
      () => createLiveCode(w.db, { workspaceId: w.acme.id, name: 'x', groupIds: [w.tea.id], capacity: 0 }, T0),
      () => createLiveCode(w.db, { workspaceId: w.acme.id, name: 'x', groupIds: [w.zetaLounge.id] }, T0),
      () => createInviteCode(w.db, { workspaceId: w.acme.id, name: 'x', groupId: w.tea.id, quantity: -1 }, T0),
      () => createInviteCode(w.db, { workspaceId: w.acme.id, name: 'x', groupId: w.tea.id, channel: 'myspace' }, T0),
    ];
    const messages: string[] = [];
    for (const make of bad)
      messages.push(
        await make().then(
          () => 'created',
          (e: unknown) => (e instanceof InvalidGrowthCodeError ? e.message : String(e)),
        ),
      );
    expect(messages).toEqual([
      'a group appears twice in the series',
      'capacity must be a whole number from 1 to 100000',
      `no group ${w.zetaLounge.id} in this workspace`,
      'quantity must be a whole number from 1 to 1000000',
      expect.stringContaining('unknown channel "myspace"'),
    ]);
    expect(await listCodes(w.db, w.acme.id, T0)).toEqual([]);
  });

  it('GET /j/:code on a link platform asks for the invite link once through the outbox, then sends visitors to it', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const group = await w.sandbox.addGroup('Link Club');
    const code = await createLiveCode(w.db, { workspaceId: w.acme.id, name: 'links', groupIds: [group.id], capacity: 50 }, T0);
    const first = await w.app.request(`/j/${code.code}`);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('data-landing="pending"');
    await w.app.request(`/j/${code.code}`);
    const queued = await w.db.selectFrom('outbox').select(['action', 'status']).where('group_id', '=', group.id).execute();
    expect(queued.map((r) => actionSchema.parse(JSON.parse(r.action)))).toEqual([{ type: 'create_invite_link', groupId: group.id, name: code.code, memberLimit: 50 }]);
    await w.runtime.dispatcher.runDue();
    const landed = await w.app.request(`/j/${code.code}`);
    expect(landed.status).toBe(302);
    expect(landed.headers.get('location')).toBe(`https://sandbox.hearth.invalid/join/${group.external_id}/${code.code}`);
    const cached = await w.db.selectFrom('growth_code_link').select('url').where('code_id', '=', code.id).executeTakeFirstOrThrow();
    expect(cached.url).toBe(landed.headers.get('location'));
    expect((await getCode(w.db, w.acme.id, code.code)).scans).toBe(3);
  });

  it('GET /j/:code on a WeChat group shows the uploaded group QR for 7 days, then asks for a fresh one', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const wechat = await ensureGroup(w.db, { workspaceId: w.acme.id, platform: 'wechat', externalId: 'room-macarons@chatroom', name: '马卡龙交流群' }, T0);
    const code = await createLiveCode(w.db, { workspaceId: w.acme.id, name: 'wechat', groupIds: [wechat.id] }, T0);
    const before = await w.app.request(`/j/${code.code}`, { headers: { 'accept-language': 'zh-CN' } });
    expect(await before.text()).toContain('群二维码正在更新');
    await expect(uploadGroupQr(w.db, { workspaceId: w.acme.id, groupId: w.tea.id, mime: 'image/png', base64: PNG }, T0)).rejects.toThrow('QR images are for WeChat and WeCom groups');
    await uploadGroupQr(w.db, { workspaceId: w.acme.id, groupId: wechat.id, mime: 'image/png', base64: PNG }, T0);
    const page = await (await w.app.request(`/j/${code.code}`)).text();
    expect(page).toContain(`src="data:image/png;base64,${PNG}"`);
    expect(page).toContain('马卡龙交流群');
    w.clock.t = T0 + 6.5 * DAY;
    expect((await codeStatus(w.db, code, w.clock.t)).warnings.map((x) => x.kind)).toEqual(['qr_expiring']);
    w.clock.t = T0 + 7 * DAY;
    expect(await (await w.app.request(`/j/${code.code}`)).text()).toContain('data-landing="qr_unavailable"');
    expect((await codeStatus(w.db, code, w.clock.t)).warnings.map((x) => x.kind)).toEqual(['qr_expired']);
  });

  it('counts every scan of a burst', { timeout: 60_000 }, async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const wechat = await ensureGroup(w.db, { workspaceId: w.acme.id, platform: 'wechat', externalId: 'burst@chatroom', name: 'Burst' }, T0);
    await uploadGroupQr(w.db, { workspaceId: w.acme.id, groupId: wechat.id, mime: 'image/png', base64: PNG }, T0);
    const code = await createLiveCode(w.db, { workspaceId: w.acme.id, name: 'burst', groupIds: [wechat.id] }, T0);
    const n = 1_000;
    const kinds = await Promise.all(Array.from({ length: n }, () => resolveScan(w.db, code.code, T0).then((l) => l.kind)));
    expect(new Set(kinds)).toEqual(new Set(['qr']));
    expect((await getCode(w.db, w.acme.id, code.code)).scans).toBe(n);
  });

  it('the API creates, lists and shows codes for the callers who may, within their groups', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const created = await owner.post('/api/growth/codes', { kind: 'live', name: 'tea series', groupIds: [w.tea.id, w.books.id], capacity: 2, channel: 'moments' });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { code: string; current: { id: number }; groups: { id: number; capacity: number }[] };
    expect(body.current.id).toBe(w.tea.id);
    expect(body.groups.map((g) => [g.id, g.capacity])).toEqual([
      [w.tea.id, 2],
      [w.books.id, 2],
    ]);
    const invite = await owner.post('/api/growth/codes', { kind: 'invite', name: 'quiet', groupId: w.quiet.id, quantity: 10 });
    expect(invite.status).toBe(201);
    expect((await owner.post('/api/growth/codes', { kind: 'live', name: 'bad', groupIds: [] })).status).toBe(400);
    expect((await owner.post('/api/growth/codes', { kind: 'live', name: 'other', groupIds: [w.zetaLounge.id] })).status).toBe(400);
    const list = (await owner.json('/api/growth/codes')) as { codes: { name: string }[] };
    expect(list.codes.map((c) => c.name)).toEqual(['quiet', 'tea series']);
    expect((await owner.get(`/api/growth/codes/${body.code}`)).status).toBe(200);

    const quietOnly = await addOperator(w.db, { email: 'quiet@acme.test', workspaceId: w.acme.id, role: 'operator', groups: [w.quiet.id] }, T0);
    const scoped = await sessionFor(w.app, w.db, quietOnly.id, T0);
    expect(((await scoped.json('/api/growth/codes')) as { codes: { name: string }[] }).codes.map((c) => c.name)).toEqual(['quiet']);
    expect((await scoped.get(`/api/growth/codes/${body.code}`)).status).toBe(404);
    const viewer = await addOperator(w.db, { email: 'viewer@acme.test', workspaceId: w.acme.id, role: 'analyst' }, T0);
    const readOnly = await sessionFor(w.app, w.db, viewer.id, T0);
    expect((await readOnly.post('/api/growth/codes', { kind: 'invite', name: 'nope', groupId: w.quiet.id })).status).toBe(403);
    expect((await w.app.request('/api/growth/codes')).status).toBe(401);
  });
});

describe('the Telegram sender makes a named invite link for a code', () => {
  it('calls createChatInviteLink with the code as its name and the member limit, and returns the link', async () => {
    const token = '424242424:growth-test-token_abcdefghijklmno';
    const fake = await FakeBotApi.start({ token });
    try {
      const adapter = new TelegramAdapter({ settings: { token, mode: 'polling', apiRoot: fake.apiRoot }, clock: () => T0 });
      const receipt = await adapter.send({
        idempotencyKey: 'growth-link:1:1',
        action: actionSchema.parse({ type: 'create_invite_link', groupId: 1, name: 'K7M2QX9A', memberLimit: 200 }),
        group: { id: 1, externalId: '-1006660001', name: 'Book Club' },
        members: new Map(),
      });
      expect(receipt.inviteLink).toMatch(/^https:\/\/t\.me\/\+/);
      const call = fake.calls.find((c) => c.method === 'createChatInviteLink');
      expect(call?.payload).toMatchObject({ chat_id: -1006660001, name: 'K7M2QX9A', member_limit: 200 });
    } finally {
      await fake.close();
    }
  });
});
