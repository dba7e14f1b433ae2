import { afterEach, describe, expect, it } from 'vitest';
import { checkSchedule, decide, ScheduleInvalidError } from '../src/scheduler/cron-schedule.js';
import { ensureJob, listJobs } from '../src/scheduler/job-store.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { openStore, type Store } from '../src/store/database.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { backends } from './helpers/backends.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('cron slots in a time zone (pure)', () => {
  it('09:00 in Asia/Shanghai is 01:00 UTC, and a pass at 10:00 the next day after downtime runs once for that day', () => {
    const job = { cron: '0 9 * * *', timezone: 'Asia/Shanghai', missed: 'once' as const, nextRunAt: at('2026-11-20T01:00:00Z') };
    expect(decide(job, at('2026-11-20T00:59:00Z'))).toEqual({ action: 'wait', slot: at('2026-11-20T01:00:00Z'), next: at('2026-11-20T01:00:00Z') });
    expect(decide(job, at('2026-11-20T01:00:00Z'))).toEqual({ action: 'run', slot: at('2026-11-20T01:00:00Z'), next: at('2026-11-21T01:00:00Z') });
    // Down from the 20th to the 23rd, 10:00 Shanghai: three slots missed, run once for the latest.
    expect(decide(job, at('2026-11-23T02:00:00Z'))).toEqual({ action: 'run', slot: at('2026-11-23T01:00:00Z'), next: at('2026-11-24T01:00:00Z') });
    expect(decide({ ...job, missed: 'skip' }, at('2026-11-23T02:00:00Z'))).toEqual({ action: 'skip', slot: at('2026-11-20T01:00:00Z'), next: at('2026-11-24T01:00:00Z') });
  });

  it('refuses an unknown zone or a malformed pattern, naming it', () => {
    expect(() => checkSchedule('0 9 * * *', 'Mars/Olympus')).toThrow(ScheduleInvalidError);
    expect(() => checkSchedule('0 9 * * *', 'Mars/Olympus')).toThrow(/Mars\/Olympus/);
    expect(() => checkSchedule('61 9 * * *', 'UTC')).toThrow(/61 9/);
  });
});

