import { afterEach, describe, expect, it } from 'vitest';
import { chainCsv } from '../src/conversion/chains/chain-export.js';
import { languageOf, REPOST_WINDOW_MS, renderList, repostDue } from '../src/conversion/chains/chain-list.js';
import { parseChainLine, parseRepost } from '../src/conversion/chains/chain-message.js';
import { closeChain, getChain, InvalidChainError, startChain } from '../src/conversion/chains/chain-store.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { SandboxService, type SandboxClock } from '../src/runtime/sandbox-service.js';
import { resolveWorkspace } from '../src/runtime/workspace-setup.js';
import type { DatabaseTarget } from '../src/store/database.js';
import { backends } from './helpers/backends.js';
import { ManualClock } from './helpers/sandbox-fixture.js';

const at = (iso: string) => Date.parse(iso);

describe('what a message says to a chain (pure)', () => {
  it('reads "+1", "+2", "+1 ×2 red bean", "接龙 红豆 2份", "-1" and "取消"', () => {
    expect(parseChainLine('+1')).toEqual({ kind: 'sign', quantity: 1, note: null });
    expect(parseChainLine('+2')).toEqual({ kind: 'sign', quantity: 2, note: null });
    expect(parseChainLine('+1 ×2 red bean')).toEqual({ kind: 'sign', quantity: 2, note: 'red bean' });
    expect(parseChainLine('+1 x3')).toEqual({ kind: 'sign', quantity: 3, note: null });
    expect(parseChainLine('＋1 芒果')).toEqual({ kind: 'sign', quantity: 1, note: '芒果' });
    expect(parseChainLine('接龙 红豆 2份')).toEqual({ kind: 'sign', quantity: 2, note: '红豆' });
    expect(parseChainLine('接龙')).toEqual({ kind: 'sign', quantity: 1, note: null });
    expect(parseChainLine('-1')).toEqual({ kind: 'withdraw', quantity: 1 });
    expect(parseChainLine('取消')).toEqual({ kind: 'withdraw', quantity: null });
    expect(parseChainLine('cancel')).toEqual({ kind: 'withdraw', quantity: null });
  });

  it('leaves ordinary chat alone and refuses absurd quantities', () => {
    expect(parseChainLine('hello everyone')).toBeNull();
    expect(parseChainLine('今天天气不错')).toBeNull();
    expect(parseChainLine('+0')).toBeNull();
    expect(parseChainLine('+1 ×5000')).toBeNull();
    expect(parseChainLine('+12345')).toBeNull();
  });

  it("finds the member's own line in a reposted numbered list", () => {
    const repost = '#接龙 周六草莓\n1. Ann ×2 红豆\n2. Bo\n3. 王芳 3份 少糖';
    expect(parseRepost(repost, '王芳', ['Ann ×2 红豆', 'Bo'])).toEqual({ kind: 'sign', quantity: 3, note: '少糖' });
    // A name the list does not show: the line the chain does not hold yet, the last one.
    expect(parseRepost(repost, 'wf2024', ['Ann ×2 红豆', 'Bo'])).toEqual({ kind: 'sign', quantity: 3, note: '王芳 少糖' });
    expect(parseRepost('just one line', 'Ann', [])).toBeNull();
  });

  it('reposts at once after a quiet window, else at its end; at once on closing', () => {
    const t = at('2026-12-01T10:00:00Z');
    expect(repostDue(null, t, false)).toBe(t);
    expect(repostDue(t, t + 60_000, false)).toBe(t + REPOST_WINDOW_MS);
    expect(repostDue(t, t + REPOST_WINDOW_MS, false)).toBe(t + REPOST_WINDOW_MS);
    expect(repostDue(t, t + 60_000, true)).toBe(t + 60_000);
  });

  it('speaks the group language: Chinese for a group named in Chinese', () => {
    expect(languageOf('团购群')).toBe('zh');
    expect(languageOf('Fruit buyers', 'Saturday strawberries')).toBe('en');
    const list = renderList({
      id: 1,
      groupId: 1,
      title: 'Strawberries',
      quota: 3,
      deadline: null,
      closed: true,
      closeReason: 'full',
      taken: 3,
      language: 'en',
      entries: [
        { member: { id: 1, name: 'Ann' }, quantity: 2, note: 'red bean' },
        { member: { id: 2, name: 'Bo' }, quantity: 1, note: null },
      ],
    });
    expect(list).toBe('#Chain Strawberries (full, closed)\n3/3 taken by 2 members\n\n1. Ann ×2 red bean\n2. Bo');
  });
});

