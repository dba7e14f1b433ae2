import { ensureJob } from '../../scheduler/job-store.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import { sweepVotes } from './vote-store.js';

export const VOTE_SWEEP_KIND = 'vote-sweep';
/** Every minute: a vote closes with its results within a minute of its deadline; a gathered tally goes out within a minute of its window's end. */
export const VOTE_SWEEP_CRON = '* * * * *';

/** Declares each workspace's vote sweep on the persisted scheduler and handles it; `planned` is told when it wrote to the outbox. */
export function registerVoteSweep(scheduler: Scheduler, planned: () => void = () => {}): void {
  scheduler
    .declare(async (db, now) => {
      const workspaces = await db.selectFrom('workspace').select('id').execute();
      const known = new Set((await db.selectFrom('scheduled_job').select('job_key').where('kind', '=', VOTE_SWEEP_KIND).execute()).map((r) => r.job_key));
      for (const w of workspaces) {
        const key = `${VOTE_SWEEP_KIND}:${w.id}`;
        if (!known.has(key)) await ensureJob(db, { key, workspaceId: w.id, kind: VOTE_SWEEP_KIND, cron: VOTE_SWEEP_CRON, timezone: 'UTC', missed: 'once' }, now);
      }
    })
    .handle(VOTE_SWEEP_KIND, async ({ db, job, now }) => {
      if ((await sweepVotes(db, job.workspace_id, now)) > 0) planned();
    });
}
