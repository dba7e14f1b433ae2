import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/database.js';
import { sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { cliOnFreshData } from './helpers/cli-runner.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

describe.each(backends)('points through the API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('turns points on for a group, shows the check-in on the leaderboard and the member’s ledger, and audits an adjustment', { timeout: 120_000 }, async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const ann = (await w.db.selectFrom('member').select('id').where('workspace_id', '=', w.acme.id).where('display_name', '=', 'ann').executeTakeFirstOrThrow()).id;

    const bad = await owner.request('PUT', `/api/points/groups/${w.tea.id}/settings`, { enabled: true, config: { checkin: { points: 2.5 } } });
    expect(bad.status).toBe(400);
    expect(await w.db.selectFrom('points_settings').selectAll().execute()).toEqual([]);
    const clash = await owner.request('PUT', `/api/points/groups/${w.tea.id}/settings`, { config: { checkin: { makeupKeywords: ['签到'] } } });
    expect([clash.status, ((await clash.json()) as { error: string }).error]).toEqual([400, '"签到" cannot be both a check-in and a make-up keyword']);
    const saved = await owner.request('PUT', `/api/points/groups/${w.tea.id}/settings`, { enabled: true, config: { language: 'en', checkin: { points: 10 } } });
    expect(saved.status).toBe(200);

    const out = await w.sandbox.say(w.tea.id, 'ann', 'check in', T0 + 60_000);
    expect(out.filter((o) => o.rule === 'points').map((o) => o.text)).toEqual(['ann checked in! 1-day streak, +10 points (10 in all)\n🏅 Medal earned: First check-in']);

    const board = await owner.json(`/api/points/groups/${w.tea.id}?month=2026-07`);
    expect(board.leaderboard).toMatchObject([{ rank: 1, name: 'ann', points: 10, checkins: 1, level: 1 }]);
    expect(board.checkinsByDay).toEqual([{ day: '2026-07-10', checkins: 1, makeups: 0 }]);
    expect(board.medals).toMatchObject([{ name: 'ann', medal: 'first-checkin' }]);
    expect((await owner.get(`/api/points/groups/${w.tea.id}?month=July`)).status).toBe(400);

    const overdraw = await owner.post(`/api/points/members/${ann}/adjust`, { groupId: w.tea.id, points: -50, reason: 'spent at the stall' });
    expect(overdraw.status).toBe(400);
    const adjusted = await owner.post(`/api/points/members/${ann}/adjust`, { groupId: w.tea.id, points: 5, reason: 'hosted the tasting' });
    expect(adjusted.status).toBe(201);
    expect(await adjusted.json()).toMatchObject({ balance: 15 });

    const shown = await owner.json(`/api/points/members/${ann}`);
    expect(shown).toMatchObject({ balance: 15, groups: [{ groupId: w.tea.id, balance: 15, streak: 1, checkins: 1 }], medals: [{ medal: 'first-checkin' }] });
    expect(shown.entries.map((e: { reason: string; points: number; note: string | null }) => [e.reason, e.points, e.note])).toEqual([
      ['adjust', 5, 'hosted the tasting'],
      ['checkin', 10, null],
    ]);
    const audit = await w.db.selectFrom('audit_log').select(['action', 'detail']).where('action', 'like', 'points.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['points.settings', 'points.adjusted']);
    expect(JSON.parse(audit[1]!.detail)).toMatchObject({ points: 5, reason: 'hosted the tasting', balance: 15 });

    // Zeta's owner sees none of it.
    expect((await w.zetaClient.get(`/api/points/members/${ann}`)).status).toBe(404);
  });
});

describe('hearth points and hearth checkin (CLI, embedded database)', { timeout: 300_000 }, () => {
  const cli = cliOnFreshData('points');
  afterAll(cli.cleanup);

  it('changes a group’s check-in settings, adjusts a member with a reason, and shows the ledger and the leaderboard; refuses bad input naming it', async () => {
    const store = await openStore({ kind: 'sqlite', file: join(cli.dataDir, 'hearth.db') });
    const now = Date.now();
    const ws = await store.db.insertInto('workspace').values({ slug: 'club', name: 'Club', created_at: now }).returning('id').executeTakeFirstOrThrow();
    await store.db.insertInto('chat_group').values({ workspace_id: ws.id, connection_id: null, platform: 'sandbox', external_id: 'r1', name: 'Runners', created_at: now }).execute();
    await store.db.insertInto('member').values({ workspace_id: ws.id, display_name: 'Ann', is_bot: 0, first_seen_at: now, erased_at: null }).execute();
    await store.close();

    const settings = JSON.parse(await cli.hearth('checkin', 'settings', 'Runners', '--points-enabled', 'on', '--keywords', '签到,早安打卡', '--checkin-points', '12', '--json'));
    expect(settings).toMatchObject({ enabled: true, config: { checkin: { keywords: ['签到', '早安打卡'], points: 12 } } });
    expect(await cli.hearthFails('checkin', 'settings', 'Runners', '--checkin-points', 'twelve')).toBe('hearth: --checkin-points is a whole number, not "twelve"\n');
    expect(await cli.hearthFails('points', 'adjust', 'Ann', '-5', '--reason', 'oops', '--group', 'Runners')).toBe('hearth: the member has 0 points there; a debit of 5 would take them below zero\n');

    expect(JSON.parse(await cli.hearth('points', 'adjust', 'Ann', '+7', '--reason', 'paced the 10k', '--group', 'Runners', '--json'))).toMatchObject({ balance: 7 });
    const shown = JSON.parse(await cli.hearth('points', 'show', 'Ann', '--json'));
    expect(shown).toMatchObject({ balance: 7, entries: [{ points: 7, reason: 'adjust', note: 'paced the 10k', createdBy: 'cli' }] });
    const board = JSON.parse(await cli.hearth('points', 'leaderboard', 'Runners', '--json'));
    expect(board.lines).toMatchObject([{ rank: 1, name: 'Ann', points: 7 }]);
  });
});
