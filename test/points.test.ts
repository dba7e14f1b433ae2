import { afterEach, describe, expect, it } from 'vitest';
import { postCommendations } from '../src/activation/points/commendation-job.js';
import { addPoints, balanceOf } from '../src/activation/points/points-ledger.js';
import {
  applyConfigChanges,
  checkinMedals,
  checkinPoints,
  commendationText,
  DEFAULT_POINTS_CONFIG,
  InvalidPointsConfigError,
  levelFor,
  makeupDay,
  messageCredit,
  readCheckin,
  streakEnding,
  textHash,
} from '../src/activation/points/points-rules.js';
import { savePointsSettings } from '../src/activation/points/points-settings.js';
import { leaderboard } from '../src/activation/points/points-store.js';
import { backends } from './helpers/backends.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';

const at = (iso: string) => Date.parse(iso);
const C = DEFAULT_POINTS_CONFIG;

describe('check-in and points rules (pure)', () => {
  it('reads 签到, 打卡, /checkin and "Check in!" as a check-in, 补签 as a make-up, and leaves chat alone', () => {
    for (const text of ['签到', ' 打卡 ', '/checkin', 'Check in!', '签到。']) expect(readCheckin(text, C.checkin)).toBe('checkin');
    expect(readCheckin('补签', C.checkin)).toBe('makeup');
    for (const text of ['今天签到了吗大家', 'check in at the hotel was slow', '', '签 到 啦']) expect(readCheckin(text, C.checkin)).toBeNull();
    expect(readCheckin('签到', { ...C.checkin, enabled: false })).toBeNull();
    expect(readCheckin('补签', { ...C.checkin, makeupDays: 0 })).toBeNull();
    expect(readCheckin('早', { ...C.checkin, keywords: ['早'] })).toBe('checkin');
  });

  it('counts the streak, pays a growing bonus up to its cap, and makes up the latest missed day within the window', () => {
    const days = new Set(['2026-12-01', '2026-12-02', '2026-12-04', '2026-12-05']);
    expect(streakEnding(days, '2026-12-05')).toBe(2);
    expect(streakEnding(days, '2026-12-03')).toBe(0);
    expect(checkinPoints(C.checkin, 1)).toBe(8);
    expect(checkinPoints(C.checkin, 5)).toBe(12);
    expect(checkinPoints(C.checkin, 40)).toBe(15);
    expect(makeupDay(days, '2026-12-06', 3)).toBe('2026-12-03');
    expect(makeupDay(days, '2026-12-06', 1)).toBe(null);
    expect(makeupDay(new Set(['2026-12-05', '2026-12-04', '2026-12-03']), '2026-12-06', 3)).toBeNull();
    expect(checkinMedals(1, true)).toEqual(['first-checkin']);
    expect(checkinMedals(30, false)).toEqual(['streak-7', 'streak-30']);
  });

  it('caps message points a day, ignores short texts and repeats, and pays replies their own rate', () => {
    const day = { credited: 0, replies: 0, hashes: [] as string[] };
    expect(messageCredit(C, day, '今天的分享很有用，谢谢', false)).toEqual({ kind: 'message', points: 1 });
    expect(messageCredit(C, day, '哈哈。。。', false)).toEqual({ kind: 'none', why: 'short' });
    expect(messageCredit(C, { ...day, hashes: [textHash('Great talk today!')] }, 'great talk  today!', false)).toEqual({ kind: 'none', why: 'repeat' });
    expect(messageCredit(C, { ...day, credited: 20 }, 'one more thoughtful message', false)).toEqual({ kind: 'none', why: 'cap' });
    expect(messageCredit(C, { ...day, credited: 20 }, 'try restarting the router first', true)).toEqual({ kind: 'reply', points: 2 });
    expect(messageCredit(C, { ...day, replies: 10 }, 'try restarting the router first', true)).toEqual({ kind: 'none', why: 'cap' });
  });

  it('gives levels and titles from lifetime points, and checks an operator’s settings naming the bad field', () => {
    expect(levelFor(C.levels, 0)).toMatchObject({ level: 1, zh: '新人', next: 50 });
    expect(levelFor(C.levels, 250)).toMatchObject({ level: 3, en: 'Enthusiast', next: 500 });
    expect(levelFor(C.levels, 99_999)).toMatchObject({ level: 6, next: null });
    expect(() => applyConfigChanges(C, { checkin: { points: 2.5 } })).toThrow(/checkin.points must be a whole number/);
    expect(() => applyConfigChanges(C, { checkin: { keywords: [] } })).toThrow(InvalidPointsConfigError);
    expect(() => applyConfigChanges(C, { checkin: { makeupKeywords: ['签到'] } })).toThrow(/both a check-in and a make-up/);
    expect(() => applyConfigChanges(C, { levels: [{ threshold: 10, zh: '甲', en: 'A' }] })).toThrow(/start at threshold 0/);
    expect(applyConfigChanges(C, { language: 'en', message: { dailyCap: 5 } })).toMatchObject({ language: 'en', message: { points: 1, dailyCap: 5, minLength: 5 } });
    expect(commendationText('zh', '2026-11', [{ name: 'ann', points: 120 }], [{ name: 'ann', medal: 'top-points' }])).toContain('🥇 ann 120 积分');
  });
});

