import { afterEach, describe, expect, it } from 'vitest';
import type { EventInput } from '../src/core/event.js';
import { activeStrikes, isBanned, listEnforcements, readLadder, saveGroupLadder, saveWorkspaceLadder, undoEnforcement } from '../src/enforcement/enforcement-store.js';
import { DEFAULT_ENFORCEMENT, type EnforcementSettings, parseLadder } from '../src/enforcement/ladder.js';
import { setSpamGuard } from '../src/antispam/spam-rule.js';
import { backends } from './helpers/backends.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';
import { addOperator, sessionFor } from './helpers/auth-fixture.js';
import { T0 as WT0, twoWorkspaces } from './helpers/world-fixture.js';

const T0 = Date.parse('2026-12-01T09:00:00Z');
const DAY = 86_400_000;

const settings = (over: Partial<EnforcementSettings> = {}): EnforcementSettings => ({ ...DEFAULT_ENFORCEMENT, enabled: true, language: 'en', steps: parseLadder('warn, mute:1h, ban'), ...over });

describe.each(backends)('enforcement with the escalation ladder on $name', (backend) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function world() {
    const { target, cleanup } = backend.create();
    cleanups.push(cleanup);
    const { clock, runtime, workspace: ws, sandbox } = await sandboxFixture(target, T0);
    cleanups.push(() => runtime.close());
    return { clock, runtime, db: runtime.store.db, ws, sandbox };
  }

  it('a stranger posting a link is warned, then muted; old members, staff and the allow-listed are not caught; a ban reaches every group and keeps them out; an operator undoes it', async () => {
    const { clock, runtime, db, ws, sandbox } = await world();
    const books = await sandbox.addGroup('Book Club');
    const films = await sandbox.addGroup('Film Club');
    for (const g of [books, films]) await sandbox.join(g.id, 'ann', { at: T0 - 10 * DAY });
    await sandbox.join(books.id, 'zed', { at: T0 });
    await sandbox.join(films.id, 'zed', { at: T0 + 1000 });
    await sandbox.join(books.id, 'sam', { at: T0 + 2000 });
    const member = async (name: string) => (await db.selectFrom('member').select('id').where('display_name', '=', name).executeTakeFirstOrThrow()).id;
    const [ann, zed, sam] = [await member('ann'), await member('zed'), await member('sam')];
    await saveWorkspaceLadder(db, ws.id, settings({ staff: [sam] }), T0);
    runtime.enforcementRule.invalidate();

    // Ann has been here ten days: her link is fine. Sam is staff: nothing he says is caught.
    expect(await sandbox.say(books.id, 'ann', 'the reading list: https://books.example.org/list', T0 + 60_000)).toEqual([]);
    expect(await sandbox.say(books.id, 'sam', 'call me on 138 0013 8000', T0 + 61_000)).toEqual([]);

    const first = await sandbox.say(books.id, 'zed', 'cheap books at https://cheap.example.com', T0 + 120_000);
    expect(first.map((o) => [o.rule, o.type, o.status])).toEqual([
      ['enforcement', 'delete_message', 'done'],
      ['enforcement', 'send_message', 'done'],
    ]);
    const second = await sandbox.say(books.id, 'zed', 'really cheap: www.cheap-books.cn', T0 + 180_000);
    expect(second.map((o) => [o.type, o.status])).toEqual([
      ['delete_message', 'done'],
      ['send_message', 'done'],
      ['mute_member', 'done'],
    ]);
    expect(second[2]).toMatchObject({ memberId: zed, seconds: 3600 });
    const bot = (await sandbox.log(books.id)).filter((e) => e.from.bot && e.kind !== 'message').map((e) => e.text);
    expect(bot).toEqual([expect.stringMatching(/^deleted message m-/), expect.stringMatching(/^deleted message m-/), 'muted zed for 3600s']);
    const notices = (await sandbox.log(books.id)).filter((e) => e.from.bot && e.text?.startsWith('@zed Posting')).map((e) => e.text);
    expect(notices).toEqual([
      "@zed Posting links as a new member is against this group's rules. Action: a warning (strike 1; strikes count for 30 days). If you think this is wrong, contact an admin.",
      "@zed Posting links as a new member is against this group's rules. Action: muted for 1 hour (strike 2; strikes count for 30 days). If you think this is wrong, contact an admin.",
    ]);

    // The third strike (contact details, disguised) is the ladder's ban: in both groups.
    const third = await sandbox.say(books.id, 'zed', '加我ｖｘ：ｚｅｄ８８８８', T0 + 240_000);
    expect(third.filter((o) => o.type === 'ban_member').map((o) => [o.groupId, o.status])).toEqual([
      [books.id, 'done'],
      [films.id, 'done'],
    ]);
    expect((await sandbox.log(films.id)).filter((e) => e.kind === 'moderation').map((e) => e.text)).toEqual(['banned zed']);
    expect(await isBanned(db, ws.id, zed)).toBe(true);
    expect(await isBanned(db, ws.id, ann)).toBe(false);

    // Zed comes back to a group through a code: removed again at once, told why.
    const back = await sandbox.join(films.id, 'zed', { at: T0 + 300_000, code: 'SPRING' });
    expect(back.filter((o) => o.rule === 'enforcement').map((o) => o.type)).toEqual(['send_message', 'ban_member']);

    const list = await listEnforcements(db, { workspaceId: ws.id });
    expect(list.map((e) => [e.violation, e.stepKind, e.step, e.strike, e.status])).toEqual([
      ['banned_rejoin', 'ban', 3, false, 'active'],
      ['contact', 'ban', 3, true, 'active'],
      ['link', 'mute', 2, true, 'active'],
      ['link', 'warn', 1, true, 'active'],
    ]);
    expect(list[1]).toMatchObject({ text: '加我ｖｘ：ｚｅｄ８８８８', reasons: ['wechat-id', 'add-me'], groupIds: [books.id, films.id], memberName: 'zed', groupName: 'Book Club', fallback: null });
    expect(list[2]).toMatchObject({ text: 'really cheap: www.cheap-books.cn', planned: ['delete_message', 'send_message', 'mute_member'] });
    expect(await activeStrikes(db, ws.id, zed, clock.now())).toBe(3);

    // An operator undoes the mute: lifted through the outbox, the strike no longer counts.
    const undoneMute = await undoEnforcement(db, list[2]!.id, { by: 'ann@example.test', now: clock.now(), traitsOf: (p) => runtime.automations.traitsOf(p) });
    expect(undoneMute.planned).toEqual(['unmute_member', 'send_message']);
    await expect(undoEnforcement(db, list[2]!.id, { by: 'ann@example.test', now: clock.now(), traitsOf: (p) => runtime.automations.traitsOf(p) })).rejects.toThrow(/undone already/);
    // Undoing the ban lifts it in both groups.
    const undoneBan = await undoEnforcement(db, list[1]!.id, { by: 'ann@example.test', now: clock.now(), traitsOf: (p) => runtime.automations.traitsOf(p) });
    expect(undoneBan.planned).toEqual(['unban_member', 'unban_member', 'send_message']);
    await runtime.enforcementRule.invalidate();
    const sent = await runtime.dispatcher.runDue();
    expect(sent.dispatched.map((d) => [d.action.type, d.groupId, d.status])).toEqual(
      expect.arrayContaining([
        ['unmute_member', books.id, 'done'],
        ['unban_member', books.id, 'done'],
        ['unban_member', films.id, 'done'],
      ]),
    );
    expect((await sandbox.log(books.id)).filter((e) => e.kind === 'moderation').map((e) => e.text)).toEqual(expect.arrayContaining(['unmuted zed', 'unbanned zed']));
    expect(await activeStrikes(db, ws.id, zed, clock.now())).toBe(1);
    // The rejoin's removal stays until it is undone too; then zed is no longer banned.
    await undoEnforcement(db, list[0]!.id, { by: 'ann@example.test', now: clock.now(), traitsOf: (p) => runtime.automations.traitsOf(p) });
    expect(await isBanned(db, ws.id, zed)).toBe(false);
    // Strikes expire: 31 days on, the first one no longer counts.
    expect(await activeStrikes(db, ws.id, zed, clock.now() + 31 * DAY)).toBe(0);
  });

  it('flooding and the same text again and again take the ladder too; a group override adds its keywords', async () => {
    const { runtime, db, ws, sandbox } = await world();
    const g = await sandbox.addGroup('Chat');
    await sandbox.join(g.id, 'fay', { at: T0 - 30 * DAY });
    await saveWorkspaceLadder(db, ws.id, settings({ detectors: { ...DEFAULT_ENFORCEMENT.detectors, flood: { messages: 5, seconds: 10 }, repeat: { times: 3, minutes: 10 } } }), T0);
    await saveGroupLadder(db, ws.id, g.id, { detectors: { keywords: ['代考'] } }, T0);
    runtime.enforcementRule.invalidate();
    expect((await readLadder(db, ws.id, g.id)).settings.detectors.keywords).toEqual(['代考']);

    const outs = [];
    for (let i = 0; i < 3; i++) outs.push(await sandbox.say(g.id, 'fay', 'anyone up for tennis?', T0 + i * 60_000));
    expect(outs.map((o) => o.map((a) => a.type))).toEqual([[], [], ['send_message']]);
    for (let i = 0; i < 5; i++) outs.push(await sandbox.say(g.id, 'fay', `line ${i}`, T0 + 600_000 + i * 1000));
    expect(outs.slice(3).map((o) => o.map((a) => a.type))).toEqual([[], [], [], [], ['send_message', 'mute_member']]);
    await sandbox.say(g.id, 'fay', '有人要 代 考 吗', T0 + 700_000);
    const list = await listEnforcements(db, { workspaceId: ws.id, group: g.id });
    expect(list.map((e) => [e.violation, e.stepKind])).toEqual([
      ['keyword', 'ban'],
      ['flood', 'mute'],
      ['repeat', 'warn'],
    ]);
    expect(list[0]!.reasons).toEqual(['代考']);

    // With the spam guard on, the spam rule owns spam: one removal, one notice, the message queued for review.
    await setSpamGuard(db, ws.id, true, T0);
    runtime.spamRule.invalidate();
    runtime.enforcementRule.invalidate();
    await sandbox.join(g.id, 'gus', { at: T0 + 800_000 });
    const spam = await sandbox.say(g.id, 'gus', '低价出元宝 要的私聊 加我微信 abc12345', T0 + 801_000);
    expect(spam.map((o) => [o.rule, o.type])).toEqual([
      ['spam', 'delete_message'],
      ['spam', 'send_message'],
    ]);
    expect(await listEnforcements(db, { workspaceId: ws.id, group: g.id })).toHaveLength(3);
  });

  it('on WeChat (no mute) the ladder’s fallback runs and is recorded as such: an alert to mute by hand, or a removal where the ladder says so', async () => {
    const { runtime, db, ws } = await world();
    const at = (ms: number) => new Date(T0 + ms).toISOString();
    const room = { id: 'room-1@chatroom', title: '读书会' };
    const base = { platform: 'wechat' as const, group: room };
    const li = { id: 'wxid_li', name: '小李' };
    const events: EventInput[] = [
      { ...base, kind: 'member.joined', dedupKey: 'wx:j1', occurredAt: at(0), member: li, method: 'invite' },
      { ...base, kind: 'message', dedupKey: 'wx:m1', occurredAt: at(60_000), actor: li, messageId: 'wm1', text: '扫码进群 www.cheap.cn' },
      { ...base, kind: 'message', dedupKey: 'wx:m2', occurredAt: at(120_000), actor: li, messageId: 'wm2', text: '便宜 www.cheap.cn' },
    ];
    await saveWorkspaceLadder(db, ws.id, settings({ language: 'zh-CN' }), T0);
    runtime.enforcementRule.invalidate();
    await runtime.ingest(events, { workspaceId: ws.id });
    const [muted] = await listEnforcements(db, { workspaceId: ws.id });
    expect(muted).toMatchObject({ platform: 'wechat', stepKind: 'mute', planned: ['alert_operator', 'send_message', 'alert_operator'] });
    expect(muted!.fallback).toContain('mute_member needs mute, which wechat cannot do: alerted the operator to do it by hand');
    const alerts = await db.selectFrom('outbox').select('action').where('action', 'like', '%alert_operator%').execute();
    expect(alerts.map((a) => (JSON.parse(a.action) as { text: string }).text)).toEqual(
      expect.arrayContaining([expect.stringContaining('cannot mute on wechat: please mute 小李 for 3600 seconds by hand')]),
    );

    // The ladder can say what to do instead: remove the member where they cannot be muted.
    await saveWorkspaceLadder(db, ws.id, settings({ language: 'zh-CN', steps: parseLadder('warn, mute:1h/remove, ban') }), T0);
    runtime.enforcementRule.invalidate();
    const wang = { id: 'wxid_wang', name: '老王' };
    await runtime.ingest(
      [
        { ...base, kind: 'member.joined', dedupKey: 'wx:j2', occurredAt: at(200_000), member: wang, method: 'invite' },
        { ...base, kind: 'message', dedupKey: 'wx:m3', occurredAt: at(210_000), actor: wang, messageId: 'wm3', text: '电话 138 0013 8000' },
        { ...base, kind: 'message', dedupKey: 'wx:m4', occurredAt: at(220_000), actor: wang, messageId: 'wm4', text: '微信 wang_8888' },
      ],
      { workspaceId: ws.id },
    );
    const [removed] = await listEnforcements(db, { workspaceId: ws.id });
    expect(removed).toMatchObject({ memberName: '老王', stepKind: 'mute', violation: 'contact' });
    expect(removed!.fallback).toContain('mute_member needs mute, which wechat cannot do: removed the member instead');
    expect(removed!.planned).toEqual(['alert_operator', 'send_message', 'remove_member']);
    const notice = await db.selectFrom('outbox').select('action').where('idempotency_key', 'like', '%enf-1').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect((JSON.parse(notice.action) as { text: string }).text).toBe('@老王 留联系方式（电话、微信号、加我）违反群规。处理：移出本群（第 2 次违规，30 天内累计）。如有异议请联系管理员。');
  });
});

