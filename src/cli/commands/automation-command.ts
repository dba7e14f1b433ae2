import type { Command } from 'commander';
import { recordAudit, SYSTEM_ACTOR } from '../../audit/audit-log.js';
import { InvalidAutomationError } from '../../automations/automation-catalog.js';
import { addAutomation, getAutomation, listAutomations, removeAutomation, updateAutomation, type AutomationInfo } from '../../automations/automation-store.js';
import type { HearthRuntime } from '../../runtime/hearth-runtime.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { findGroup } from '../../store/groups.js';
import { UsageError, printJsonLine, withRuntime } from '../cli-context.js';

function parseConfig(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new UsageError(`--config takes JSON, e.g. '{"template":"Welcome {name} to {group}!"}', not ${JSON.stringify(json)}`);
  }
}

/** Runs a change on one automation of the workspace, audited as done from the CLI. */
async function change(workspaceRef: string | undefined, idText: string, action: string, work: (runtime: HearthRuntime, id: number) => Promise<AutomationInfo | void>): Promise<AutomationInfo | void> {
  if (!/^\d+$/.test(idText)) throw new UsageError(`an automation id is a number, not ${JSON.stringify(idText)}`);
  return withRuntime(async (runtime) => {
    const { db } = runtime.store;
    const workspace = await resolveWorkspace(db, workspaceRef);
    const before = await getAutomation(db, Number(idText));
    if (before.workspaceId !== workspace.id) throw new UsageError(`no automation ${idText} in workspace ${workspace.slug}`);
    const after = await work(runtime, before.id).catch((error) => {
      throw error instanceof InvalidAutomationError ? new UsageError(error.message) : error;
    });
    await recordAudit(
      db,
      {
        workspaceId: workspace.id,
        actor: SYSTEM_ACTOR('cli'),
        action,
        target: { kind: 'automation', id: before.id },
        detail: { kind: before.kind, before: before.config, after: after?.config ?? null },
      },
      Date.now(),
    );
    return after;
  });
}

/**
 * `hearth automation …`: the welcome message and keyword replies of a workspace or one
 * group. Running servers pick changes up within half a minute.
 */
export function registerAutomationCommand(program: Command): void {
  const automation = program.command('automation').description('automations: the welcome message, keyword replies').option('-w, --workspace <slug>', 'workspace (default: the first one)');
  const ws = (cmd: Command) => cmd.optsWithGlobals<{ workspace?: string }>().workspace;

  automation
    .command('list')
    .description("the workspace's automations (JSON lines)")
    .action(async (_opts: unknown, cmd: Command) => {
      const all = await withRuntime(async (runtime) => listAutomations(runtime.store.db, (await resolveWorkspace(runtime.store.db, ws(cmd))).id));
      all.forEach(printJsonLine);
    });

  automation
    .command('add <kind>')
    .description('add an automation: welcome or keyword-reply')
    .requiredOption('--config <json>', 'its settings, e.g. \'{"template":"Welcome {name} to {group}!","delaySeconds":30}\'')
    .option('-g, --group <id|name>', 'only in this group (default: every group of the workspace)')
    .action(async (kind: string, opts: { config: string; group?: string }, cmd: Command) => {
      const config = parseConfig(opts.config);
      const added = await withRuntime(async (runtime) => {
        const { db } = runtime.store;
        const workspace = await resolveWorkspace(db, ws(cmd));
        const groupId = opts.group ? (await findGroup(db, workspace.id, opts.group)).id : null;
        const id = await addAutomation(db, { workspaceId: workspace.id, groupId, kind, config }).catch((error) => {
          throw error instanceof InvalidAutomationError ? new UsageError(error.message) : error;
        });
        const info = await getAutomation(db, id);
        await recordAudit(db, { workspaceId: workspace.id, actor: SYSTEM_ACTOR('cli'), action: 'automation.added', target: { kind: 'automation', id }, detail: { kind, groupId, config } }, Date.now());
        return info;
      });
      printJsonLine(added);
    });

  automation
    .command('set <id>')
    .description("change an automation's settings")
    .requiredOption('--config <json>', 'the new settings')
    .action(async (id: string, opts: { config: string }, cmd: Command) => {
      const config = parseConfig(opts.config);
      printJsonLine(await change(ws(cmd), id, 'automation.changed', (runtime, n) => updateAutomation(runtime.store.db, n, { config })));
    });

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    automation
      .command(`${verb} <id>`)
      .description(`switch an automation ${enabled ? 'on' : 'off'} (a group's own, switched off, means none there)`)
      .action(async (id: string, _opts: unknown, cmd: Command) => {
        printJsonLine(await change(ws(cmd), id, 'automation.changed', (runtime, n) => updateAutomation(runtime.store.db, n, { enabled })));
      });
  }

  automation
    .command('remove <id>')
    .description('remove an automation')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      await change(ws(cmd), id, 'automation.removed', (runtime, n) => removeAutomation(runtime.store.db, n));
      printJsonLine({ removed: Number(id) });
    });
}
