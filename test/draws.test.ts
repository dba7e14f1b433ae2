import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { amountText, claimFigures, grabWordOf, InvalidDrawError, seededRandom, splitEnvelope } from '../src/activation/draws/draw-split.js';
import { cancelDraw, createDraw, type DrawView, getDraw, listDraws } from '../src/activation/draws/draw-store.js';
import { balanceOf } from '../src/activation/points/points-ledger.js';
import { DemoWorkspace } from '../src/runtime/demo-workspace.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { SandboxService, type SandboxClock } from '../src/runtime/sandbox-service.js';
import { resolveWorkspace } from '../src/runtime/workspace-setup.js';
import type { DatabaseTarget } from '../src/store/database.js';
import { backends } from './helpers/backends.js';
import { ManualClock } from './helpers/sandbox-fixture.js';

const at = (iso: string) => Date.parse(iso);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('the lucky-draw split (pure, property-tested over seeded draws)', () => {
  it('every share is at least the minimum and the shares sum to the total exactly, over 10,000 random envelopes', () => {
    const random = seededRandom(20261203);
    for (let i = 0; i < 10_000; i++) {
      const shares = 1 + Math.floor(random() * 60);
      const minimum = 1 + Math.floor(random() * 50);
      const total = shares * minimum + Math.floor(random() * 100_000) * (random() < 0.1 ? 0 : 1);
      const split = splitEnvelope(total, shares, minimum, random);
      if (split.length !== shares || sum(split) !== total || split.some((s) => s < minimum || !Number.isInteger(s)))
        throw new Error(`bad split of ${total} into ${shares} ≥ ${minimum}: ${split.join(',')}`);
    }
  });

  it('is fair: over 10,000 draws every position gets the mean on average (grabbing first is no advantage)', () => {
    const random = seededRandom(7);
    const totals = new Array<number>(10).fill(0);
    const draws = 10_000;
    for (let i = 0; i < draws; i++) splitEnvelope(1000, 10, 1, random).forEach((s, k) => (totals[k]! += s));
    for (const t of totals) expect(Math.abs(t / draws - 100)).toBeLessThan(3);
  });

  it('the same seed gives the same split; exact edges: total = shares × minimum, one share', () => {
    expect(splitEnvelope(500, 7, 3, seededRandom(42))).toEqual(splitEnvelope(500, 7, 3, seededRandom(42)));
    expect(splitEnvelope(30, 10, 3, seededRandom(1))).toEqual(new Array(10).fill(3));
    expect(splitEnvelope(88, 1, 1, seededRandom(1))).toEqual([88]);
  });

  it('refuses a split that cannot be made, naming what is wrong', () => {
    expect(() => splitEnvelope(10, 5, 3)).toThrow(/5 shares of at least 3 need a total of 15/);
    expect(() => splitEnvelope(10.5, 2, 1)).toThrow(InvalidDrawError);
    expect(() => splitEnvelope(10, 0, 1)).toThrow(/shares/);
    expect(() => splitEnvelope(10, 2, 0)).toThrow(/minimum/);
  });

  it('reads grab words and figures: median wait, emptied time, luckiest', () => {
    expect(grabWordOf(' 抢！')).toBe('抢');
    expect(grabWordOf('/GRAB')).toBe('/grab');
    expect(grabWordOf('let us grab lunch')).toBeNull();
    const f = claimFigures(1000, 3, [
      { memberId: 1, name: 'a', amount: 10, claimedAt: 3000 },
      { memberId: 2, name: 'b', amount: 50, claimedAt: 2000 },
      { memberId: 3, name: 'c', amount: 40, claimedAt: 9000 },
    ]);
    expect(f).toEqual({ claimants: 3, claimed: 100, emptiedInMs: 8000, medianClaimMs: 2000, luckiest: { memberId: 2, name: 'b', amount: 50 } });
    expect(amountText(1234, 'CNY', 'zh')).toBe('¥12.34');
    expect(amountText(37, null, 'en')).toBe('37 points');
  });
});

