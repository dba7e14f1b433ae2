import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { decide } from './cron-schedule.js';
import { advanceJob, enabledJobs, rewindJob, type JobRow } from './job-store.js';

/** What a job's handler gets: the slot it runs for is its idempotency key (a restart may run the same slot again). */
export interface JobRun {
  db: Kysely<Database>;
  job: JobRow;
  /** The slot this run is for (epoch ms): effects keyed by it are made once. */
  slot: number;
  /** The scheduler's clock at this run. */
  now: number;
}

export type JobHandler = (run: JobRun) => Promise<void>;

/** Declares the jobs a capability needs (run before each pass; must be idempotent). */
export type JobDeclarer = (db: Kysely<Database>, now: number) => Promise<void>;

export interface SchedulerReport {
  ran: { key: string; kind: string; slot: string; outcome: 'ran' | 'skipped' | 'failed'; error?: string }[];
  /** When the soonest job is due next (epoch ms), or null with no jobs. */
  nextDueAt: number | null;
}

/**
 * The persisted scheduler: jobs live in `scheduled_job` with a cron pattern read in
 * their own time zone; a pass runs every job due on this scheduler's clock (the
 * sandbox's in `hearth sandbox tick`, the wall clock in `hearth serve`). A run's
 * effects are keyed by its slot and the job is moved past the slot afterwards by a
 * compare-and-set, so a crash mid-run repeats the slot's idempotent work and never
 * a post, and two processes never both move it; a slot missed while nothing ran
 * runs once on start, or is skipped, as the job's policy says. In scale mode only
 * the leader (src/scheduler/leader-lease.ts) runs passes.
 */
export class Scheduler {
  readonly #handlers = new Map<string, JobHandler>();
  readonly #declarers: JobDeclarer[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => number,
    private readonly onError: (error: unknown, job: JobRow) => void = () => {},
  ) {}

  /** The handler for a kind of job. */
  handle(kind: string, handler: JobHandler): this {
    this.#handlers.set(kind, handler);
    return this;
  }

  /** A capability's jobs, declared before each pass (new workspaces get theirs). */
  declare(declarer: JobDeclarer): this {
    this.#declarers.push(declarer);
    return this;
  }

  /** Runs every job due now, each once; reports what ran and when the next is due. */
  async runDue(): Promise<SchedulerReport> {
    const now = this.clock();
    for (const declare of this.#declarers) await declare(this.db, now);
    const ran: SchedulerReport['ran'] = [];
    let nextDueAt: number | null = null;
    const soonest = (at: number | null) => {
      if (at !== null && at !== Number.MAX_SAFE_INTEGER) nextDueAt = nextDueAt === null ? at : Math.min(nextDueAt, at);
    };
    for (const job of await enabledJobs(this.db)) {
      const dueAt = Number(job.next_run_at);
      const step = decide({ cron: job.cron, timezone: job.timezone, missed: job.missed, nextRunAt: dueAt }, now);
      if (step.action === 'wait') {
        if (step.next !== null && step.next !== dueAt) await rewindJob(this.db, { id: job.id, dueAt }, step.next);
        soonest(step.next);
        continue;
      }
      let outcome: 'ran' | 'skipped' | 'failed' = step.action === 'skip' ? 'skipped' : 'ran';
      let error: string | undefined;
      const handler = this.#handlers.get(job.kind);
      if (step.action === 'run') {
        try {
          if (!handler) throw new Error(`no handler for jobs of kind ${job.kind}`);
          await handler({ db: this.db, job, slot: step.slot, now });
        } catch (failure) {
          outcome = 'failed';
          error = failure instanceof Error ? failure.message : String(failure);
          this.onError(failure, job);
        }
      }
      const moved = await advanceJob(this.db, { id: job.id, dueAt }, { next: step.next, slot: step.slot, outcome, at: now, ran: outcome === 'ran' });
      if (moved) ran.push({ key: job.job_key, kind: job.kind, slot: new Date(step.slot).toISOString(), outcome, ...(error ? { error } : {}) });
      soonest(step.next);
    }
    return { ran, nextDueAt };
  }
}
