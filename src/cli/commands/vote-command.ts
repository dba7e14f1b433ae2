import type { Command } from 'commander';
import { closeVote, getVote, listVotes, startVote, VoteConflictError, vetoVote, type VoteView } from '../../activation/votes/vote-store.js';
import { bar } from '../../activation/votes/vote-tally.js';
import { StoredSandboxClock } from '../../platforms/sandbox/stored-clock.js';
import type { HearthRuntime } from '../../runtime/hearth-runtime.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { findGroup } from '../../store/groups.js';
import { UsageError, parseTime, printJsonLine, withRuntime } from '../cli-context.js';

interface Common {
  workspace?: string;
}

function voteId(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`a vote id is a number, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** Runs a vote operation on the sandbox's stored clock (as `hearth chain` does); the posts it plans are sent before it returns. */
async function withVotes<T>(options: Common, work: (runtime: HearthRuntime, workspaceId: number, now: number) => Promise<T>): Promise<T> {
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

/** A vote as lines: its state, then each option with its bar, then who voted (unless anonymous). */
function voteText(v: VoteView): string {
  const state = v.vetoed ? `vetoed by ${v.vetoed.by}: ${v.vetoed.reason}` : v.closed ? `closed (${v.closeReason})` : `open until ${v.deadline}`;
  const lines = [`#${v.id} ${v.question} — ${v.groupName}, ${state}, ${v.voters} ${v.voters === 1 ? 'vote' : 'votes'}${v.anonymous ? ', anonymous' : ''}`];
  for (const o of v.options) lines.push(`  ${o.index}. ${o.text}  ${bar(o.percent)} ${o.count} ${o.percent}%`);
  if (v.ballots) for (const b of v.ballots) lines.push(`  ${b.member.name} → ${b.option}${b.changes > 0 ? ` (changed ${b.changes}×)` : ''}`);
  return `${lines.join('\n')}\n`;
}

/** `hearth vote`: votes in a group, with the initiator's veto. */
export function registerVoteCommand(program: Command): void {
  const vote = program
    .command('vote')
    .description('votes (投票): a question with 2–10 options members answer by number ("1", "投2", "/vote 2"); an initiator may veto')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');
  const common = (cmd: Command): Common => cmd.optsWithGlobals();

  vote
    .command('start <group> <question>')
    .description("start a vote in a group and post it; prints the vote's id last")
    .option('--option <text>', 'an option (give 2 to 10, in order)', (value: string, list: string[]) => [...list, value], [] as string[])
    .option('--until <iso-time>', 'close the vote at this time (default: in 24 hours)')
    .option('--anonymous', 'show only the counts, never who voted for what')
    .option('--lang <zh|en>', "the bot's language (default: Chinese for a group or question written in Chinese)")
    .action(async (groupRef: string, question: string, opts: { option: string[]; until?: string; anonymous?: boolean; lang?: string }, cmd: Command) => {
      if (opts.option.length < 2 || opts.option.length > 10) throw new UsageError(`give 2 to 10 options with --option, not ${opts.option.length}`);
      if (opts.lang !== undefined && opts.lang !== 'zh' && opts.lang !== 'en') throw new UsageError(`--lang is zh or en, not ${JSON.stringify(opts.lang)}`);
      const deadline = opts.until !== undefined ? parseTime(opts.until, '--until') : null;
      const started = await withVotes(common(cmd), async (runtime, workspaceId, now) => {
        const group = await findGroup(runtime.store.db, workspaceId, groupRef);
        return startVote(
          runtime.store.db,
          {
            workspaceId,
            groupId: group.id,
            question,
            options: opts.option,
            deadline,
            anonymous: opts.anonymous === true,
            ...(opts.lang ? { language: opts.lang as 'zh' | 'en' } : {}),
            createdBy: 'cli',
          },
          now,
        );
      });
      process.stdout.write(`started vote "${started.question}" in group ${started.groupId} until ${started.deadline}: ${started.id}\n`);
    });

  vote
    .command('list')
    .description("the workspace's votes, newest first, with their tallies")
    .option('--group <group>', "only this group's")
    .option('--json', 'as JSON: {votes: [...]}')
    .action(async (opts: { group?: string; json?: boolean }, cmd: Command) => {
      const votes = await withVotes(common(cmd), async (runtime, workspaceId, now) => {
        const group = opts.group !== undefined ? await findGroup(runtime.store.db, workspaceId, opts.group) : undefined;
        return listVotes(runtime.store.db, workspaceId, now, group ? { groupId: group.id } : {});
      });
      if (opts.json) return printJsonLine({ votes });
      process.stdout.write(votes.length === 0 ? 'no votes\n' : votes.map(voteText).join(''));
    });

  vote
    .command('show <id>')
    .description('a vote with its tally and, unless anonymous, who voted for what')
    .option('--json', 'as JSON: {id, question, options: [{index, text, count, percent}], closed, vetoed, ballots}')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const view = await withVotes(common(cmd), (runtime, workspaceId, now) => getVote(runtime.store.db, workspaceId, voteId(id), now));
      if (opts.json) return printJsonLine(view);
      process.stdout.write(voteText(view));
    });

  vote
    .command('close <id>')
    .description('close a vote now and post its results')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      printJsonLine(await withVotes(common(cmd), (runtime, workspaceId, now) => closeVote(runtime.store.db, workspaceId, voteId(id), now)));
    });

  vote
    .command('veto <id>')
    .description('veto a vote, open or closed: marked vetoed with the reason, the results posted saying so')
    .requiredOption('--reason <text>', 'why (shown in the group)')
    .option('--by <name>', 'who vetoes, as the group reads it', 'operator')
    .action(async (id: string, opts: { reason: string; by: string }, cmd: Command) => {
      if (opts.reason.trim() === '') throw new UsageError('--reason needs some text');
      const vetoed = await withVotes(common(cmd), (runtime, workspaceId, now) => vetoVote(runtime.store.db, workspaceId, voteId(id), { by: opts.by, reason: opts.reason }, now)).catch(
        (error: unknown) => {
          throw error instanceof VoteConflictError ? new UsageError(error.message) : error;
        },
      );
      printJsonLine(vetoed);
    });
}
