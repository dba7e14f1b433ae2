import type { Kysely, Selectable } from 'kysely';
import type { Database, ScheduledJobTable } from '../store/schema.js';
import { checkSchedule, nextSlot, type MissedPolicy } from './cron-schedule.js';

export type JobRow = Selectable<ScheduledJobTable>;

/** A job as its owner declares it; `key` names it, so declaring it again is the same job. */
export interface JobSpec {
  key: string;
  workspaceId: number;
  kind: string;
  groupId?: number | null;
  cron: string;
  timezone: string;
  missed: MissedPolicy;
  config?: unknown;
}

/**
 * Creates the job if it does not exist yet (its first slot: the pattern's next after
 * `now`); an existing job keeps its next slot, so declaring jobs on every start never
 * moves or repeats a run. A changed pattern, zone or policy is taken, and the next
 * slot recomputed from `now`.
 */
export async function ensureJob(db: Kysely<Database>, spec: JobSpec, now: number): Promise<JobRow> {
  checkSchedule(spec.cron, spec.timezone, now);
  const next = nextSlot(spec.cron, spec.timezone, now);
  if (next === null) throw new Error(`job ${spec.key} never runs`);
  await db
    .insertInto('scheduled_job')
    .values({
      workspace_id: spec.workspaceId,
      job_key: spec.key,
      kind: spec.kind,
      group_id: spec.groupId ?? null,
      cron: spec.cron,
      timezone: spec.timezone,
      missed: spec.missed,
      config: JSON.stringify(spec.config ?? {}),
      enabled: 1,
      next_run_at: next,
      runs: 0,
      created_at: now,
    })
    .onConflict((oc) => oc.column('job_key').doNothing())
    .execute();
  const row = await db.selectFrom('scheduled_job').selectAll().where('job_key', '=', spec.key).executeTakeFirstOrThrow();
  if (row.cron !== spec.cron || row.timezone !== spec.timezone || row.missed !== spec.missed) {
    await db.updateTable('scheduled_job').set({ cron: spec.cron, timezone: spec.timezone, missed: spec.missed, next_run_at: next }).where('id', '=', row.id).execute();
    return { ...row, cron: spec.cron, timezone: spec.timezone, missed: spec.missed, next_run_at: next };
  }
  return row;
}

/** Every enabled job, soonest first. */
export function enabledJobs(db: Kysely<Database>): Promise<JobRow[]> {
  return db.selectFrom('scheduled_job').selectAll().where('enabled', '=', 1).orderBy('next_run_at').orderBy('id').execute();
}

/**
 * Moves a job past a slot, only if nobody did meanwhile (compare-and-set on the
 * slot it was due at): true when this caller moved it. A second process, or the
 * same slot seen again after a restart, finds it moved and does nothing.
 */
export async function advanceJob(
  db: Kysely<Database>,
  job: { id: number; dueAt: number },
  to: { next: number | null; slot: number; outcome: 'ran' | 'skipped' | 'failed'; at: number; ran: boolean },
): Promise<boolean> {
  const result = await db
    .updateTable('scheduled_job')
    .set((eb) => ({
      next_run_at: to.next ?? Number.MAX_SAFE_INTEGER,
      enabled: to.next === null ? 0 : 1,
      last_slot_at: to.slot,
      last_run_at: to.at,
      last_outcome: to.outcome,
      runs: to.ran ? eb('runs', '+', 1) : eb.ref('runs'),
    }))
    .where('id', '=', job.id)
    .where('next_run_at', '=', job.dueAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Moves a job's next slot back (the clock went back), if it is still where it was seen. */
export async function rewindJob(db: Kysely<Database>, job: { id: number; dueAt: number }, next: number): Promise<void> {
  await db.updateTable('scheduled_job').set({ next_run_at: next }).where('id', '=', job.id).where('next_run_at', '=', job.dueAt).execute();
}

/** A workspace's jobs as the CLI and API show them. */
export async function listJobs(db: Kysely<Database>, workspaceId: number) {
  const rows = await db.selectFrom('scheduled_job').selectAll().where('workspace_id', '=', workspaceId).orderBy('next_run_at').orderBy('id').execute();
  return rows.map((r) => ({
    key: r.job_key,
    kind: r.kind,
    groupId: r.group_id,
    cron: r.cron,
    timezone: r.timezone,
    missed: r.missed,
    enabled: r.enabled === 1,
    nextRunAt: r.enabled === 1 ? new Date(Number(r.next_run_at)).toISOString() : null,
    lastSlotAt: r.last_slot_at === null ? null : new Date(Number(r.last_slot_at)).toISOString(),
    lastOutcome: r.last_outcome,
    runs: r.runs,
  }));
}