describe.each(backends)('lucky draws on the sandbox, $name', (backend) => {
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

  it('start → three members grab → each is told their amount, the fourth "all claimed", the summary names the luckiest; points credited, total exact', async () => {
    const { runtime, workspace, sandbox, clock } = await setUp(at('2026-12-01T20:00:00Z'));
    const g = await sandbox.addGroup('烘焙交流群');
    for (const m of ['ann', 'bob', 'cai', 'dan']) await sandbox.join(g.id, m);
    const draw = await createDraw(runtime.store.db, { workspaceId: workspace.id, groupId: g.id, currency: null, total: 100, shares: 3, minimum: 5 }, clock.now(), seededRandom(3));
    const opened = texts(await sandbox.tick(clock.now()));
    expect(opened).toEqual(['🧧 红包：100 积分，共 3 份，回复「抢」来抢！']);
    const told: string[] = [];
    const t0 = clock.now();
    for (const [i, m] of ['ann', 'bob', 'cai'].entries()) told.push(...texts(await sandbox.say(g.id, m, '抢', t0 + (i + 1) * 4000)));
    const replies = told.filter((t) => t.includes('你抢到了'));
    expect(replies).toHaveLength(3);
    const amounts = replies.map((t) => Number(/你抢到了 (\d+) 积分/.exec(t)![1]));
    expect(sum(amounts)).toBe(100);
    expect(amounts.every((a) => a >= 5)).toBe(true);
    const summary = (await sandbox.log(g.id)).find((e) => e.from.bot && e.text?.includes('已被抢完'))?.text;
    expect(summary).toContain(`3 人，用时 12 秒，手气最佳：${['ann', 'bob', 'cai'][amounts.indexOf(Math.max(...amounts))]}`);
    expect(texts(await sandbox.say(g.id, 'dan', '抢', t0 + 20_000))).toEqual(['@dan 红包已被抢完']);
    expect(texts(await sandbox.say(g.id, 'ann', 'ordinary chat', t0 + 21_000))).toEqual([]);

    const shown = await getDraw(runtime.store.db, workspace.id, draw.id, clock.now());
    const [envelope] = shown.envelopes;
    expect(envelope!.state).toBe('emptied');
    expect(envelope!.figures).toMatchObject({ claimants: 3, claimed: 100, emptiedInMs: 12_000, medianClaimMs: 8000 });
    expect(envelope!.claims.map((c) => c.name)).toEqual(['ann', 'bob', 'cai']);
    for (const c of envelope!.claims) expect(await balanceOf(runtime.store.db, workspace.id, c.memberId, g.id)).toBe(c.amount);
  });

  it('rounds open on schedule, an exclusive envelope refuses others, and an expired one refunds its rest; one grab per member per envelope', async () => {
    const { runtime, workspace, sandbox, clock } = await setUp(at('2026-12-01T09:00:00Z'));
    const g = await sandbox.addGroup('Bakers');
    for (const m of ['ann', 'bob', 'cai']) await sandbox.join(g.id, m);
    const members = await runtime.store.db.selectFrom('member').select(['id', 'display_name']).where('workspace_id', '=', workspace.id).execute();
    const ann = members.find((m) => m.display_name === 'ann')!.id;
    const bob = members.find((m) => m.display_name === 'bob')!.id;
    const draw = await createDraw(
      runtime.store.db,
      {
        workspaceId: workspace.id,
        groupId: g.id,
        currency: 'USD',
        total: 500,
        shares: 4,
        rounds: 2,
        roundIntervalMs: 900_000,
        expiresAfterMs: 600_000,
        exclusiveMembers: [ann, bob],
        title: 'Friday treat',
      },
      clock.now(),
    );
    expect(texts(await sandbox.tick(clock.now()))).toEqual(['🧧 Friday treat (round 1/2): USD 5.00 in 4 shares (exclusive). Reply "抢" to grab one!']);
    expect(texts(await sandbox.say(g.id, 'cai', '/grab', clock.now() + 1000))).toEqual(['@cai This envelope is exclusive: you are not on its list']);
    expect(texts(await sandbox.say(g.id, 'ann', 'grab', clock.now() + 2000))[0]).toMatch(/^@ann You got USD \d+\.\d\d$/);
    expect(texts(await sandbox.say(g.id, 'ann', 'grab!', clock.now() + 3000))).toEqual(['@ann You already grabbed this one']);
    await sandbox.tick(at('2026-12-01T09:11:00Z'));
    let shown = await getDraw(runtime.store.db, workspace.id, draw.id, clock.now());
    expect(shown.envelopes[0]!.state).toBe('expired');
    expect(shown.envelopes[0]!.refunded! + shown.envelopes[0]!.figures.claimed).toBe(500);
    expect(shown.envelopes[1]!.state).toBe('scheduled');
    const second = texts(await sandbox.tick(at('2026-12-01T09:16:00Z')));
    expect(second).toEqual([expect.stringContaining('(round 2/2)')]);
    shown = await cancelDraw(runtime.store.db, workspace.id, draw.id, clock.now());
    expect(shown.state).toBe('cancelled');
    expect(shown.envelopes[1]!.refunded).toBe(500);
    expect(shown.refunded + shown.claimed).toBe(1000);
  });

  it('refuses a bad draw with a clear reason and stores nothing', async () => {
    const { runtime, workspace, sandbox, clock } = await setUp(at('2026-12-01T09:00:00Z'));
    const g = await sandbox.addGroup('Bakers');
    const bad = (over: object) => createDraw(runtime.store.db, { workspaceId: workspace.id, groupId: g.id, currency: null, total: 100, shares: 3, ...over }, clock.now());
    await expect(bad({ shares: 30, minimum: 5 })).rejects.toThrow(/30 shares of at least 5 need a total of 150/);
    await expect(bad({ currency: 'yuan' })).rejects.toThrow(/currency/);
    await expect(bad({ exclusiveRole: 'king' })).rejects.toThrow(/no role "king"/);
    await expect(bad({ total: 2_000_000, shares: 3 })).rejects.toThrow(/at most 1000000 points/);
    expect(await runtime.store.db.selectFrom('draw').select('id').execute()).toEqual([]);
  });

  it('two workers grabbing the last share at once grant it once', async () => {
    const { target, runtime, workspace, sandbox, clock } = await setUp(at('2026-12-01T09:00:00Z'));
    const g = await sandbox.addGroup('抢红包群');
    const racers = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    for (const m of racers) await sandbox.join(g.id, m);
    const draw = await createDraw(runtime.store.db, { workspaceId: workspace.id, groupId: g.id, currency: null, total: 10, shares: 2 }, clock.now());
    await sandbox.say(g.id, 'p1', '抢', clock.now() + 1);
    // PostgreSQL: two runtimes with their own pools, as two queue-mode workers are; SQLite: one process, grabs in flight at once.
    const second = backend.name === 'postgres' ? await open(target, clock) : { runtime };
    const message = (who: string, n: number) => ({
      platform: 'sandbox',
      kind: 'message',
      dedupKey: `race-${who}`,
      occurredAt: new Date(clock.now() + n).toISOString(),
      group: { id: g.external_id, title: g.name },
      actor: { id: who, name: who },
      messageId: `race-${who}`,
      text: '抢',
    });
    await Promise.all(racers.slice(1).map((who, i) => (i % 2 ? second.runtime : runtime).ingest([message(who, 10 + i)], { workspaceId: workspace.id })));
    const shown = await getDraw(runtime.store.db, workspace.id, draw.id, clock.now());
    expect(shown.envelopes[0]!.claims).toHaveLength(2);
    expect(shown.claimed).toBe(10);
    const replies = await runtime.store.db.selectFrom('outbox').select('action').where('idempotency_key', 'like', 'evt:%:draw').execute();
    const said = replies.map((r) => JSON.parse(r.action).text as string);
    expect(said.filter((t) => t.includes('你抢到了'))).toHaveLength(2);
    expect(said.filter((t) => t.includes('红包已被抢完'))).toHaveLength(4);
    const ledger = await runtime.store.db.selectFrom('points_entry').select('points').where('reason', '=', 'draw').execute();
    expect(sum(ledger.map((r) => Number(r.points)))).toBe(10);
  });
});

