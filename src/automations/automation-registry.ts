import type { Kysely, Transaction } from 'kysely';
import type { AutomationContext, RuleProblem } from '../core/automation-context.js';
import { UNRESTRICTED, type PlatformTraits } from '../core/capabilities.js';
import { Composer, type Middleware } from '../core/composer.js';
import type { Database } from '../store/schema.js';
import { buildAutomation } from './automation-catalog.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A rule threw: which rule, on which event. The event itself is still stored and counted. */
export class AutomationError extends Error {
  override readonly name = 'AutomationError';
  constructor(
    readonly automationId: number,
    readonly kind: string,
    readonly dedupKey: string,
    override readonly cause: unknown,
  ) {
    super(`automation ${kind}#${automationId} failed on event ${dedupKey}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * A rule planned an action that cannot be sent, or one its platform cannot do and a
 * fallback replaced: reported like a failure, against the rule and the event.
 */
export class RuleProblemError extends AutomationError {
  constructor(readonly problem: RuleProblem) {
    super(problem.automationId, problem.kind, problem.dedupKey, new Error(problem.reason));
    this.message = `automation ${problem.kind}#${problem.automationId} on event ${problem.dedupKey}: ${problem.problem === 'invalid' ? 'action not planned' : 'fallback planned'}: ${problem.reason}`;
  }
}

/** How often the same problem (one automation, one reason) is reported to the log: once a minute. */
const REPORT_EVERY_MS = 60_000;

/**
 * The automations that apply to each group (the workspace's own plus the group's),
 * built once into a pipeline and cached until `invalidate()`. Each automation runs
 * isolated: one that throws is reported and the rest still run.
 */
export class AutomationRegistry {
  #pipelines = new Map<number, { pipeline: Middleware; builtAt: number }>();
  #reported = new Map<string, number>();

  /**
   * @param maxAgeMs how long a built pipeline is used before it is read again: a change
   *   made through another process (the CLI, another worker) takes effect within it.
   * @param traitsOf what each platform can do and its text limit, by platform name
   *   (the platform modules' declarations); the default lets every platform do everything.
   */
  constructor(
    private readonly onError: (error: AutomationError) => void,
    private readonly maxAgeMs = 30_000,
    readonly traitsOf: (platform: string) => PlatformTraits = () => UNRESTRICTED,
  ) {}

  /**
   * Reports rule problems to `onError`, each (automation, reason) at most once a minute
   * per process: a broken rule firing on every message does not flood the log. Ingest
   * stores every one (counted) in `automation_problem`.
   */
  report(problems: readonly RuleProblem[]): void {
    const now = Date.now();
    for (const problem of problems) {
      const key = `${problem.automationId}|${problem.reason}`;
      const last = this.#reported.get(key);
      if (last !== undefined && now - last < REPORT_EVERY_MS) continue;
      if (this.#reported.size > 10_000) this.#reported.clear();
      this.#reported.set(key, now);
      this.onError(new RuleProblemError(problem));
    }
  }

  invalidate(): void {
    this.#pipelines.clear();
  }

  async pipelineFor(db: Db, workspaceId: number, groupId: number): Promise<Middleware> {
    const cached = this.#pipelines.get(groupId);
    if (cached && Date.now() - cached.builtAt < this.maxAgeMs) return cached.pipeline;
    const rows = await db
      .selectFrom('automation')
      .select(['id', 'kind', 'config', 'group_id', 'enabled'])
      .where('workspace_id', '=', workspaceId)
      .where((eb) => eb.or([eb('group_id', 'is', null), eb('group_id', '=', groupId)]))
      .orderBy('id')
      .execute();
    const composer = new Composer<AutomationContext>();
    for (const row of rows) {
      // A group's own automation of a kind replaces the workspace-wide one, even switched off:
      // switching off a group's welcome means no welcome there.
      if (row.group_id === null && rows.some((r) => r.group_id === groupId && r.kind === row.kind)) continue;
      if (row.enabled !== 1) continue;
      const rule = buildAutomation(row.kind, JSON.parse(row.config));
      const source = { automationId: row.id, kind: row.kind };
      composer.use((ctx, next) => {
        try {
          ctx.runRule(source, () => rule(ctx, () => {}));
        } catch (error) {
          this.onError(new AutomationError(row.id, row.kind, ctx.event.dedupKey, error));
        }
        next();
      });
    }
    const pipeline = composer.middleware();
    this.#pipelines.set(groupId, { pipeline, builtAt: Date.now() });
    return pipeline;
  }
}
