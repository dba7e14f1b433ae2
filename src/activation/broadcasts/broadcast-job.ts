import type { Scheduler } from '../../scheduler/scheduler.js';
import { BROADCAST_JOB_KIND, startBroadcast } from './broadcast-store.js';

/**
 * The handler of broadcast jobs: plans the broadcast's messages (once, however often its
 * slot is run), then `planned` (the runtime wakes its dispatcher).
 */
export function registerBroadcastJob(scheduler: Scheduler, planned: () => void = () => {}): void {
  scheduler.handle(BROADCAST_JOB_KIND, async ({ db, job, now }) => {
    const { broadcastId } = JSON.parse(job.config) as { broadcastId: number };
    if ((await startBroadcast(db, broadcastId, now)) > 0) planned();
  });
}