describe('the demo workspace', { timeout: 120_000 }, () => {
  it('has three past lucky draws with claims: two emptied (with their claim speed), one of two rounds expired part-claimed with the rest refunded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-demo-draws-'));
    const NOW = Date.parse('2026-07-10T12:00:00Z');
    const runtime = await HearthRuntime.open({ kind: 'sqlite', file: join(dir, 'hearth.db') }, { clock: () => NOW });
    try {
      const demo = await DemoWorkspace.create(runtime, { now: NOW, historyDays: 2 });
      const draws = await listDraws(runtime.store.db, demo.workspaceId);
      expect(draws.map((d) => [d.title, d.state])).toEqual([
        ['早安红包', 'done'],
        ['午间现金红包', 'done'],
        ['周五晚红包', 'done'],
      ]);
      const [morning, cash, friday] = draws as [DrawView, DrawView, DrawView];
      expect(friday.envelopes[0]!.figures).toMatchObject({ claimants: 8, claimed: 200, emptiedInMs: 41_000 });
      expect(cash.envelopes[0]!.figures).toMatchObject({ claimants: 5, claimed: 2000, emptiedInMs: 152_000 });
      expect(morning.envelopes.map((e) => [e.state, e.figures.claimants])).toEqual([
        ['expired', 6],
        ['expired', 3],
      ]);
      expect(morning.claimed + morning.refunded).toBe(200);
      const pending = await runtime.store.db.selectFrom('outbox').select('id').where('status', '=', 'pending').where('idempotency_key', 'like', '%draw%').execute();
      expect(pending).toEqual([]);
    } finally {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
