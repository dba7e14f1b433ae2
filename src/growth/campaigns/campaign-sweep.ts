import { ensureJob } from '../../scheduler/job-store.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import { sweepCampaigns } from './campaign-rule.js';

export const CAMPAIGN_SWEEP_KIND = 'campaign-sweep';
/** Every five minutes: a fraud window or a "must speak" deadline is judged within five minutes of running out. */
export const CAMPAIGN_SWEEP_CRON = '*/5 * * * *';

/** Declares each workspace's campaign sweep on the scheduler and handles it; `planned` wakes the dispatcher when it told someone. */
export function registerCampaignSweep(scheduler: Scheduler, planned: () => void = () => {}): void {
  scheduler
    .declare(async (db, now) => {
      const workspaces = await db.selectFrom('campaign').select('workspace_id').distinct().execute();
      const known = new Set((await db.selectFrom('scheduled_job').select('job_key').where('kind', '=', CAMPAIGN_SWEEP_KIND).execute()).map((r) => r.job_key));
      for (const w of workspaces) {
        const key = `${CAMPAIGN_SWEEP_KIND}:${w.workspace_id}`;
        if (!known.has(key)) await ensureJob(db, { key, workspaceId: w.workspace_id, kind: CAMPAIGN_SWEEP_KIND, cron: CAMPAIGN_SWEEP_CRON, timezone: 'UTC', missed: 'once' }, now);
      }
    })
    .handle(CAMPAIGN_SWEEP_KIND, async ({ db, job, now }) => {
      if ((await sweepCampaigns(db, job.workspace_id, now)) > 0) planned();
    });
}
