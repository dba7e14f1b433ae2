import type { Kysely } from 'kysely';
import { dayIn } from '../../core/calendar.js';
import { ensureJob } from '../../scheduler/job-store.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import type { Database } from '../../store/schema.js';
import { commendationText, parseStoredConfig, previousMonth } from './points-rules.js';
import { awardMedals, leaderboard, planPointsMessage, topOf } from './points-store.js';

export const COMMENDATION_KIND = 'points-commendation';
/** Every hour: a group's commendation goes out in the first hour from 10:00 on the 1st in its own time zone (or the first run after, if Hearth was down). */
export const COMMENDATION_CRON = '5 * * * *';
/** The local hour from which the month's commendation is posted. */
export const COMMENDATION_HOUR = 10;
/** How many members the commendation names. */
export const COMMENDATION_TOP = 10;

const hourFormatters = new Map<string, Intl.DateTimeFormat>();
function localHour(timeZone: string, at: number): number {
  let f = hourFormatters.get(timeZone);
  if (!f) hourFormatters.set(timeZone, (f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' })));
  return Number(f.format(at));
}

/** The outbox key of a group's commendation for a month: the post is planned once, however often the job runs. */
export function commendationKey(groupId: number, month: string): string {
  return `points-commendation:${groupId}:${month}`;
}

/**
 * Posts last month's commendation (表彰大会) to each group of the workspace with points
 * and the commendation on: the month's leaderboard and the medals awarded for it (the
 * month's points champion, top helper by reply points, top inviter), once per month and
 * group. The outbox key names group and month and the medals are unique per period, so
 * a rerun after a crash or restart neither posts nor awards twice. Returns the groups posted to.
 */
export async function postCommendations(db: Kysely<Database>, workspaceId: number, now: number): Promise<number[]> {
  const groups = await db
    .selectFrom('points_settings')
    .innerJoin('chat_group', 'chat_group.id', 'points_settings.group_id')
    .select(['chat_group.id', 'chat_group.platform', 'chat_group.timezone', 'points_settings.config'])
    .where('points_settings.workspace_id', '=', workspaceId)
    .where('points_settings.enabled', '=', 1)
    .execute();
  const posted: number[] = [];
  for (const g of groups) {
    const config = parseStoredConfig(g.config);
    if (!config.commendation) continue;
    const today = dayIn(g.timezone, now);
    if (today.endsWith('-01') && localHour(g.timezone, now) < COMMENDATION_HOUR) continue;
    const month = previousMonth(today);
    const key = commendationKey(g.id, month);
    if (await db.selectFrom('outbox').select('id').where('idempotency_key', '=', key).executeTakeFirst()) continue;
    const board = await leaderboard(db, g.id, month, config.levels, COMMENDATION_TOP);
    if (board.length === 0) continue;
    const wrote = await db.transaction().execute(async (trx) => {
      const medals: { name: string; medal: string }[] = [];
      const award = async (memberId: number, name: string, medal: string) => {
        if ((await awardMedals(trx, { workspaceId, groupId: g.id, memberId }, [medal], month, now)).length > 0) medals.push({ name, medal });
      };
      await award(board[0]!.memberId, board[0]!.name, 'top-points');
      const helper = await topOf(trx, g.id, month, 'reply');
      if (helper) await award(helper.memberId, helper.name, 'top-helper');
      const inviter = await topOf(trx, g.id, month, 'invite');
      if (inviter) await award(inviter.memberId, inviter.name, 'top-inviter');
      const text = commendationText(config.language, month, board, medals);
      return planPointsMessage(trx, { id: g.id, workspaceId, platform: g.platform }, key, { text, mentions: board.slice(0, 3).map((l) => l.memberId) }, now);
    });
    if (wrote) posted.push(g.id);
  }
  return posted;
}

/** Declares each workspace's commendation job on the persisted scheduler and handles it. */
export function registerCommendationJob(scheduler: Scheduler, planned: () => void = () => {}): void {
  scheduler
    .declare(async (db, now) => {
      const workspaces = await db.selectFrom('workspace').select('id').execute();
      const known = new Set((await db.selectFrom('scheduled_job').select('job_key').where('kind', '=', COMMENDATION_KIND).execute()).map((r) => r.job_key));
      for (const w of workspaces) {
        const key = `${COMMENDATION_KIND}:${w.id}`;
        if (!known.has(key)) await ensureJob(db, { key, workspaceId: w.id, kind: COMMENDATION_KIND, cron: COMMENDATION_CRON, timezone: 'UTC', missed: 'once' }, now);
      }
    })
    .handle(COMMENDATION_KIND, async ({ db, job, now }) => {
      if ((await postCommendations(db, job.workspace_id, now)).length > 0) planned();
    });
}
