import type { Command } from 'commander';
import { cancelBroadcast, createBroadcast, getBroadcast, InvalidBroadcastError, listBroadcasts } from '../../activation/broadcasts/broadcast-store.js';
import { recordAudit, SYSTEM_ACTOR } from '../../audit/audit-log.js';
import type { GroupSelector } from '../../groups/group-selector.js';
import { resolveGroupSelector } from '../../groups/group-selector.js';
import { StoredSandboxClock } from '../../platforms/sandbox/stored-clock.js';
import type { HearthRuntime } from '../../runtime/hearth-runtime.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import type { BroadcastRecord } from '../../shared/broadcast-records.js';
import { findGroup } from '../../store/groups.js';
import { UsageError, parseTime, printJsonLine, withRuntime } from '../cli-context.js';

interface Common {
  workspace?: string;
}

/** How long `send` keeps sending in this process when the limits make it wait (ms). */
const LONGEST_WAIT_MS = 5_000;

function broadcastId(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`a broadcast id is a number, not ${JSON.stringify(value)}`);
  return Number(value);
}

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Runs a broadcast operation on the sandbox's stored clock (the one `hearth sandbox` runs on). */
async function withBroadcasts<T>(options: Common, work: (runtime: HearthRuntime, workspaceId: number, clock: StoredSandboxClock) => Promise<T>): Promise<T> {
  let clock: StoredSandboxClock | undefined;
  return withRuntime(
    async (runtime) => {
      clock = await StoredSandboxClock.load(runtime.sandbox.world);
      const workspace = await resolveWorkspace(runtime.store.db, options.workspace);
      return work(runtime, workspace.id, clock);
    },
    { clock: () => clock?.now() ?? Date.now() },
  );
}

/**
 * Sends what is due, pass after pass, while the platforms' limits say the next slot is
 * near, writing the progress to stderr; stops when every group has its result, or when
 * what is left waits for something this process cannot give (a connection served by
 * `hearth serve`, a long retry): the server's dispatcher sends it then.
 */
async function sendDue(runtime: HearthRuntime, workspaceId: number, id: number, clock: StoredSandboxClock): Promise<void> {
  for (;;) {
    const report = await runtime.dispatcher.runDue();
    const view = await getBroadcast(runtime.store.db, workspaceId, id);
    process.stderr.write(`broadcast ${id}: ${view.sent} sent, ${view.failed} failed, ${view.pending} pending of ${view.total}\n`);
    if (view.pending === 0 || report.nextWakeAt === null) return;
    const wait = report.nextWakeAt - clock.now();
    if (wait > LONGEST_WAIT_MS) return;
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, wait)));
  }
}

function summary(b: BroadcastRecord): string {
  const when = b.status === 'scheduled' ? ` at ${b.sendAt}` : '';
  return `${b.status}${when}: ${b.sent} sent, ${b.failed} failed, ${b.pending} pending of ${b.total}`;
}

/** `hearth broadcast`: one post to many groups, now or at a time. */
export function registerBroadcastCommand(program: Command): void {
  const broadcast = program
    .command('broadcast')
    .description('broadcasts: one post to a group set or a list of groups, now or at a time, within each platform’s limits')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');
  const common = (cmd: Command): Common => cmd.optsWithGlobals();

  broadcast
    .command('send')
    .description('send a post ({group} and {members} are filled per group); prints the broadcast’s id last')
    .requiredOption('--text <text>', 'the post')
    .option('--set <sets>', 'the groups of these sets (comma-separated)')
    .option('--groups <groups>', 'these groups, by id or name (comma-separated)')
    .option('--link <url>', 'a link sent under the text')
    .option('--at <iso-time>', 'send at this time (a job on the scheduler) instead of now')
    .option('--json', 'print the broadcast as JSON (last line: its id)')
    .action(async (opts: { text: string; set?: string; groups?: string; link?: string; at?: string; json?: boolean }, cmd: Command) => {
      if (!opts.set && !opts.groups) throw new UsageError('name the groups: --set <set> or --groups G1,G2');
      if (opts.link !== undefined && !/^https?:\/\/\S+$/.test(opts.link)) throw new UsageError(`--link takes an http(s) address, not ${JSON.stringify(opts.link)}`);
      const sendAt = opts.at !== undefined ? parseTime(opts.at, '--at') : null;
      const shown = await withBroadcasts(common(cmd), async (runtime, workspaceId, clock) => {
        const { db } = runtime.store;
        const groups = opts.groups ? await Promise.all(list(opts.groups).map(async (ref) => (await findGroup(db, workspaceId, ref)).id)) : undefined;
        const selector: GroupSelector = { ...(groups ? { groups } : {}), ...(opts.set ? { sets: list(opts.set) } : {}) };
        const groupIds = await resolveGroupSelector(db, workspaceId, selector);
        const now = clock.now();
        const made = await createBroadcast(db, { workspaceId, text: opts.text, link: opts.link ?? null, selector, groupIds, sendAt, createdBy: 'cli' }, now).catch((error: unknown) => {
          throw error instanceof InvalidBroadcastError ? new UsageError(error.message) : error;
        });
        await recordAudit(
          db,
          {
            workspaceId,
            actor: SYSTEM_ACTOR('cli'),
            action: made.scheduled ? 'broadcast.scheduled' : 'broadcast.sent',
            target: { kind: 'broadcast', id: made.id },
            detail: { groups: groupIds.length },
          },
          now,
        );
        if (!made.scheduled) await sendDue(runtime, workspaceId, made.id, clock);
        return getBroadcast(db, workspaceId, made.id);
      });
      if (opts.json) printJsonLine(shown);
      else process.stdout.write(`broadcast to ${shown.total} groups ${summary(shown)}\n`);
      process.stdout.write(`${shown.id}\n`);
    });

  broadcast
    .command('show <id>')
    .description('a broadcast’s progress and each group’s result')
    .option('--json', 'as JSON: {id, status, total, sent, failed, pending, groups: [{groupId, status, reason}]}')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const view = await withBroadcasts(common(cmd), (runtime, workspaceId) => getBroadcast(runtime.store.db, workspaceId, broadcastId(id)));
      if (opts.json) return printJsonLine(view);
      process.stdout.write(`broadcast ${view.id} ${summary(view)}\n`);
      for (const g of view.groups) process.stdout.write(`  ${g.groupId}\t${g.status}\t${g.groupName}${g.reason ? `\t${g.reason}` : ''}\n`);
    });

  broadcast
    .command('list')
    .description('the workspace’s broadcasts, newest first')
    .option('--json', 'JSON lines, one broadcast each')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const all = await withBroadcasts(common(cmd), (runtime, workspaceId) => listBroadcasts(runtime.store.db, workspaceId));
      for (const b of all) {
        if (opts.json) printJsonLine(b);
        else process.stdout.write(`${b.id}\t${summary(b)}\t${b.text.slice(0, 60).replace(/\s+/g, ' ')}\n`);
      }
    });

  broadcast
    .command('cancel <id>')
    .description('cancel a broadcast that has not started')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const view = await withBroadcasts(common(cmd), async (runtime, workspaceId, clock) => {
        const { db } = runtime.store;
        if (!(await cancelBroadcast(db, workspaceId, broadcastId(id)))) throw new UsageError(`broadcast ${id} has already started or was cancelled`);
        await recordAudit(db, { workspaceId, actor: SYSTEM_ACTOR('cli'), action: 'broadcast.cancelled', target: { kind: 'broadcast', id: broadcastId(id) } }, clock.now());
        return getBroadcast(db, workspaceId, broadcastId(id));
      });
      printJsonLine(view);
    });
}
