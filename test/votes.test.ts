import { afterEach, describe, expect, it } from 'vitest';
import { matchOption, mayBeVoteMessage, parseVoteMessage, readDuration } from '../src/activation/votes/vote-message.js';
import { getVote, InvalidVoteError, startVote } from '../src/activation/votes/vote-store.js';
import { bar, countBallots, renderResults, results, TALLY_WINDOW_MS, tallyDue } from '../src/activation/votes/vote-tally.js';
import { setMemberRoles } from '../src/groups/member-roles.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { SandboxService } from '../src/runtime/sandbox-service.js';
import { resolveWorkspace } from '../src/runtime/workspace-setup.js';
import { backends } from './helpers/backends.js';
import { ManualClock } from './helpers/sandbox-fixture.js';

const at = (iso: string) => Date.parse(iso);

describe('what a message says to a vote (pure)', () => {
  it('reads ballots: "1", "投1", "投 2", "vote 3", "/vote 2", "/vote #12 2", full-width digits', () => {
    expect(parseVoteMessage('1')).toEqual({ kind: 'cast', option: 1, voteId: null, explicit: false });
    expect(parseVoteMessage('投1')).toEqual({ kind: 'cast', option: 1, voteId: null, explicit: false });
    expect(parseVoteMessage('投 2')).toEqual({ kind: 'cast', option: 2, voteId: null, explicit: false });
    expect(parseVoteMessage('投票 2')).toEqual({ kind: 'cast', option: 2, voteId: null, explicit: false });
    expect(parseVoteMessage('vote 3')).toEqual({ kind: 'cast', option: 3, voteId: null, explicit: false });
    expect(parseVoteMessage('３')).toEqual({ kind: 'cast', option: 3, voteId: null, explicit: false });
    expect(parseVoteMessage('/vote 2')).toEqual({ kind: 'cast', option: 2, voteId: null, explicit: true });
    expect(parseVoteMessage('/vote #12 2')).toEqual({ kind: 'cast', option: 2, voteId: 12, explicit: true });
  });

  it('reads a start: question, options, a duration and 匿名 at the end, full-width bars', () => {
    expect(parseVoteMessage('/vote 周末去哪？ | 爬山 | 看电影')).toEqual({ kind: 'start', question: '周末去哪？', options: ['爬山', '看电影'], durationMs: 24 * 3600_000, anonymous: false });
    expect(parseVoteMessage('/vote Where? | Hills | Cinema | Beach | 2h | anonymous')).toEqual({
      kind: 'start',
      question: 'Where?',
      options: ['Hills', 'Cinema', 'Beach'],
      durationMs: 2 * 3600_000,
      anonymous: true,
    });
    expect(parseVoteMessage('投票 换群名吗｜换｜不换｜30分钟')).toMatchObject({ kind: 'start', options: ['换', '不换'], durationMs: 30 * 60_000 });
    expect(parseVoteMessage('/vote only one | A')).toEqual({ kind: 'start-invalid', problem: 'options' });
    expect(parseVoteMessage('/vote q | A | a')).toEqual({ kind: 'start-invalid', problem: 'duplicate' });
    expect(parseVoteMessage(`/vote q | ${Array.from({ length: 11 }, (_, i) => `o${i}`).join(' | ')}`)).toEqual({ kind: 'start-invalid', problem: 'options' });
    expect(parseVoteMessage('/vote')).toEqual({ kind: 'start-invalid', problem: 'usage' });
    expect(readDuration('3天')).toBe(3 * 24 * 3600_000);
    expect(readDuration('soon')).toBeNull();
  });

  it('reads a veto with or without an id, and leaves ordinary chat alone cheaply', () => {
    expect(parseVoteMessage('/veto 12 不符合群规')).toEqual({ kind: 'veto', voteId: 12, reason: '不符合群规' });
    expect(parseVoteMessage('/veto #7 off topic')).toEqual({ kind: 'veto', voteId: 7, reason: 'off topic' });
    expect(parseVoteMessage('否决 不合适')).toEqual({ kind: 'veto', voteId: null, reason: '不合适' });
    for (const chat of ['hello everyone', '今天天气不错', '100 people came', '投资有风险', 'very nice', '/grab']) expect(parseVoteMessage(chat)).toBeNull();
    expect(mayBeVoteMessage('hello')).toBe(false);
    expect(mayBeVoteMessage('今天')).toBe(false);
    expect(matchOption(' 看电影 ', ['爬山', '看电影'])).toBe(2);
    expect(matchOption('HILLS', ['Hills', 'Cinema'])).toBe(1);
    expect(matchOption('Hills please', ['Hills', 'Cinema'])).toBeNull();
  });

  it('counts, percentages adding to 100, bars, and the rhythm of the tally', () => {
    expect(countBallots(3, [1, 2, 2, 3, 9])).toEqual([1, 2, 1]);
    expect(results(['A', 'B', 'C'], [1, 1, 1]).map((r) => r.percent)).toEqual([34, 33, 33]);
    expect(results(['A', 'B'], [0, 0]).map((r) => r.percent)).toEqual([0, 0]);
    expect(bar(60)).toBe('██████░░░░');
    expect(bar(0)).toBe('░░░░░░░░░░');
    const t = at('2026-12-01T10:00:00Z');
    expect(tallyDue(null, t)).toBe(t);
    expect(tallyDue(t, t + 60_000)).toBe(t + TALLY_WINDOW_MS);
    expect(tallyDue(t, t + TALLY_WINDOW_MS)).toBe(t + TALLY_WINDOW_MS);
    const post = { id: 3, question: 'Where?', options: ['Hills', 'Cinema'], counts: [2, 1], anonymous: false, language: 'en' as const, deadline: t, closed: true, vetoed: null };
    expect(renderResults(post)).toBe('#Vote results 3 Where?\n1. Hills  ███████░░░ 2 67%\n2. Cinema  ███░░░░░░░ 1 33%\n3 votes in all\nResult: Hills');
    expect(renderResults({ ...post, language: 'zh', vetoed: { by: '王芳', reason: '不合群规', byInitiator: true } })).toContain('发起人 王芳 行使否决权：不合群规，本次投票结果无效');
  });
});

