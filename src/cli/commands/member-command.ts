import type { Command } from 'commander';
import { suggestLinks } from '../../members/member-links.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { UsageError, printJsonLine, withRuntime } from '../cli-context.js';

const memberId = (value: string, what: string) => {
  if (!/^\d+$/.test(value)) throw new UsageError(`${what} is a member id (a number), not ${JSON.stringify(value)}`);
  return Number(value);
};

export function registerMemberCommand(program: Command): void {
  const member = program.command('member').description('members across groups and platforms').option('-w, --workspace <slug>', 'workspace (default: the first one)');
  member
    .command('suggest-links')
    .description('members on different platforms who are likely one person (JSON lines)')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (opts: { limit: string }, cmd: Command) => {
      const { workspace } = cmd.optsWithGlobals<{ workspace?: string }>();
      const suggestions = await withRuntime(async (runtime) => suggestLinks(runtime.store.db, (await resolveWorkspace(runtime.store.db, workspace)).id, Number(opts.limit) || 50));
      suggestions.forEach(printJsonLine);
    });
  member
    .command('link <keep> <merge>')
    .description('make two members one person: <merge> is folded into <keep>')
    .action(async (keep: string, merge: string, _opts: unknown, cmd: Command) => {
      const { workspace } = cmd.optsWithGlobals<{ workspace?: string }>();
      await withRuntime(async (runtime) => runtime.linkMembers((await resolveWorkspace(runtime.store.db, workspace)).id, memberId(keep, '<keep>'), memberId(merge, '<merge>')));
      process.stdout.write(`member ${merge} is now member ${keep}\n`);
    });
}