describe.each(backends)('the persisted scheduler on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function setUp(start: number) {
    const { target, cleanup } = backend.create();
    const store: Store = await openStore(target);
    cleanups.push(cleanup, () => store.close());
    const workspace = await ensureWorkspace(store.db, 'w', 'W', start);
    const clock = { now: start };
    const fired: { key: string; slot: string; now: string }[] = [];
    const make = () =>
      new Scheduler(store.db, () => clock.now).handle('note', async ({ job, slot, now }) => {
        fired.push({ key: job.job_key, slot: iso(slot), now: iso(now) });
      });
    return { store, workspace, clock, fired, make };
  }

  it('a job at 09:00 Asia/Shanghai fires at 01:00 UTC, once, and a restarted scheduler does not fire it again', async () => {
    const { store, workspace, clock, fired, make } = await setUp(at('2026-11-20T00:00:00Z'));
    await ensureJob(store.db, { key: 'morning', workspaceId: workspace.id, kind: 'note', cron: '0 9 * * *', timezone: 'Asia/Shanghai', missed: 'once' }, clock.now);
    const first = make();
    clock.now = at('2026-11-20T00:59:59Z');
    expect((await first.runDue()).ran).toEqual([]);
    clock.now = at('2026-11-20T01:00:00Z');
    const report = await first.runDue();
    expect(report.ran).toEqual([{ key: 'morning', kind: 'note', slot: '2026-11-20T01:00:00.000Z', outcome: 'ran' }]);
    expect(report.nextDueAt).toBe(at('2026-11-21T01:00:00Z'));
    // A restart: a new scheduler on the same database, the same minute, and the job declared again.
    await ensureJob(store.db, { key: 'morning', workspaceId: workspace.id, kind: 'note', cron: '0 9 * * *', timezone: 'Asia/Shanghai', missed: 'once' }, clock.now);
    clock.now = at('2026-11-20T01:00:30Z');
    expect((await make().runDue()).ran).toEqual([]);
    expect(fired).toEqual([{ key: 'morning', slot: '2026-11-20T01:00:00.000Z', now: '2026-11-20T01:00:00.000Z' }]);
    expect((await listJobs(store.db, workspace.id))[0]).toMatchObject({ nextRunAt: '2026-11-21T01:00:00.000Z', lastOutcome: 'ran', runs: 1 });
  });

  it('after downtime a `once` job fires once on start, a `skip` job waits for its next slot', async () => {
    const { store, workspace, clock, fired, make } = await setUp(at('2026-11-20T00:00:00Z'));
    const spec = { workspaceId: workspace.id, kind: 'note', cron: '0 9 * * *', timezone: 'Asia/Shanghai' };
    await ensureJob(store.db, { ...spec, key: 'catch-up', missed: 'once' }, clock.now);
    await ensureJob(store.db, { ...spec, key: 'skipper', missed: 'skip' }, clock.now);
    // Nothing ran from the 20th to the 23rd, 10:00 Shanghai.
    clock.now = at('2026-11-23T02:00:00Z');
    const report = await make().runDue();
    expect(report.ran).toEqual([
      { key: 'catch-up', kind: 'note', slot: '2026-11-23T01:00:00.000Z', outcome: 'ran' },
      { key: 'skipper', kind: 'note', slot: '2026-11-20T01:00:00.000Z', outcome: 'skipped' },
    ]);
    expect(fired.map((f) => f.key)).toEqual(['catch-up']);
    expect((await make().runDue()).ran).toEqual([]);
    clock.now = at('2026-11-24T01:00:00Z');
    expect((await make().runDue()).ran.map((r) => [r.key, r.outcome])).toEqual([
      ['catch-up', 'ran'],
      ['skipper', 'ran'],
    ]);
    expect(fired.map((f) => f.key)).toEqual(['catch-up', 'catch-up', 'skipper']);
  });

  it('two schedulers passing at the same moment run a slot once between them', async () => {
    const { store, workspace, clock, fired, make } = await setUp(at('2026-11-20T00:00:00Z'));
    await ensureJob(store.db, { key: 'every-ten', workspaceId: workspace.id, kind: 'note', cron: '*/10 * * * *', timezone: 'UTC', missed: 'once' }, clock.now);
    clock.now = at('2026-11-20T00:10:00Z');
    const a = make();
    const b = make();
    await a.runDue();
    await b.runDue();
    expect(fired).toHaveLength(1);
  });

  it('a clock set back (the sandbox) brings the next slot back with it', async () => {
    const { store, workspace, clock, fired, make } = await setUp(at('2026-12-03T12:00:00Z'));
    await ensureJob(store.db, { key: 'every-ten', workspaceId: workspace.id, kind: 'note', cron: '*/10 * * * *', timezone: 'UTC', missed: 'once' }, clock.now);
    clock.now = at('2026-11-20T08:00:00Z');
    expect((await make().runDue()).nextDueAt).toBe(at('2026-11-20T08:10:00Z'));
    clock.now = at('2026-11-20T08:10:00Z');
    expect((await make().runDue()).ran).toHaveLength(1);
    expect(fired.map((f) => f.slot)).toEqual(['2026-11-20T08:10:00.000Z']);
  });

  it('a failing job is recorded as failed and does not stop the others', async () => {
    const { store, workspace, clock } = await setUp(at('2026-11-20T00:00:00Z'));
    await ensureJob(store.db, { key: 'broken', workspaceId: workspace.id, kind: 'unknown-kind', cron: '*/10 * * * *', timezone: 'UTC', missed: 'once' }, clock.now);
    await ensureJob(store.db, { key: 'fine', workspaceId: workspace.id, kind: 'note', cron: '*/10 * * * *', timezone: 'UTC', missed: 'once' }, clock.now);
    clock.now = at('2026-11-20T00:10:00Z');
    const errors: unknown[] = [];
    const scheduler = new Scheduler(
      store.db,
      () => clock.now,
      (e) => errors.push(e),
    ).handle('note', async () => {});
    const report = await scheduler.runDue();
    expect(report.ran).toEqual([
      { key: 'broken', kind: 'unknown-kind', slot: '2026-11-20T00:10:00.000Z', outcome: 'failed', error: 'no handler for jobs of kind unknown-kind' },
      { key: 'fine', kind: 'note', slot: '2026-11-20T00:10:00.000Z', outcome: 'ran' },
    ]);
    expect(errors).toHaveLength(1);
  });
});