describe.each(backends)('votes on the sandbox, $name', (backend) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function setUp(start: number) {
    const { target, cleanup } = backend.create();
    cleanups.push(cleanup);
    const clock = new ManualClock(start);
    const runtime = await HearthRuntime.open(target, { clock: () => clock.now() });
    cleanups.push(() => runtime.close());
    const workspace = await resolveWorkspace(runtime.store.db);
    return { runtime, workspace, clock, sandbox: new SandboxService(runtime, workspace.id, clock) };
  }
  const texts = (out: readonly Record<string, unknown>[]) => out.map((o) => String(o.text ?? ''));

  it('an initiator starts a vote by command; three vote, one changes; the deadline posts the results once; a non-initiator’s veto is refused; the initiator’s veto marks it vetoed', async () => {
    const { runtime, workspace, sandbox, clock } = await setUp(at('2026-12-01T09:00:00Z'));
    const db = runtime.store.db;
    const g = await sandbox.addGroup('读书会');
    for (const m of ['fang', 'ann', 'bo', 'cai']) await sandbox.join(g.id, m);
    const memberId = async (name: string) => (await db.selectFrom('member').select('id').where('display_name', '=', name).executeTakeFirstOrThrow()).id;
    await setMemberRoles(db, { id: g.id, workspaceId: workspace.id }, await memberId('fang'), ['initiator'], 'test', clock.now());

    // A plain member may not start one.
    expect(texts(await sandbox.say(g.id, 'ann', '/vote 下本书？ | 红楼梦 | 三体', at('2026-12-01T09:01:00Z')))).toEqual(['@ann 只有本群的发起人、群主或管理员可以发起投票']);
    const opened = texts(await sandbox.say(g.id, 'fang', '/vote 下本书？ | 红楼梦 | 三体 | 30m', at('2026-12-01T09:02:00Z')));
    expect(opened[0]).toMatch(/^#投票 \d+ 下本书？\n1\. 红楼梦 {2}░{10} 0 票 0%\n2\. 三体/);
    const vote = await db.selectFrom('vote').selectAll().executeTakeFirstOrThrow();
    expect(vote.created_by).toBe('fang');

    // Ballots are not answered one by one; a change is.
    expect(await sandbox.say(g.id, 'ann', '1', at('2026-12-01T09:10:00Z'))).toHaveLength(1); // the tally: the window had passed
    expect(await sandbox.say(g.id, 'bo', '投2', at('2026-12-01T09:11:00Z'))).toEqual([]);
    expect(await sandbox.say(g.id, 'cai', '三体', at('2026-12-01T09:12:00Z'))).toEqual([]);
    expect(texts(await sandbox.say(g.id, 'ann', '/vote 2', at('2026-12-01T09:13:00Z')))).toEqual(['@ann 已改投：三体（截止前仍可更改）']);
    expect(texts(await sandbox.say(g.id, 'bo', '/vote 7', at('2026-12-01T09:14:00Z')))).toEqual(['@bo 没有选项 7，请回复 1 到 2']);
    expect(await sandbox.say(g.id, 'bo', 'nice weather today', at('2026-12-01T09:14:30Z'))).toEqual([]);
    // The gathered tally at the window's end: one post with every ballot so far.
    const gathered = (await sandbox.tick(at('2026-12-01T09:16:00Z'))).map((o) => String(o.text));
    expect(gathered).toEqual([expect.stringContaining('已有 3 人投票')]);

    // The deadline: the results post, once, even when the sweep runs again after a restart.
    await sandbox.tick(at('2026-12-01T09:33:00Z'));
    await sandbox.tick(at('2026-12-01T09:36:00Z'));
    const finals = (await sandbox.log(g.id)).filter((e) => e.from.bot && e.text?.startsWith('#投票结果')).map((e) => e.text);
    expect(finals).toEqual([`#投票结果 ${vote.id} 下本书？\n1. 红楼梦  ░░░░░░░░░░ 0 票 0%\n2. 三体  ██████████ 3 票 100%\n共 3 人投票\n结果：三体`]);
    expect(texts(await sandbox.say(g.id, 'bo', '/vote 1', at('2026-12-01T09:40:00Z')))).toEqual(['@bo 投票已截止']);
    const shown = await getVote(db, workspace.id, vote.id, clock.now());
    expect(shown).toMatchObject({ closed: true, closeReason: 'deadline', voters: 3, vetoed: null });
    expect(shown.ballots?.map((b) => [b.member.name, b.option, b.changes])).toEqual([
      ['ann', 2, 1],
      ['bo', 2, 0],
      ['cai', 2, 0],
    ]);

    // Veto after it closed: a plain member is refused, the initiator's veto is recorded and posted.
    expect(texts(await sandbox.say(g.id, 'bo', `/veto ${vote.id} 我不同意`, at('2026-12-01T09:41:00Z')))).toEqual(['@bo 只有本群的发起人可以否决投票']);
    const vetoed = texts(await sandbox.say(g.id, 'fang', `/veto ${vote.id} 三体读过了`, at('2026-12-01T09:42:00Z')));
    expect(vetoed).toEqual([expect.stringMatching(/^#投票结果 \d+ 下本书？（已被否决）[\s\S]*发起人 fang 行使否决权：三体读过了，本次投票结果无效$/)]);
    expect(texts(await sandbox.say(g.id, 'fang', `/veto ${vote.id} again`, at('2026-12-01T09:43:00Z')))).toEqual([`@fang 投票 ${vote.id} 已被否决`]);
    expect(await getVote(db, workspace.id, vote.id, clock.now())).toMatchObject({ vetoed: { by: 'fang', reason: '三体读过了' } });
    const audit = await db.selectFrom('audit_log').select(['action', 'actor_label']).where('action', 'like', 'vote.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['vote.started', 'vote.vetoed']);
  });

  it('an open vote vetoed closes with its results marked vetoed; an anonymous vote hides its voters; bad votes store nothing', async () => {
    const { runtime, workspace, sandbox, clock } = await setUp(at('2026-12-01T09:00:00Z'));
    const db = runtime.store.db;
    const g = await sandbox.addGroup('Runners');
    const start = (v: Partial<Parameters<typeof startVote>[1]>) =>
      startVote(db, { workspaceId: workspace.id, groupId: g.id, question: 'Route?', options: ['Park', 'River'], createdBy: 'test', ...v }, clock.now());
    await expect(start({ options: ['Park'] })).rejects.toThrow(/2 to 10 options, not 1/);
    await expect(start({ options: ['Park', 'park'] })).rejects.toThrow(/option 2 \(park\) is listed twice/);
    await expect(start({ options: ['Park', '2'] })).rejects.toThrow(InvalidVoteError);
    await expect(start({ deadline: at('2026-12-01T08:00:00Z') })).rejects.toThrow(/already passed/);
    expect(await db.selectFrom('vote').selectAll().execute()).toEqual([]);

    const vote = await start({ anonymous: true, deadline: at('2026-12-02T09:00:00Z') });
    runtime.voteRule.invalidate();
    await sandbox.say(g.id, 'ann', 'river', at('2026-12-01T09:10:00Z'));
    expect(texts(await sandbox.say(g.id, 'ann', '1', at('2026-12-01T09:11:00Z')))).toEqual(['@ann Your vote is changed (you may change it until the deadline)']);
    const shown = await getVote(db, workspace.id, vote.id, clock.now());
    expect(shown).toMatchObject({ anonymous: true, voters: 1, ballots: null });
    // One ballot per member and vote, held by the database itself.
    const ann = await db.selectFrom('member').select('id').where('display_name', '=', 'ann').executeTakeFirstOrThrow();
    await expect(db.insertInto('vote_ballot').values({ vote_id: vote.id, member_id: ann.id, option_index: 2, cast_at: clock.now(), updated_at: clock.now() }).execute()).rejects.toThrow();
    const { vetoVote } = await import('../src/activation/votes/vote-store.js');
    const vetoed = await vetoVote(db, workspace.id, vote.id, { by: 'owner@example.com', reason: 'Route closed' }, clock.now());
    expect(vetoed).toMatchObject({ closed: true, closeReason: 'vetoed', vetoed: { by: 'owner@example.com', reason: 'Route closed' } });
    const out = texts(await sandbox.tick(clock.now()));
    expect(out).toEqual([expect.stringContaining('#Vote results')]);
    expect(out[0]).toContain('(vetoed)');
    expect(out[0]).toContain('Vetoed by owner@example.com: Route closed. The result does not stand.');
  });
});