describe.each(backends)('check-in on the sandbox, $name', (backend) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('checks a member in once a day with a streak and a reply, credits a redelivered event once, posts the month’s commendation once, makes up a missed day at its cost, and credits an invitation once', async () => {
    const { target, cleanup } = backend.create();
    cleanups.push(cleanup);
    const { runtime, workspace, sandbox, clock } = await sandboxFixture(target, at('2026-11-30T08:00:00Z'));
    cleanups.push(() => runtime.close());
    const { db } = runtime.store;
    const g = await sandbox.addGroup('读书会');
    await savePointsSettings(db, { id: g.id, workspaceId: workspace.id }, { enabled: true }, clock.now());
    const texts = (out: readonly Record<string, unknown>[]) => out.filter((o) => o.rule === 'points').map((o) => String(o.text));

    expect(texts(await sandbox.say(g.id, 'ann', '签到', at('2026-11-30T09:00:00Z')))).toEqual(['ann 签到成功！连续签到 1 天，+8 积分（共 8 积分）\n🏅 获得勋章「初次签到」']);
    expect(texts(await sandbox.say(g.id, 'ann', '打卡', at('2026-11-30T10:00:00Z')))).toEqual(['ann 今天已经签到过了，连续签到 1 天']);
    expect(texts(await sandbox.say(g.id, 'ann', '签到', at('2026-11-30T10:01:00Z')))).toEqual([]);
    expect(texts(await sandbox.say(g.id, 'ann', '/checkin', at('2026-12-01T07:00:00Z')))).toEqual(['ann 签到成功！连续签到 2 天，+9 积分（共 17 积分）']);
    expect(await balanceOf(db, workspace.id, (await db.selectFrom('member').select('id').where('display_name', '=', 'ann').executeTakeFirstOrThrow()).id, g.id)).toBe(17);

    // The same platform event delivered twice: stored once, credited once.
    const payload = { type: 'message', updateId: 'u-dup', room: g.external_id, at: at('2026-11-30T11:00:00Z'), from: { id: 'bob', name: 'bob' }, messageId: 'm-dup', text: '签到', roomTitle: g.name };
    await runtime.deliverSandbox(workspace.id, [payload]);
    await runtime.deliverSandbox(workspace.id, [payload]);
    // A message long enough earns a point; its repeat and a short one do not.
    await sandbox.say(g.id, 'bob', '推荐《百年孤独》这本书', at('2026-11-30T11:05:00Z'));
    await sandbox.say(g.id, 'bob', '推荐《百年孤独》这本书', at('2026-11-30T11:06:00Z'));
    await sandbox.say(g.id, 'bob', '好的', at('2026-11-30T11:07:00Z'));
    const bob = await db
      .selectFrom('points_entry')
      .innerJoin('member', 'member.id', 'points_entry.member_id')
      .select(['reason', 'points'])
      .where('member.display_name', '=', 'bob')
      .orderBy('points_entry.id')
      .execute();
    expect(bob.map((e) => [e.reason, Number(e.points)])).toEqual([
      ['checkin', 8],
      ['message', 1],
    ]);

    const board = await leaderboard(db, g.id, '2026-11', DEFAULT_POINTS_CONFIG.levels);
    expect(board.map((l) => [l.name, l.points, l.checkins])).toEqual([
      ['bob', 9, 1],
      ['ann', 8, 1],
    ]);
    // December 1st, 10:00 in the group's zone (UTC): November's commendation, once however often the job runs.
    expect(await postCommendations(db, workspace.id, at('2026-12-01T09:30:00Z'))).toEqual([]);
    expect(await postCommendations(db, workspace.id, at('2026-12-01T10:05:00Z'))).toEqual([g.id]);
    expect(await postCommendations(db, workspace.id, at('2026-12-01T11:05:00Z'))).toEqual([]);
    const posted = texts(await sandbox.tick(at('2026-12-01T10:06:00Z')));
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('2026-11 月度表彰大会');
    expect(posted[0]).toContain('🥇 bob 9 积分');
    expect(posted[0]).toContain('🏅 bob「月度积分王」');

    // 补签 on the 3rd fills the 2nd, at 20 points: refused with 17, done once the member has more.
    expect(texts(await sandbox.say(g.id, 'ann', '补签', at('2026-12-03T08:00:00Z')))).toEqual(['ann 补签需要 20 积分，当前只有 17 积分']);
    const annId = (await db.selectFrom('member').select('id').where('display_name', '=', 'ann').executeTakeFirstOrThrow()).id;
    await db.transaction().execute((trx) => addPoints(trx, { workspaceId: workspace.id, groupId: g.id, memberId: annId, points: 10, reason: 'task', ref: 'task:1:ann', at: clock.now() }));
    expect(texts(await sandbox.say(g.id, 'ann', '补签', at('2026-12-03T08:01:00Z')))).toEqual(['ann 补签 12-02 成功，-20 积分，当前连续签到 3 天（剩 7 积分）']);
    expect(texts(await sandbox.say(g.id, 'ann', '签到', at('2026-12-03T08:02:00Z')))).toEqual(['ann 签到成功！连续签到 4 天，+11 积分（共 18 积分）']);

    // A join naming ann as the inviter credits her once, however often the friend rejoins.
    const join = (n: number, kind: 'member.joined' | 'member.left', minute: number) => ({
      platform: 'sandbox',
      dedupKey: `sandbox:invite-${n}`,
      occurredAt: `2026-12-03T09:${String(minute).padStart(2, '0')}:00Z`,
      group: { id: g.external_id, title: g.name },
      kind,
      member: { id: 'cai', name: 'cai' },
      ...(kind === 'member.joined' ? { method: 'invite', inviter: { id: 'ann', name: 'ann' } } : {}),
    });
    await runtime.ingestor.ingest([join(1, 'member.joined', 0), join(2, 'member.left', 5), join(3, 'member.joined', 10)], { workspaceId: workspace.id });
    expect(await balanceOf(db, workspace.id, annId, g.id)).toBe(38);
  });
});
