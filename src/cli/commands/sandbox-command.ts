import type { Command } from 'commander';
import { StoredSandboxClock } from '../../platforms/sandbox/stored-clock.js';
import { SandboxService, type SandboxClock } from '../../runtime/sandbox-service.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { parseTime, printJsonLine, withRuntime } from '../cli-context.js';

interface Common {
  workspace?: string;
}

/** Runs one sandbox operation on the sandbox's stored clock, in process, through the whole pipeline. */
async function withSandbox<T>(options: Common, work: (sandbox: SandboxService) => Promise<T>): Promise<T> {
  let clock: SandboxClock | undefined;
  return withRuntime(
    async (runtime) => {
      clock = await StoredSandboxClock.load(runtime.sandbox.world);
      const workspace = await resolveWorkspace(runtime.store.db, options.workspace);
      return work(new SandboxService(runtime, workspace.id, clock));
    },
    { clock: () => clock?.now() ?? Date.now() },
  );
}

const printAll = (lines: unknown[]) => lines.forEach(printJsonLine);

export function registerSandboxCommand(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description('drive the built-in sandbox platform: act as members and see what the bot does (JSON lines)')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');
  const common = (cmd: Command): Common => cmd.optsWithGlobals();

  const group = sandbox.command('group').description('sandbox groups');
  group
    .command('add <name>')
    .description('create a sandbox group; prints its id')
    .option('--type <type>', 'group type: interest, resource, consultant, industry, product, knowledge…')
    .option('--tz <zone>', "the group's time zone (IANA name)", 'UTC')
    .action(async (name: string, opts: { type?: string; tz: string }, cmd: Command) => {
      const created = await withSandbox(common(cmd), (s) => s.addGroup(name, { timezone: opts.tz, type: opts.type ?? null }));
      process.stdout.write(`${created.id}\n`);
    });
  group
    .command('list')
    .description('list sandbox groups (JSON lines)')
    .action(async (_opts: unknown, cmd: Command) => {
      const groups = await withSandbox(common(cmd), (s) => s.groups());
      printAll(groups.map((g) => ({ id: g.id, name: g.name, room: g.external_id, timezone: g.timezone })));
    });

  sandbox
    .command('say <group> <member> <text...>')
    .description('a member says something in a group')
    .option('--at <iso-time>', 'when it happens on the sandbox clock')
    .action(async (groupRef: string, member: string, text: string[], opts: { at?: string }, cmd: Command) => {
      printAll(await withSandbox(common(cmd), (s) => s.say(groupRef, member, text.join(' '), opts.at ? parseTime(opts.at, '--at') : undefined)));
    });
  sandbox
    .command('join <group> <member>')
    .description('a member joins a group (by link, or --code)')
    .option('--at <iso-time>', 'when it happens on the sandbox clock')
    .option('--code <code>', 'the invitation code or link name used')
    .action(async (groupRef: string, member: string, opts: { at?: string; code?: string }, cmd: Command) => {
      const at = opts.at ? parseTime(opts.at, '--at') : undefined;
      printAll(await withSandbox(common(cmd), (s) => s.join(groupRef, member, { ...(at !== undefined ? { at } : {}), ...(opts.code ? { code: opts.code } : {}) })));
    });
  sandbox
    .command('leave <group> <member>')
    .description('a member leaves a group')
    .option('--at <iso-time>', 'when it happens on the sandbox clock')
    .action(async (groupRef: string, member: string, opts: { at?: string }, cmd: Command) => {
      printAll(await withSandbox(common(cmd), (s) => s.leave(groupRef, member, opts.at ? parseTime(opts.at, '--at') : undefined)));
    });
  sandbox
    .command('tick')
    .description('run the time-based work due until a time on the sandbox clock')
    .requiredOption('--until <iso-time>', 'run everything due up to this time')
    .action(async (opts: { until: string }, cmd: Command) => {
      printAll(await withSandbox(common(cmd), (s) => s.tick(parseTime(opts.until, '--until'))));
    });
  sandbox
    .command('log <group>')
    .description("show a group's conversation")
    .option('--json', 'JSON lines')
    .option('--limit <n>', 'how many of the latest lines', '200')
    .action(async (groupRef: string, opts: { json?: boolean; limit: string }, cmd: Command) => {
      const entries = await withSandbox(common(cmd), (s) => s.log(groupRef, Math.max(1, Math.min(10_000, Number(opts.limit) || 200))));
      if (opts.json) return printAll(entries);
      for (const e of entries) {
        const who = e.from.bot ? `[bot] ${e.from.name}` : e.from.name;
        const what = e.kind === 'message' ? (e.text ?? '') : e.kind === 'join' ? 'joined' : e.kind === 'leave' ? 'left' : `${e.kind}${e.text ? `: ${e.text}` : ''}`;
        process.stdout.write(`${e.at}  ${who}: ${what.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')}\n`);
      }
    });
}
