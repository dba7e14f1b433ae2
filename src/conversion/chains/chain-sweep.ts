import { ensureJob } from '../../scheduler/job-store.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import { sweepChains } from './chain-store.js';

export const CHAIN_SWEEP_KIND = 'chain-sweep';
/** Every minute: a deadline closes within a minute, a gathered repost goes out within a minute of its window's end. */
export const CHAIN_SWEEP_CRON = '* * * * *';

/** Declares each workspace's chain sweep on the scheduler and handles it. */
export function registerChainSweep(scheduler: Scheduler): void {
  scheduler
    .declare(async (db, now) => {
      const workspaces = await db.selectFrom('workspace').select('id').execute();
      const known = new Set((await db.selectFrom('scheduled_job').select('job_key').where('kind', '=', CHAIN_SWEEP_KIND).execute()).map((r) => r.job_key));
      for (const w of workspaces) {
        const key = `${CHAIN_SWEEP_KIND}:${w.id}`;
        if (!known.has(key)) await ensureJob(db, { key, workspaceId: w.id, kind: CHAIN_SWEEP_KIND, cron: CHAIN_SWEEP_CRON, timezone: 'UTC', missed: 'once' }, now);
      }
    })
    .handle(CHAIN_SWEEP_KIND, async ({ db, job, now }) => {
      await sweepChains(db, job.workspace_id, now);
    });
}
