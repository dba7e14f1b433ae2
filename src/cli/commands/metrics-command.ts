import type { Command } from 'commander';
import { metricsReport } from '../../analytics/metrics-report.js';
import { findGroup } from '../../store/groups.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { UsageError, withRuntime } from '../cli-context.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function registerMetricsCommand(program: Command): void {
  program
    .command('metrics')
    .description(
      'per-group figures: messages, senders, joins, leaves, replies, reactions, active and weekly active days, questions and first response, longest silence, top-20% share, life-cycle stage and health score (docs/metrics.md)',
    )
    .option('-w, --workspace <slug>', 'workspace (default: the first one)')
    .option('-g, --group <id|name>', 'one group')
    .option('--from <date>', "first day (YYYY-MM-DD, in each group's time zone)")
    .option('--to <date>', 'last day (YYYY-MM-DD)')
    .option('--json', 'print JSON')
    .action(async (opts: { workspace?: string; group?: string; from?: string; to?: string; json?: boolean }) => {
      for (const [name, value] of [
        ['--from', opts.from],
        ['--to', opts.to],
      ] as const) {
        if (value !== undefined && !DAY.test(value)) throw new UsageError(`${name} takes a date like 2026-03-01, not ${JSON.stringify(value)}`);
      }
      const groups = await withRuntime(async (runtime) => {
        const workspace = await resolveWorkspace(runtime.store.db, opts.workspace);
        const groupIds = opts.group ? [(await findGroup(runtime.store.db, workspace.id, opts.group)).id] : undefined;
        return metricsReport(runtime.store.db, {
          workspaceId: workspace.id,
          ...(groupIds ? { groupIds } : {}),
          ...(opts.from ? { from: opts.from } : {}),
          ...(opts.to ? { to: opts.to } : {}),
          now: runtime.clock(),
        });
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ groups }, null, 2)}\n`);
        return;
      }
      console.table(
        groups.map((g) => ({
          id: g.id,
          name: g.name,
          messages: g.messages,
          senders: g.senders,
          joins: g.joins,
          leaves: g.leaves,
          activeDays: g.activeDays,
          silenceH: g.longestSilenceHours,
          top20: g.top20Share,
          weekDays: g.weeklyActiveDays,
          stage: g.lifecycleStage,
          health: g.healthScore,
        })),
      );
    });
}
