import type { Kysely, Transaction } from 'kysely';
import type { RuleProblem } from '../core/automation-context.js';
import type { RuleProblemInfo } from '../shared/api-records.js';
import type { Database } from '../store/schema.js';

export type { RuleProblemInfo };

type Db = Kysely<Database> | Transaction<Database>;

const DETAIL_MAX = 500;
const REASON_MAX = 500;

/**
 * Stores the problems rules had in one ingest batch, in the batch's transaction: one
 * row per (workspace, automation, reason), its count raised and its last event moved
 * on. A rule that breaks on 10,000 events is one row with count 10,000, so the table
 * stays as small as the number of distinct mistakes.
 */
export async function recordRuleProblems(db: Db, workspaceId: number, problems: readonly RuleProblem[]): Promise<void> {
  if (problems.length === 0) return;
  const byKey = new Map<string, { first: RuleProblem; last: RuleProblem; count: number }>();
  for (const p of problems) {
    const key = `${p.automationId}|${p.reason}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { first: p, last: p, count: 1 });
    else {
      seen.count++;
      if (p.at >= seen.last.at) seen.last = p;
      if (p.at < seen.first.at) seen.first = p;
    }
  }
  const rows = [...byKey.values()].map(({ first, last, count }) => ({
    workspace_id: workspaceId,
    automation_id: last.automationId,
    kind: last.kind,
    problem: last.problem,
    reason: last.reason.slice(0, REASON_MAX),
    detail: last.detail === null ? null : last.detail.slice(0, DETAIL_MAX),
    count,
    first_seen_at: first.at,
    last_seen_at: last.at,
    last_event_key: last.dedupKey,
    last_group_id: last.groupId,
  }));
  await db
    .insertInto('automation_problem')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'automation_id', 'reason']).doUpdateSet((eb) => ({
        count: eb('automation_problem.count', '+', eb.ref('excluded.count')),
        detail: eb.ref('excluded.detail'),
        last_seen_at: eb.ref('excluded.last_seen_at'),
        last_event_key: eb.ref('excluded.last_event_key'),
        last_group_id: eb.ref('excluded.last_group_id'),
      })),
    )
    .execute();
}

/**
 * The workspace's rule problems, most recent first. `groupIds` limits them to the
 * problems last seen in those groups (an operator assigned to some groups); null: all.
 */
export async function listRuleProblems(db: Db, workspaceId: number, options: { groupIds?: number[] | null; limit?: number } = {}): Promise<RuleProblemInfo[]> {
  if (options.groupIds && options.groupIds.length === 0) return [];
  let query = db
    .selectFrom('automation_problem as p')
    .leftJoin('automation as a', 'a.id', 'p.automation_id')
    .select(['p.id', 'p.automation_id', 'p.kind', 'a.id as existing', 'p.problem', 'p.reason', 'p.detail', 'p.count', 'p.first_seen_at', 'p.last_seen_at', 'p.last_event_key', 'p.last_group_id'])
    .where('p.workspace_id', '=', workspaceId);
  if (options.groupIds) query = query.where('p.last_group_id', 'in', options.groupIds);
  const rows = await query
    .orderBy('p.last_seen_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(options.limit ?? 200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    automationId: r.automation_id,
    kind: r.kind,
    automationExists: r.existing !== null,
    problem: r.problem,
    reason: r.reason,
    detail: r.detail,
    count: Number(r.count),
    firstSeenAt: new Date(Number(r.first_seen_at)).toISOString(),
    lastSeenAt: new Date(Number(r.last_seen_at)).toISOString(),
    lastEventKey: r.last_event_key,
    lastGroupId: r.last_group_id,
  }));
}
