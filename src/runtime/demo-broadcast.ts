import { createBroadcast } from '../activation/broadcasts/broadcast-store.js';
import { resolveGroupSelector } from '../groups/group-selector.js';
import type { HearthRuntime } from './hearth-runtime.js';

const HOUR = 3_600_000;

/** The region set the demo's broadcasts go to (one of the demo's group sets). */
const REGION = '华东区';

/**
 * The demo's broadcasts, made through the real pipeline: this week's meetup announced an
 * hour ago to every group of a region set and sent through the outbox, and a reminder
 * scheduled for tomorrow morning on the scheduler.
 */
export async function seedDemoBroadcast(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const { db } = runtime.store;
  const selector = { sets: [REGION] };
  const groupIds = await resolveGroupSelector(db, workspaceId, selector);
  if (groupIds.length === 0) return;
  await createBroadcast(
    db,
    {
      workspaceId,
      text: '本周六 14:00 线下交流会，欢迎「{group}」的 {members} 位朋友报名！/ Saturday 14:00: our meetup. All {members} of {group} are welcome!',
      link: 'https://example.com/meetup',
      selector,
      groupIds,
      sendAt: null,
      createdBy: 'demo@hearth.local',
    },
    now - HOUR,
  );
  await runtime.dispatcher.runDue();
  const tomorrow = new Date(now + 24 * HOUR);
  tomorrow.setUTCHours(2, 0, 0, 0);
  await createBroadcast(
    db,
    {
      workspaceId,
      text: '提醒：周六交流会报名明天截止 / Reminder: sign-up for Saturday’s meetup closes tomorrow',
      link: null,
      selector,
      groupIds,
      sendAt: tomorrow.getTime(),
      createdBy: 'demo@hearth.local',
    },
    now,
  );
}
