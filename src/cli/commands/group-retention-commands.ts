import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { SYSTEM_ACTOR } from '../../audit/audit-log.js';
import { dayIn } from '../../core/calendar.js';
import { type CleanupCriteria, DEFAULT_CLEANUP_CRITERIA } from '../../health/cleanup-list.js';
import { applyCleanupAction, groupCleanup, NotOnCleanupListError } from '../../health/cleanup-queries.js';
import { groupCohorts } from '../../health/cohort-queries.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { findGroup } from '../../store/groups.js';
import type { Database } from '../../store/schema.js';
import { printJsonLine, UsageError, withRuntime } from '../cli-context.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function whole(value: string, option: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`${option} takes a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return n;
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** Members by id or exact name among those in the group now; an unknown or ambiguous name is a usage error. */
async function membersIn(db: Kysely<Database>, groupId: number, refs: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const ref of refs) {
    if (/^\d+$/.test(ref)) {
      ids.push(Number(ref));
      continue;
    }
    const found = await db
      .selectFrom('membership as s')
      .innerJoin('member as m', 'm.id', 's.member_id')
      .select('m.id')
      .distinct()
      .where('s.group_id', '=', groupId)
      .where('s.left_at', 'is', null)
      .where('m.display_name', '=', ref)
      .execute();
    if (found.length === 0) throw new UsageError(`no member named ${JSON.stringify(ref)} is in this group`);
    if (found.length > 1) throw new UsageError(`${found.length} members are named ${JSON.stringify(ref)}: give the id (${found.map((m) => m.id).join(', ')})`);
    ids.push(found[0]!.id);
  }
  return ids;
}

/**
 * `hearth group cohorts <group>` (retention by join week, or by week and channel, and
 * churn) and `hearth group cleanup <group>` (the reviewable list; `--remove` or
 * `--dismiss` acts on listed members). Definitions: docs/metrics.md.
 */
