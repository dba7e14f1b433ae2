import { ensureJob } from '../../scheduler/job-store.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import { sweepDraws } from './draw-store.js';

export const DRAW_SWEEP_KIND = 'draw-sweep';
/** Every minute: a scheduled round opens, and an expired envelope is closed and refunded, within a minute. */
export const DRAW_SWEEP_CRON = '* * * * *';

/** Declares each workspace's draw sweep on the persisted scheduler and handles it; `planned` is told when it wrote to the outbox. */
export function registerDrawSweep(scheduler: Scheduler, planned: () => void = () => {}): void {
  scheduler
    .declare(async (db, now) => {
      const workspaces = await db.selectFrom('workspace').select('id').execute();
      const known = new Set((await db.selectFrom('scheduled_job').select('job_key').where('kind', '=', DRAW_SWEEP_KIND).execute()).map((r) => r.job_key));
      for (const w of workspaces) {
        const key = `${DRAW_SWEEP_KIND}:${w.id}`;
        if (!known.has(key)) await ensureJob(db, { key, workspaceId: w.id, kind: DRAW_SWEEP_KIND, cron: DRAW_SWEEP_CRON, timezone: 'UTC', missed: 'once' }, now);
      }
    })
    .handle(DRAW_SWEEP_KIND, async ({ db, job, now }) => {
      if ((await sweepDraws(db, job.workspace_id, now)) > 0) planned();
    });
}