describe.each(backends)('the enforcement API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('reads and sets the ladder (a group override too), lists enforcements with evidence, undoes one once, and lets an analyst only read', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, WT0);
    const fresh = (await owner.json('/api/enforcement/ladder')) as { scope: string; settings: EnforcementSettings; override: null };
    expect(fresh).toMatchObject({ scope: 'workspace', settings: { enabled: false, strikeDays: 30 }, override: null });
    expect((await owner.request('PUT', '/api/enforcement/ladder', { ...fresh.settings, steps: [] })).status).toBe(400);
    const set = await owner.request('PUT', '/api/enforcement/ladder', { ...fresh.settings, enabled: true, language: 'en', steps: parseLadder('warn, mute:1h') });
    expect(set.status).toBe(200);
    const group = await owner.request('PUT', `/api/enforcement/ladder?group=${w.books.id}`, { detectors: { keywords: ['spoiler'] } });
    expect(((await group.json()) as { settings: EnforcementSettings }).settings.detectors.keywords).toEqual(['spoiler']);

    await w.sandbox.say(w.books.id, 'cy', 'no SPOILER please: the butler did it', WT0 + 60_000);
    const { enforcements } = (await owner.json(`/api/enforcement?group=${w.books.id}`)) as { enforcements: { id: number; violation: string; text: string; reasons: string[] }[] };
    expect(enforcements).toEqual([expect.objectContaining({ violation: 'keyword', text: 'no SPOILER please: the butler did it', reasons: ['spoiler'] })]);
    expect(((await owner.json(`/api/enforcement?group=${w.tea.id}`)) as { enforcements: unknown[] }).enforcements).toEqual([]);

    const analyst = await addOperator(w.db, { email: 'analyst@acme.test', workspaceId: w.acme.id, role: 'analyst' }, WT0);
    const reader = await sessionFor(w.app, w.db, analyst.id, WT0);
    expect((await reader.get('/api/enforcement')).status).toBe(200);
    expect((await reader.post(`/api/enforcement/${enforcements[0]!.id}/undo`)).status).toBe(403);

    const undone = await owner.post(`/api/enforcement/${enforcements[0]!.id}/undo`);
    expect(undone.status).toBe(200);
    expect(await undone.json()).toMatchObject({ status: 'undone', planned: ['send_message'] });
    expect((await owner.post(`/api/enforcement/${enforcements[0]!.id}/undo`)).status).toBe(409);
    const audit = await w.db.selectFrom('audit_log').select('action').where('action', 'like', 'enforcement.%').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['enforcement.ladder_set', 'enforcement.ladder_set', 'enforcement.undone']);
  });
});
