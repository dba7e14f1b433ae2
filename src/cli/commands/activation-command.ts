import type { Command } from 'commander';
import { activationSettings, setActivationSettings, type ActivationChanges } from '../../activation/activation-settings.js';
import { listJobs } from '../../scheduler/job-store.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { findGroup } from '../../store/groups.js';
import { UsageError, printJsonLine, withRuntime } from '../cli-context.js';

function number(value: string, option: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(n)) throw new UsageError(`${option} takes a number, not ${JSON.stringify(value)}`);
  return n;
}

function onOff(value: string, option: string): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new UsageError(`${option} is on or off, not ${JSON.stringify(value)}`);
}

/** `hearth activation`: a group's silence watchdog; `hearth schedule`: the scheduler's jobs. */
export function registerActivationCommand(program: Command): void {
  const activation = program
    .command('activation')
    .description("a group's silence watchdog: threshold, quiet hours, operator channel, topic bank (JSON)")
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');
  activation
    .command('show <group>')
    .description("print a group's watchdog settings")
    .action(async (groupRef: string, _opts: unknown, cmd: Command) => {
      const { workspace } = cmd.optsWithGlobals<{ workspace?: string }>();
      printJsonLine(
        await withRuntime(async (runtime) => {
          const ws = await resolveWorkspace(runtime.store.db, workspace);
          const group = await findGroup(runtime.store.db, ws.id, groupRef);
          return activationSettings(runtime.store.db, group.id);
        }),
      );
    });
  activation
    .command('set <group>')
    .description("change a group's watchdog settings (the rest are kept)")
    .option('--silence-hours <h>', 'alert when the group nears this many hours without a member message (default 12)')
    .option('--warn-minutes <m>', 'how long before the threshold to alert (default 60)')
    .option('--quiet-hours <HH:MM-HH:MM>', "the group's quiet hours in its time zone, or off: the watchdog stays silent then")
    .option('--operator-channel <group>', "the operators' group to notify (id or name), or none")
    .option('--post-topic <on|off>', "post the next prepared topic from the group's bank with the alert")
    .option('--topic <text>', 'a prepared topic (repeat for several; replaces the bank)', (value: string, all: string[] = []) => [...all, value])
    .option('--question-minutes <m>', "alert the operators when a member's question waits this long for a first response (default 30)")
    .action(
      async (
        groupRef: string,
        opts: { silenceHours?: string; warnMinutes?: string; quietHours?: string; operatorChannel?: string; postTopic?: string; topic?: string[]; questionMinutes?: string },
        cmd: Command,
      ) => {
        const { workspace } = cmd.optsWithGlobals<{ workspace?: string }>();
        printJsonLine(
          await withRuntime(async (runtime) => {
            const { db } = runtime.store;
            const ws = await resolveWorkspace(db, workspace);
            const group = await findGroup(db, ws.id, groupRef);
            const changes: ActivationChanges = {};
            if (opts.silenceHours !== undefined) changes.silenceHours = number(opts.silenceHours, '--silence-hours');
            if (opts.warnMinutes !== undefined) changes.warnMinutes = number(opts.warnMinutes, '--warn-minutes');
            if (opts.quietHours !== undefined) changes.quietHours = opts.quietHours;
            if (opts.operatorChannel !== undefined) changes.operatorChannelId = opts.operatorChannel === 'none' ? null : (await findGroup(db, ws.id, opts.operatorChannel)).id;
            if (opts.postTopic !== undefined) changes.postTopic = onOff(opts.postTopic, '--post-topic');
            if (opts.topic !== undefined) changes.topics = opts.topic;
            if (opts.questionMinutes !== undefined) changes.questionMinutes = number(opts.questionMinutes, '--question-minutes');
            return setActivationSettings(db, { id: group.id, workspaceId: ws.id }, changes, Date.now());
          }),
        );
      },
    );

  program
    .command('schedule')
    .description("the scheduler's jobs: pattern, time zone, next slot, last outcome (JSON lines)")
    .option('-w, --workspace <slug>', 'workspace (default: the first one)')
    .action(async (opts: { workspace?: string }) => {
      const jobs = await withRuntime(async (runtime) => listJobs(runtime.store.db, (await resolveWorkspace(runtime.store.db, opts.workspace)).id));
      jobs.forEach(printJsonLine);
    });
}
