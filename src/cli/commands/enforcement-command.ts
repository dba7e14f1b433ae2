import type { Command } from 'commander';
import { recordAudit, SYSTEM_ACTOR } from '../../audit/audit-log.js';
import {
  EnforcementAlreadyUndoneError,
  EnforcementNotFoundError,
  listEnforcements,
  loadLadderRows,
  readLadder,
  saveGroupLadder,
  saveWorkspaceLadder,
  undoEnforcement,
} from '../../enforcement/enforcement-store.js';
import { DEFAULT_ENFORCEMENT, type EnforcementOverride, enforcementOverrideSchema, enforcementSettingsSchema, formatLadder, LadderSyntaxError, parseLadder } from '../../enforcement/ladder.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { findGroup } from '../../store/groups.js';
import { UsageError, withRuntime } from '../cli-context.js';

interface SetOptions {
  workspace?: string;
  group?: string;
  on?: boolean;
  off?: boolean;
  steps?: string;
  strikeDays?: string;
  language?: string;
  keywords?: string;
  staff?: string;
  allow?: string;
  flood?: string;
  repeat?: string;
  newMemberDays?: string;
  json?: boolean;
}

/**
 * `hearth ladder show|set` (the escalation ladder and detectors of a workspace, or a
 * group's override) and `hearth enforcement list|undo` (what the rules enforced, and
 * lifting one).
 */
