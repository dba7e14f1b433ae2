import type { Command } from 'commander';
import { chainCsv, chainJson, chainText } from '../../conversion/chains/chain-export.js';
import { closeChain, getChain, startChain } from '../../conversion/chains/chain-store.js';
import { StoredSandboxClock } from '../../platforms/sandbox/stored-clock.js';
import type { HearthRuntime } from '../../runtime/hearth-runtime.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { findGroup } from '../../store/groups.js';
import { UsageError, parseTime, printJsonLine, withRuntime } from '../cli-context.js';

interface Common {
  workspace?: string;
}

function chainId(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`a chain id is a number, not ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * Runs a chain operation. Its time is the sandbox's stored clock (the one `hearth sandbox`
 * members speak on), which runs with the wall clock unless the sandbox was moved; the
 * list posts it plans are sent before it returns.
 */
async function withChains<T>(options: Common, work: (runtime: HearthRuntime, workspaceId: number, now: number) => Promise<T>): Promise<T> {
  let clock: StoredSandboxClock | undefined;
  return withRuntime(
    async (runtime) => {
      clock = await StoredSandboxClock.load(runtime.sandbox.world);
      const workspace = await resolveWorkspace(runtime.store.db, options.workspace);
      const result = await work(runtime, workspace.id, clock.now());
      await runtime.dispatcher.runDue();
      return result;
    },
    { clock: () => clock?.now() ?? Date.now() },
  );
}

/** `hearth chain`: chain sign-ups (接龙) in a group. */
export function registerChainCommand(program: Command): void {
  const chain = program
    .command('chain')
    .description('chain sign-ups (接龙): a list members join by message ("+1", "+1 ×2 note", "-1")')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');
  const common = (cmd: Command): Common => cmd.optsWithGlobals();

  chain
    .command('start <group> <title>')
    .description("start a chain in a group and post its list; prints the chain's id last")
    .option('--quota <n>', 'units on offer: the chain closes when they are taken')
    .option('--until <iso-time>', 'close the chain at this time')
    .option('--lang <zh|en>', "the bot's language in the chain (default: Chinese for a group or title written in Chinese)")
    .action(async (groupRef: string, title: string, opts: { quota?: string; until?: string; lang?: string }, cmd: Command) => {
      if (opts.quota !== undefined && !/^\d+$/.test(opts.quota.trim())) throw new UsageError(`--quota takes a whole number, not ${JSON.stringify(opts.quota)}`);
      if (opts.lang !== undefined && opts.lang !== 'zh' && opts.lang !== 'en') throw new UsageError(`--lang is zh or en, not ${JSON.stringify(opts.lang)}`);
      const deadline = opts.until !== undefined ? parseTime(opts.until, '--until') : null;
      const started = await withChains(common(cmd), async (runtime, workspaceId, now) => {
        const group = await findGroup(runtime.store.db, workspaceId, groupRef);
        return startChain(
          runtime.store.db,
          {
            workspaceId,
            groupId: group.id,
            title,
            quota: opts.quota !== undefined ? Number(opts.quota) : null,
            deadline,
            ...(opts.lang ? { language: opts.lang as 'zh' | 'en' } : {}),
            createdBy: 'cli',
          },
          now,
        );
      });
      process.stdout.write(`started chain ${started.title} in group ${started.groupId}: ${started.id}\n`);
    });

  chain
    .command('show <id>')
    .description('a chain and its entries in order')
    .option('--json', 'as JSON: {id, title, quota, closed, entries: [{member, quantity, note}]}')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const view = await withChains(common(cmd), (runtime, workspaceId, now) => getChain(runtime.store.db, workspaceId, chainId(id), now));
      if (opts.json) return printJsonLine(chainJson(view));
      const count = view.quota === null ? `${view.taken}` : `${view.taken}/${view.quota}`;
      process.stdout.write(`${view.title} (${count}${view.closed ? `, closed: ${view.closeReason}` : ', open'})\n${chainText(view)}${view.entries.length > 0 ? '\n' : ''}`);
    });

  chain
    .command('close <id>')
    .description('close a chain now and post its final list')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const view = await withChains(common(cmd), (runtime, workspaceId, now) => closeChain(runtime.store.db, workspaceId, chainId(id), now));
      printJsonLine(chainJson(view));
    });

  chain
    .command('export <id>')
    .description("a chain's entries: numbered lines, or CSV")
    .option('--csv', 'CSV (UTF-8 with a BOM), one row per entry and the total')
    .action(async (id: string, opts: { csv?: boolean }, cmd: Command) => {
      const view = await withChains(common(cmd), (runtime, workspaceId, now) => getChain(runtime.store.db, workspaceId, chainId(id), now));
      process.stdout.write(opts.csv ? chainCsv(view) : `${chainText(view)}\n`);
    });
}