export function registerGroupRetentionCommands(group: Command, ws: (cmd: Command) => string | undefined): void {
  group
    .command('cohorts <group>')
    .description("a group's retention cohorts by ISO join week: per week since joining, the share still in the group and the share who spoke; churn per week (docs/metrics.md)")
    .option('--weeks <n>', 'join weeks shown, ending with the current one (1–52)', '12')
    .option('--by <split>', 'week, or channel (each week split by the channel of the code joined through)', 'week')
    .option('--to <date>', "the day judged (YYYY-MM-DD, the group's time zone; default today)")
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { weeks: string; by: string; to?: string; json?: boolean }, cmd: Command) => {
      const weeks = whole(opts.weeks, '--weeks', 1, 52);
      if (opts.by !== 'week' && opts.by !== 'channel') throw new UsageError(`--by takes week or channel, not ${JSON.stringify(opts.by)}`);
      if (opts.to !== undefined && (!DAY.test(opts.to) || Number.isNaN(Date.parse(`${opts.to}T00:00:00Z`)))) throw new UsageError(`--to takes a date like 2026-03-01, not ${JSON.stringify(opts.to)}`);
      const by = opts.by;
      const table = await withRuntime(async (runtime) => {
        const { db } = runtime.store;
        const g = await findGroup(db, (await resolveWorkspace(db, ws(cmd))).id, ref);
        return { group: { id: g.id, name: g.name, timezone: g.timezone }, ...(await groupCohorts(db, g, { asOf: opts.to ?? dayIn(g.timezone, runtime.clock()), weeks, by })) };
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(table, null, 2)}\n`);
        return;
      }
      console.log(`${table.group.name}: retention by join week as of ${table.asOf} (in the group at each week's end / spoke that week)`);
      if (table.cohorts.length === 0) console.log('no one joined in these weeks');
      else {
        console.table(
          table.cohorts.map((c) => ({
            week: c.week,
            ...(by === 'channel' ? { channel: c.channel ?? '(none)' } : {}),
            joined: c.size,
            ...Object.fromEntries(c.cells.map((cell) => [`+${cell.week}`, `${percent(cell.retainedShare)} / ${percent(cell.activeShare)}`])),
          })),
        );
      }
      console.log('churn per week');
      console.table(table.churn.map((w) => ({ week: w.week, members: w.members, joins: w.joins, leaves: w.leaves, churned: w.churned, churn: percent(w.churn) })));
    });

  group
    .command('cleanup <group>')
    .description(
      "a group's reviewable cleanup list: ad suspects, repeated rule breakers, members silent for three months (staff never listed); --remove or --dismiss acts on listed members (docs/metrics.md)",
    )
    .option('--silent-days <n>', 'silent: no message for at least this many days', String(DEFAULT_CLEANUP_CRITERIA.silentDays))
    .option('--period-days <n>', 'rule breakers and ad suspects: days looked back', String(DEFAULT_CLEANUP_CRITERIA.periodDays))
    .option('--min-enforcements <n>', 'rule breaker: at least this many enforcements in the period', String(DEFAULT_CLEANUP_CRITERIA.minEnforcements))
    .option('--min-spam-hits <n>', 'ad suspect: at least this many queued messages in the period', String(DEFAULT_CLEANUP_CRITERIA.minSpamHits))
    .option('--remove <members>', 'remove these listed members (ids or names, comma-separated) through the outbox')
    .option('--dismiss <members>', 'keep these listed members off the list for 90 days')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { silentDays: string; periodDays: string; minEnforcements: string; minSpamHits: string; remove?: string; dismiss?: string; json?: boolean }, cmd: Command) => {
      const criteria: CleanupCriteria = {
        silentDays: whole(opts.silentDays, '--silent-days', 1, 3650),
        periodDays: whole(opts.periodDays, '--period-days', 1, 3650),
        minEnforcements: whole(opts.minEnforcements, '--min-enforcements', 1, 1000),
        minSpamHits: whole(opts.minSpamHits, '--min-spam-hits', 1, 1000),
      };
      if (opts.remove !== undefined && opts.dismiss !== undefined) throw new UsageError('give --remove or --dismiss, not both');
      const chosen = opts.remove ?? opts.dismiss;
      const refs = chosen
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (chosen !== undefined && refs!.length === 0) throw new UsageError(`--${opts.remove !== undefined ? 'remove' : 'dismiss'} takes members (ids or names, comma-separated)`);
      const result = await withRuntime(async (runtime) => {
        const { db } = runtime.store;
        const g = await findGroup(db, (await resolveWorkspace(db, ws(cmd))).id, ref);
        const now = runtime.clock();
        if (refs === undefined) return { kind: 'list' as const, group: { id: g.id, name: g.name }, ...(await groupCleanup(db, g, now, criteria, 1000)) };
        const memberIds = await membersIn(db, g.id, refs);
        const outcomes = await applyCleanupAction(
          db,
          g,
          { memberIds, action: opts.remove !== undefined ? 'remove' : 'dismiss', criteria },
          { actor: SYSTEM_ACTOR('cli'), now, traitsOf: (p) => runtime.automations.traitsOf(p) },
        ).catch((error) => {
          throw error instanceof NotOnCleanupListError ? new UsageError(error.message) : error;
        });
        return { kind: 'acted' as const, outcomes };
      });
      if (result.kind === 'acted') {
        if (opts.json) process.stdout.write(`${JSON.stringify({ outcomes: result.outcomes }, null, 2)}\n`);
        else result.outcomes.forEach(printJsonLine);
        return;
      }
      const { kind: _kind, ...list } = result;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      console.log(`${list.group.name}: ${list.total} to review (ad suspects ${list.counts.adSuspect}, rule breakers ${list.counts.ruleBreaker}, silent ${list.counts.silent})`);
      if (list.entries.length > 0) {
        console.table(
          list.entries.map((e) => ({
            id: e.memberId,
            name: e.displayName,
            reasons: e.reasons.join(', '),
            spamHits: e.evidence.adSuspect?.spamHits ?? '',
            enforcements: e.evidence.ruleBreaker?.enforcements ?? '',
            silentDays: e.evidence.silent?.days ?? '',
          })),
        );
      }
    });
}