export function registerEnforcementCommand(program: Command): void {
  const ladder = program.command('ladder').description("the escalation ladder: warn → mute → remove → ban, and what counts as a violation (a workspace's, or a group's override)");
  ladder
    .command('show')
    .description('print the ladder and detectors that apply (in a group: with its override)')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)')
    .option('--group <group>', 'a group (id or exact name)')
    .option('--json', 'print {"settings":…, "override":…}')
    .action(async (opts: { workspace?: string; group?: string; json?: boolean }) => {
      const shown = await withRuntime(async (runtime) => {
        const db = runtime.store.db;
        const ws = await resolveWorkspace(db, opts.workspace);
        const group = opts.group === undefined ? undefined : await findGroup(db, ws.id, opts.group);
        return readLadder(db, ws.id, group?.id);
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(shown)}\n`);
        return;
      }
      const { settings: s } = shown;
      const d = s.detectors;
      process.stdout.write(
        `${[
          `enforcement: ${s.enabled ? 'on' : 'off'} (members are told in ${s.language})`,
          `ladder: ${formatLadder(s.steps)}; a strike counts for ${s.strikeDays} days`,
          `spam: ${d.spam ? 'on' : 'off'}; contact details: ${d.contact ? 'on' : 'off'}`,
          `links and QR codes: ${d.links ? (d.links.everyone ? 'from anyone not allow-listed' : `from members who joined less than ${d.links.newMemberDays} days ago`) : 'off'}`,
          `flooding: ${d.flood ? `${d.flood.messages} messages in ${d.flood.seconds} s` : 'off'}; repeats: ${d.repeat ? `${d.repeat.times} times in ${d.repeat.minutes} min` : 'off'}`,
          `banned keywords: ${d.keywords.length ? d.keywords.join(', ') : '(none)'}`,
          `staff (never caught): ${s.staff.length ? s.staff.join(', ') : '(none)'}; allowed to post links: ${s.allowList.length ? s.allowList.join(', ') : '(none)'}`,
          ...(shown.override ? [`this group overrides: ${Object.keys(shown.override).join(', ')}`] : []),
        ].join('\n')}\n`,
      );
    });
  ladder
    .command('set')
    .description("change the workspace's settings, or (with --group) the group's override; what you leave out stays as it is")
    .option('-w, --workspace <slug>', 'workspace (default: the first one)')
    .option('--group <group>', "a group's override (id or exact name)")
    .option('--on', 'enforce')
    .option('--off', 'stop enforcing')
    .option('--steps <ladder>', 'the ladder, e.g. "warn, mute:1h, mute:1d, remove, ban" (a fallback for a platform without mute: mute:1h/remove)')
    .option('--strike-days <n>', 'how many days a strike counts')
    .option('--language <lang>', 'zh-CN or en: the language members are told in')
    .option('--keywords <list>', 'banned keywords, comma-separated ("" for none)')
    .option('--staff <ids>', 'member ids never caught, comma-separated')
    .option('--allow <ids>', 'member ids allowed to post links, comma-separated')
    .option('--flood <n/seconds>', 'n messages in so many seconds is flooding ("off" to stop)')
    .option('--repeat <n/minutes>', 'the same text n times in so many minutes ("off" to stop)')
    .option('--new-member-days <d>', 'links from members who joined less than d days ago are caught ("off" to stop)')
    .option('--json', 'print the settings that apply afterwards as JSON')
    .action(async (opts: SetOptions) => {
      if (opts.on && opts.off) throw new UsageError('--on or --off, not both');
      const result = await withRuntime(async (runtime) => {
        const db = runtime.store.db;
        const ws = await resolveWorkspace(db, opts.workspace);
        const group = opts.group === undefined ? undefined : await findGroup(db, ws.id, opts.group);
        const rows = await loadLadderRows(db, ws.id);
        const base = group ? (rows.groups.get(group.id) ?? {}) : (rows.workspace ?? DEFAULT_ENFORCEMENT);
        const changed = applyOptions(base, opts, group ? null : (rows.workspace ?? DEFAULT_ENFORCEMENT));
        const now = Date.now();
        if (group) {
          const parsed = enforcementOverrideSchema.safeParse(changed);
          if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
          await saveGroupLadder(db, ws.id, group.id, parsed.data, now);
        } else {
          const parsed = enforcementSettingsSchema.safeParse(changed);
          if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
          await saveWorkspaceLadder(db, ws.id, parsed.data, now);
        }
        await recordAudit(
          db,
          {
            workspaceId: ws.id,
            actor: SYSTEM_ACTOR('cli'),
            action: 'enforcement.ladder_set',
            ...(group ? { groupId: group.id, target: { kind: 'group', id: group.id } } : {}),
            detail: { settings: changed },
          },
          now,
        );
        return { where: group ? `group ${group.id} (${group.name})` : ws.slug, ...(await readLadder(db, ws.id, group?.id)) };
      });
      if (opts.json) process.stdout.write(`${JSON.stringify({ settings: result.settings, override: result.override })}\n`);
      else
        process.stdout.write(
          `enforcement in ${result.where}: ${result.settings.enabled ? 'on' : 'off'}; ladder: ${formatLadder(result.settings.steps)}; strikes count ${result.settings.strikeDays} days\n`,
        );
    });

  const enforcement = program.command('enforcement').description('what the rules enforced (warnings, mutes, removals, bans) with their evidence; undo one');
  enforcement
    .command('list')
    .description('enforcements, newest first')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)')
    .option('--group <group>', 'only this group (id or exact name)')
    .option('--member <id>', 'only this member')
    .option('--status <status>', 'active | undone | all (default all)')
    .option('--json', 'print {"enforcements":[…]}')
    .action(async (opts: { workspace?: string; group?: string; member?: string; status?: string; json?: boolean }) => {
      const status = opts.status ?? 'all';
      if (status !== 'active' && status !== 'undone' && status !== 'all') throw new UsageError(`--status takes active, undone or all, not ${JSON.stringify(status)}`);
      const list = await withRuntime(async (runtime) => {
        const db = runtime.store.db;
        const ws = await resolveWorkspace(db, opts.workspace);
        const group = opts.group === undefined ? undefined : await findGroup(db, ws.id, opts.group);
        return listEnforcements(db, { workspaceId: ws.id, status, limit: 1000, ...(group ? { group: group.id } : {}), ...(opts.member ? { member: positive(opts.member, '--member') } : {}) });
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ enforcements: list })}\n`);
        return;
      }
      if (list.length === 0) process.stdout.write('no enforcements\n');
      for (const e of list) {
        const step = `${e.stepKind}${e.stepSeconds ? ` ${e.stepSeconds}s` : ''}`;
        process.stdout.write(
          `#${e.id}  ${new Date(e.createdAt).toISOString()}  ${e.groupName}  ${e.memberName ?? e.memberId}  ${e.violation} (${e.reasons.join(', ')})  step ${e.step}: ${step}  ${e.status}${e.fallback ? `  fallback: ${e.fallback}` : ''}\n    ${JSON.stringify(e.text)}\n`,
        );
      }
    });
  enforcement
    .command('undo')
    .description('lift an enforcement: a mute or ban is lifted through the outbox, the strike stops counting, the member is told')
    .argument('<id>', 'the enforcement')
    .action(async (id: string) => {
      const undone = await withRuntime(async (runtime) => {
        try {
          const result = await undoEnforcement(runtime.store.db, positive(id, 'id'), { by: 'cli', now: Date.now(), traitsOf: (p) => runtime.automations.traitsOf(p) });
          const owner = await runtime.store.db.selectFrom('enforcement').select(['workspace_id', 'group_id']).where('id', '=', result.id).executeTakeFirstOrThrow();
          await recordAudit(
            runtime.store.db,
            {
              workspaceId: owner.workspace_id,
              actor: SYSTEM_ACTOR('cli'),
              action: 'enforcement.undone',
              target: { kind: 'enforcement', id: result.id },
              groupId: owner.group_id,
              detail: { planned: result.planned },
            },
            Date.now(),
          );
          return result;
        } catch (error) {
          if (error instanceof EnforcementNotFoundError || error instanceof EnforcementAlreadyUndoneError) throw new UsageError(error.message);
          throw error;
        }
      });
      process.stdout.write(`undid enforcement #${undone.id}: queued ${undone.planned.join(', ')} (sent by the server's dispatcher)\n`);
    });
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name} takes a positive integer, not ${JSON.stringify(value)}`);
  return n;
}

function ids(value: string, name: string): number[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => positive(v, name));
}

function pair(value: string, name: string): [number, number] | null {
  if (value === 'off') return null;
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!m) throw new UsageError(`${name} takes n/window (e.g. 8/10) or off, not ${JSON.stringify(value)}`);
  return [Number(m[1]), Number(m[2])];
}

/** The settings with the command's options applied; `full` (the workspace's) fills detectors a group override starts without. */
function applyOptions(base: EnforcementOverride, opts: SetOptions, full: EnforcementOverride | null): EnforcementOverride {
  const out: EnforcementOverride = { ...base };
  const detectors = { ...(full?.detectors ?? {}), ...(base.detectors ?? {}) };
  let touched = false;
  if (opts.on) out.enabled = true;
  if (opts.off) out.enabled = false;
  if (opts.steps !== undefined) {
    try {
      out.steps = parseLadder(opts.steps);
    } catch (error) {
      if (error instanceof LadderSyntaxError) throw new UsageError(`--steps: ${error.message}`);
      throw error;
    }
  }
  if (opts.strikeDays !== undefined) out.strikeDays = positive(opts.strikeDays, '--strike-days');
  if (opts.language !== undefined) {
    if (opts.language !== 'zh-CN' && opts.language !== 'en') throw new UsageError(`--language takes zh-CN or en, not ${JSON.stringify(opts.language)}`);
    out.language = opts.language;
  }
  if (opts.staff !== undefined) out.staff = ids(opts.staff, '--staff');
  if (opts.allow !== undefined) out.allowList = ids(opts.allow, '--allow');
  if (opts.keywords !== undefined) {
    detectors.keywords = opts.keywords
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    touched = true;
  }
  if (opts.flood !== undefined) {
    const p = pair(opts.flood, '--flood');
    detectors.flood = p && { messages: p[0], seconds: p[1] };
    touched = true;
  }
  if (opts.repeat !== undefined) {
    const p = pair(opts.repeat, '--repeat');
    detectors.repeat = p && { times: p[0], minutes: p[1] };
    touched = true;
  }
  if (opts.newMemberDays !== undefined) {
    detectors.links = opts.newMemberDays === 'off' ? null : { newMemberDays: Number(opts.newMemberDays), everyone: false };
    touched = true;
  }
  if (touched || full) out.detectors = full ? detectors : { ...(base.detectors ?? {}), ...pick(detectors, opts) };
  return out;
}

/** For a group override: only the detectors the command named. */
function pick(detectors: NonNullable<EnforcementOverride['detectors']>, opts: SetOptions): NonNullable<EnforcementOverride['detectors']> {
  const out: NonNullable<EnforcementOverride['detectors']> = {};
  if (opts.keywords !== undefined) out.keywords = detectors.keywords ?? [];
  if (opts.flood !== undefined) out.flood = detectors.flood ?? null;
  if (opts.repeat !== undefined) out.repeat = detectors.repeat ?? null;
  if (opts.newMemberDays !== undefined) out.links = detectors.links ?? null;
  return out;
}
