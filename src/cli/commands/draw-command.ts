import type { Command } from 'commander';
import { amountText } from '../../activation/draws/draw-split.js';
import { cancelDraw, createDraw, type DrawView, getDraw, listDraws } from '../../activation/draws/draw-store.js';
import { MEMBER_ROLES, type MemberRole } from '../../groups/staffing-checks.js';
import { StoredSandboxClock } from '../../platforms/sandbox/stored-clock.js';
import type { HearthRuntime } from '../../runtime/hearth-runtime.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { findGroup } from '../../store/groups.js';
import { UsageError, parseTime, printJsonLine, withRuntime } from '../cli-context.js';

interface Common {
  workspace?: string;
}

function wholeNumber(value: string, what: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${what} is a whole number, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** "90s", "30m", "24h", "2d" as milliseconds. */
function duration(value: string, what: string): number {
  const m = /^(\d+)\s*(s|m|h|d)$/.exec(value.trim());
  if (!m) throw new UsageError(`${what} is a duration such as 30m, 24h or 2d, not ${JSON.stringify(value)}`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/**
 * Runs a draw operation on the sandbox's stored clock (the one `hearth sandbox` members
 * speak on, the wall clock unless the sandbox was moved); the posts it plans are sent
 * before it returns.
 */
async function withDraws<T>(options: Common, work: (runtime: HearthRuntime, workspaceId: number, now: number) => Promise<T>): Promise<T> {
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

function line(d: DrawView): string {
  const language = 'en';
  const total = amountText(d.total, d.currency, language);
  return `${d.id}\t${d.groupName}\t${d.title}\t${total} × ${d.rounds} round(s), ${d.shares} shares\t${d.state}\t${d.claimants} claimants, ${amountText(d.claimed, d.currency, language)} claimed`;
}

/** `hearth draw`: lucky draws (红包) members grab in a group. */
export function registerDrawCommand(program: Command): void {
  const draw = program
    .command('draw')
    .description('lucky draws (红包): points or a cash label split at random, grabbed in the group with "抢" or /grab')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');
  const common = (cmd: Command): Common => cmd.optsWithGlobals();

  draw
    .command('start <group>')
    .description("start a draw in a group (by id or name) and announce it; prints the draw's id last")
    .requiredOption('--total <n>', 'per envelope: points, or minor units with --cash (1000 CNY is ¥10.00)')
    .requiredOption('--shares <k>', 'shares per envelope')
    .option('--min <m>', 'the smallest share', '1')
    .option('--cash <currency>', 'a cash envelope in this currency (settled outside Hearth), e.g. CNY; default: points')
    .option('--rounds <n>', 'envelopes released one after another', '1')
    .option('--every <duration>', 'time between rounds, e.g. 10m (default: all at once)')
    .option('--at <iso-time>', 'when the first round opens (default: now)')
    .option('--expires <duration>', 'an envelope expires this long after it opens, its rest refunded', '24h')
    .option('--only <members>', 'exclusive: member ids, comma-separated')
    .option('--role <role>', `exclusive: holders of this in-group role (${MEMBER_ROLES.join(', ')})`)
    .option('--words <words>', 'grab words, comma-separated (default: 抢,抢红包,/grab,grab)')
    .option('--title <title>', 'the name the announcement uses')
    .option('--lang <zh|en>', "the bot's language (default: Chinese for a group written in Chinese)")
    .action(
      async (
        groupRef: string,
        opts: {
          total: string;
          shares: string;
          min: string;
          cash?: string;
          rounds: string;
          every?: string;
          at?: string;
          expires: string;
          only?: string;
          role?: string;
          words?: string;
          title?: string;
          lang?: string;
        },
        cmd: Command,
      ) => {
        if (opts.lang !== undefined && opts.lang !== 'zh' && opts.lang !== 'en') throw new UsageError(`--lang is zh or en, not ${JSON.stringify(opts.lang)}`);
        if (opts.role !== undefined && !(MEMBER_ROLES as readonly string[]).includes(opts.role)) throw new UsageError(`unknown role ${opts.role}: roles are ${MEMBER_ROLES.join(', ')}`);
        const input = {
          total: wholeNumber(opts.total, '--total'),
          shares: wholeNumber(opts.shares, '--shares'),
          minimum: wholeNumber(opts.min, '--min'),
          rounds: wholeNumber(opts.rounds, '--rounds'),
          roundIntervalMs: opts.every !== undefined ? duration(opts.every, '--every') : 0,
          expiresAfterMs: duration(opts.expires, '--expires'),
          currency: opts.cash !== undefined ? opts.cash.trim().toUpperCase() : null,
          exclusiveMembers: opts.only !== undefined ? opts.only.split(',').map((s) => wholeNumber(s, 'a member id in --only')) : null,
          exclusiveRole: (opts.role ?? null) as MemberRole | null,
          words: opts.words !== undefined ? opts.words.split(',') : null,
          ...(opts.title !== undefined ? { title: opts.title } : {}),
          ...(opts.lang ? { language: opts.lang as 'zh' | 'en' } : {}),
        };
        const startsAt = opts.at !== undefined ? parseTime(opts.at, '--at') : null;
        const created = await withDraws(common(cmd), async (runtime, workspaceId, now) => {
          const group = await findGroup(runtime.store.db, workspaceId, groupRef);
          return createDraw(runtime.store.db, { workspaceId, groupId: group.id, ...input, startsAt, createdBy: 'cli' }, now);
        });
        process.stdout.write(`started draw ${created.title} in group ${created.groupName}: ${created.id}\n`);
      },
    );

  draw
    .command('list')
    .description("the workspace's draws, newest first")
    .option('--json', 'as JSON: {"draws":[…]}')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const draws = await withDraws(common(cmd), (runtime, workspaceId) => listDraws(runtime.store.db, workspaceId));
      if (opts.json) return printJsonLine({ draws });
      if (draws.length === 0) process.stdout.write('no draws yet\n');
      for (const d of draws) process.stdout.write(`${line(d)}\n`);
    });

  draw
    .command('show <id>')
    .description('a draw, its envelopes and who claimed what, how fast')
    .option('--json', 'as JSON: the draw with "envelopes":[{round, state, figures, claims:[{name, amount, afterMs}]}]')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const shown = await withDraws(common(cmd), (runtime, workspaceId, now) => getDraw(runtime.store.db, workspaceId, wholeNumber(id, 'a draw id'), now));
      if (opts.json) return printJsonLine(shown);
      process.stdout.write(`${line(shown)}\n`);
      for (const e of shown.envelopes) {
        const speed = e.figures.emptiedInMs !== null ? `, emptied in ${Math.round(e.figures.emptiedInMs / 1000)} s` : '';
        process.stdout.write(`round ${e.round}: ${e.state}, ${e.figures.claimants}/${e.shares} claimed${speed}${e.refunded ? `, ${amountText(e.refunded, shown.currency, 'en')} refunded` : ''}\n`);
        for (const c of e.claims) process.stdout.write(`  ${c.name}\t${amountText(c.amount, shown.currency, 'en')}\tafter ${Math.round(c.afterMs / 1000)} s\n`);
      }
    });

  draw
    .command('cancel <id>')
    .description('cancel a draw: rounds not yet open never open, the unclaimed rest is refunded')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const shown = await withDraws(common(cmd), (runtime, workspaceId, now) => cancelDraw(runtime.store.db, workspaceId, wholeNumber(id, 'a draw id'), now));
      process.stdout.write(`cancelled draw ${shown.id}, ${amountText(shown.refunded, shown.currency, 'en')} refunded\n`);
    });
}
