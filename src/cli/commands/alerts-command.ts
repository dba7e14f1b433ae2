import type { Command } from 'commander';
import { listAlerts } from '../../alerts/alert-store.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { findGroup } from '../../store/groups.js';
import { withRuntime } from '../cli-context.js';

/** `hearth alerts`: what needs an operator's eye (silence today), newest first. */
export function registerAlertsCommand(program: Command): void {
  program
    .command('alerts')
    .description('list alerts (silence…), newest first')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)')
    .option('--group <group>', 'only this group (id or exact name)')
    .option('--kind <kind>', 'only this kind of alert (silence…)')
    .option('--json', 'print {"alerts":[{kind, groupId, at, detail}]}')
    .action(async (opts: { workspace?: string; group?: string; kind?: string; json?: boolean }) => {
      const alerts = await withRuntime(async (runtime) => {
        const { db } = runtime.store;
        const workspace = await resolveWorkspace(db, opts.workspace);
        const group = opts.group === undefined ? undefined : await findGroup(db, workspace.id, opts.group);
        return listAlerts(db, { workspaceId: workspace.id, ...(group ? { group: group.id } : {}), ...(opts.kind ? { kind: opts.kind } : {}), limit: 1000 });
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ alerts })}\n`);
        return;
      }
      if (alerts.length === 0) process.stdout.write('no alerts\n');
      for (const a of alerts) {
        const minutes = typeof a.detail.silentMinutes === 'number' ? ` silent ${Math.floor(a.detail.silentMinutes / 60)} h ${a.detail.silentMinutes % 60} min` : '';
        process.stdout.write(`${a.at}  ${a.kind}  group ${a.groupId ?? '-'} (${a.groupName ?? '-'})${minutes}\n`);
      }
    });
}