describe.each(backends)('chain sign-ups on the sandbox, $name', (backend) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function open(target: DatabaseTarget, clock: SandboxClock) {
    const runtime = await HearthRuntime.open(target, { clock: () => clock.now() });
    cleanups.push(() => runtime.close());
    const workspace = await resolveWorkspace(runtime.store.db);
    return { runtime, workspace, sandbox: new SandboxService(runtime, workspace.id, clock) };
  }
  async function setUp(start: number) {
    const { target, cleanup } = backend.create();
    cleanups.push(cleanup);
    const clock = new ManualClock(start);
    return { target, clock, ...(await open(target, clock)) };
  }
  const texts = (out: readonly Record<string, unknown>[]) => out.map((o) => String(o.text ?? ''));
  const members = (entries: { member: { name: string }; quantity: number; note: string | null }[]) => entries.map((e) => [e.member.name, e.quantity, e.note]);

  it('quota 2: "+1", "+1 ×2", "+1" takes the first two in order, closes, and tells the third it is full (已满)', async () => {
    const { runtime, workspace, sandbox, clock } = await setUp(at('2026-12-01T09:00:00Z'));
    const g = await sandbox.addGroup('团购群');
    for (const m of ['ann', 'bob', 'cai']) await sandbox.join(g.id, m);
    const chain = await startChain(runtime.store.db, { workspaceId: workspace.id, groupId: g.id, title: 'Saturday strawberries', quota: 2 }, clock.now());
    await sandbox.tick(clock.now());
    await sandbox.say(g.id, 'ann', '+1', at('2026-12-01T09:10:00Z'));
    const bob = await sandbox.say(g.id, 'bob', '+1 ×2', at('2026-12-01T09:11:00Z'));
    expect(texts(bob)[0]).toContain('只剩 1 份');
    const third = await sandbox.say(g.id, 'cai', '+1', at('2026-12-01T09:12:00Z'));
    expect(texts(third)).toEqual(['@cai 已满，接龙已结束']);
    const shown = await getChain(runtime.store.db, workspace.id, chain.id, clock.now());
    expect(shown.closed).toBe(true);
    expect(members(shown.entries)).toEqual([
      ['ann', 1, null],
      ['bob', 1, null],
    ]);
    const bot = (await sandbox.log(g.id)).filter((e) => e.from.bot && e.text?.startsWith('#接龙')).map((e) => e.text);
    // The opening list, the first sign-up's (a quiet window), and the final one: every entry in order.
    expect(bot).toEqual([
      '#接龙 Saturday strawberries\n已接 0/2 份，0 人\n\n回复 +1 接龙（+1 ×2 备注 / -1 取消）',
      expect.stringContaining('1. ann'),
      '#接龙 Saturday strawberries（已满，接龙结束）\n已接 2/2 份，2 人\n\n1. ann\n2. bob',
    ]);
  });

  it("a member's later line replaces theirs in place; -1 and 取消 withdraw; the CSV export lists them in order", async () => {
    const { runtime, workspace, sandbox, clock } = await setUp(at('2026-12-01T09:00:00Z'));
    const g = await sandbox.addGroup('Fruit buyers');
    const chain = await startChain(runtime.store.db, { workspaceId: workspace.id, groupId: g.id, title: 'Mangoes', quota: 20 }, clock.now());
    await sandbox.say(g.id, 'ann', '+1 ×2 red bean', at('2026-12-01T09:01:00Z'));
    await sandbox.say(g.id, 'bob', '+1', at('2026-12-01T09:02:00Z'));
    await sandbox.say(g.id, 'cai', '接龙 green 3份', at('2026-12-01T09:03:00Z'));
    await sandbox.say(g.id, 'ann', '+4 mango', at('2026-12-01T09:04:00Z'));
    await sandbox.say(g.id, 'cai', '-1', at('2026-12-01T09:05:00Z'));
    await sandbox.say(g.id, 'bob', 'cancel', at('2026-12-01T09:06:00Z'));
    await sandbox.say(g.id, 'bob', 'nice weather today', at('2026-12-01T09:07:00Z'));
    const shown = await getChain(runtime.store.db, workspace.id, chain.id, clock.now());
    expect(members(shown.entries)).toEqual([
      ['ann', 4, 'mango'],
      ['cai', 2, 'green'],
    ]);
    expect(shown.taken).toBe(6);
    expect(chainCsv(shown)).toBe(`\uFEFFposition,member_id,member,quantity,note\r\n1,${shown.entries[0]!.member.id},ann,4,mango\r\n2,${shown.entries[1]!.member.id},cai,2,green\r\ntotal,,,6,\r\n`);
  });

  it('reposts the list at most every 3 minutes: a burst of sign-ups is one repost at the window end, with every entry', async () => {
    const { sandbox, runtime, workspace, clock } = await setUp(at('2026-12-01T09:00:00Z'));
    const g = await sandbox.addGroup('Runners');
    await startChain(runtime.store.db, { workspaceId: workspace.id, groupId: g.id, title: 'Sunday 10k' }, clock.now());
    await sandbox.tick(clock.now());
    const names = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
    for (const [i, n] of names.entries()) await sandbox.say(g.id, n, '+1', at('2026-12-01T09:04:00Z') + i * 10_000);
    const lists = async () => (await sandbox.log(g.id)).filter((e) => e.from.bot && e.text?.startsWith('#Chain')).map((e) => e.text);
    // The opening list and the first sign-up's (the window had passed); the next five wait.
    expect(await lists()).toHaveLength(2);
    await sandbox.tick(at('2026-12-01T09:06:00Z'));
    expect(await lists()).toHaveLength(2);
    await sandbox.tick(at('2026-12-01T09:08:00Z'));
    const all = await lists();
    expect(all).toHaveLength(3);
    expect(all[2]).toContain('6 taken by 6 members');
    expect(all[2]).toContain('1. a1\n2. a2\n3. a3\n4. a4\n5. a5\n6. a6');
  });

  it('closes at its deadline with the final list; a later sign-up is told it has closed; closing by hand posts once', async () => {
    const { sandbox, runtime, workspace, clock } = await setUp(at('2026-12-01T09:00:00Z'));
    const g = await sandbox.addGroup('Readers');
    const chain = await startChain(runtime.store.db, { workspaceId: workspace.id, groupId: g.id, title: 'Book club seats', deadline: at('2026-12-01T12:00:00Z') }, clock.now());
    await sandbox.say(g.id, 'ann', '+1', at('2026-12-01T10:00:00Z'));
    await sandbox.tick(at('2026-12-01T12:01:30Z'));
    expect((await getChain(runtime.store.db, workspace.id, chain.id, clock.now())).closeReason).toBe('deadline');
    const finals = (await sandbox.log(g.id)).filter((e) => e.from.bot && e.text?.includes('(closed)'));
    expect(finals.map((e) => e.text)).toEqual(['#Chain Book club seats (closed)\n1 taken by 1 member\n\n1. ann']);
    expect(texts(await sandbox.say(g.id, 'bob', '+1', at('2026-12-01T12:05:00Z')))).toEqual(['@bob Sorry, the chain has closed']);

    const other = await startChain(runtime.store.db, { workspaceId: workspace.id, groupId: g.id, title: 'Tea' }, clock.now());
    await closeChain(runtime.store.db, workspace.id, other.id, clock.now());
    await closeChain(runtime.store.db, workspace.id, other.id, clock.now());
    await sandbox.tick(clock.now());
    expect((await sandbox.log(g.id)).filter((e) => e.text?.startsWith('#Chain Tea (closed)'))).toHaveLength(1);
  });

  it('refuses a bad chain with a clear reason and stores nothing', async () => {
    const { runtime, workspace, sandbox, clock } = await setUp(at('2026-12-01T09:00:00Z'));
    const g = await sandbox.addGroup('Misc');
    const start = (c: Partial<Parameters<typeof startChain>[1]>) => startChain(runtime.store.db, { workspaceId: workspace.id, groupId: g.id, title: 'x', ...c }, clock.now());
    await expect(start({ title: '  ' })).rejects.toThrow(InvalidChainError);
    await expect(start({ quota: 0 })).rejects.toThrow(/quota must be a whole number from 1/);
    await expect(start({ quota: 2.5 })).rejects.toThrow(/quota/);
    await expect(start({ deadline: at('2026-12-01T08:00:00Z') })).rejects.toThrow(/already passed/);
    await expect(start({ groupId: 9999 })).rejects.toThrow(/no group 9999/);
    expect(await runtime.store.db.selectFrom('chain').selectAll().execute()).toEqual([]);
  });

  it('an event delivered twice counts once', async () => {
    const { runtime, workspace, sandbox, clock } = await setUp(at('2026-12-01T09:00:00Z'));
    const g = await sandbox.addGroup('Dup');
    const chain = await startChain(runtime.store.db, { workspaceId: workspace.id, groupId: g.id, title: 'Eggs', quota: 10 }, clock.now());
    const payload = { type: 'message', updateId: 'u-1', room: g.external_id, at: at('2026-12-01T09:01:00Z'), from: { id: 'ann', name: 'ann' }, messageId: 'm-1', text: '+1 ×3', roomTitle: g.name };
    await runtime.deliverSandbox(workspace.id, [payload]);
    await runtime.deliverSandbox(workspace.id, [payload]);
    const shown = await getChain(runtime.store.db, workspace.id, chain.id, clock.now());
    expect(members(shown.entries)).toEqual([['ann', 3, null]]);
    expect(shown.taken).toBe(3);
  });

  it('two workers signing up for the last unit at once grant it once', async () => {
    const { target, runtime, workspace, sandbox, clock } = await setUp(at('2026-12-01T09:00:00Z'));
    const g = await sandbox.addGroup('Race');
    for (const m of ['p1', 'p2', 'p3', 'p4']) await sandbox.join(g.id, m);
    const chain = await startChain(runtime.store.db, { workspaceId: workspace.id, groupId: g.id, title: 'Last seat', quota: 1 }, clock.now());
    // PostgreSQL: two runtimes with their own connection pools, as two queue-mode workers are.
    // SQLite is one process with one connection (Hearth's embedded mode): four sign-ups in flight at once there.
    const second = backend.name === 'postgres' ? await open(target, clock) : { runtime };
    const message = (who: string, n: number) => ({
      platform: 'sandbox',
      kind: 'message',
      dedupKey: `race-${who}`,
      occurredAt: new Date(clock.now() + n).toISOString(),
      group: { id: g.external_id, title: g.name },
      actor: { id: who, name: who },
      messageId: `race-${who}`,
      text: '+1',
    });
    await Promise.all([
      runtime.ingest([message('p1', 1)], { workspaceId: workspace.id }),
      second.runtime.ingest([message('p2', 2)], { workspaceId: workspace.id }),
      runtime.ingest([message('p3', 3)], { workspaceId: workspace.id }),
      second.runtime.ingest([message('p4', 4)], { workspaceId: workspace.id }),
    ]);
    const shown = await getChain(runtime.store.db, workspace.id, chain.id, clock.now());
    expect(shown.entries).toHaveLength(1);
    expect(shown.taken).toBe(1);
    expect(shown.closed).toBe(true);
    const replies = await runtime.store.db.selectFrom('outbox').select('action').where('idempotency_key', 'like', 'evt:%:chain-0').execute();
    expect(replies.map((r) => JSON.parse(r.action).text as string).filter((t) => t.includes('full'))).toHaveLength(3);
  });
});
