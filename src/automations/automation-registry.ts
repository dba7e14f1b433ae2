import type { Kysely, Transaction } from 'kysely';
import type { AutomationContext, RuleProblem, RuleSource } from '../core/automation-context.js';
import { UNRESTRICTED, type PlatformTraits } from '../core/capabilities.js';
import type { Middleware } from '../core/composer.js';
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
    const rules: { rule: Middleware; source: RuleSource }[] = [];
    for (const row of rows) {
      // A group's own automation of a kind replaces the workspace-wide one, even switched off:
      // switching off a group's welcome means no welcome there.
      if (row.group_id === null && rows.some((r) => r.group_id === groupId && r.kind === row.kind)) continue;
      if (row.enabled !== 1) continue;
      rules.push({ rule: buildAutomation(row.kind, JSON.parse(row.config)), source: { automationId: row.id, kind: row.kind } });
    }
    const pipeline = this.#pipelineOf(rules);
    this.#pipelines.set(groupId, { pipeline, builtAt: Date.now() });
    return pipeline;
  }

  /**
   * The rules in order, each isolated: one that throws is reported and the next runs.
   * One loop, not a composed chain: every event (a reaction too) passes every rule, and
   * a chain allocated a `next` closure and a `runRule` closure per rule and event. Each
   * rule is still told against its source (`ctx.runRule`) and handed a `next` it may call.
   */
  #pipelineOf(rules: readonly { rule: Middleware; source: RuleSource }[]): Middleware {
    const onError = this.onError;
    const run = (ctx: AutomationContext, rule: Middleware) => rule(ctx, pass);
    return (ctx, next) => {
      for (let i = 0; i < rules.length; i++) {
        const { rule, source } = rules[i]!;
        try {
          ctx.runRule(source, run, rule);
        } catch (error) {
          onError(new AutomationError(source.automationId, source.kind, ctx.event.dedupKey, error));
        }
      }
      next();
    };
  }
}

const pass = () => {};
