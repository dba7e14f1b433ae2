import type { Command } from 'commander';
import { recordAudit, SYSTEM_ACTOR } from '../../audit/audit-log.js';
import { groupProfileChangeSchema, type GroupProfileChange } from '../../groups/group-profile.js';
import { changeGroupProfile, profileOf } from '../../groups/group-profile-store.js';
import { groupSelectorSchema, resolveGroupSelector } from '../../groups/group-selector.js';
import { changeGroupTags, InvalidGroupTagError, listGroupSets, tagsOfGroups } from '../../groups/group-sets.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import { findGroup } from '../../store/groups.js';
import { printJsonLine, UsageError, withRuntime } from '../cli-context.js';

interface ProfileOptions {
  purpose?: string;
  type?: string;
  theme?: string;
  audience?: string;
  promise?: string;
  namingRule?: string;
  timezone?: string;
}

/** The profile options given, as a validated change; `-` clears a field. A bad value is a usage error naming it. */
function profileChange(options: ProfileOptions): GroupProfileChange {
  const given = Object.fromEntries(
    Object.entries(options)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, v === '-' && k !== 'timezone' ? null : v]),
  );
  const parsed = groupProfileChangeSchema.safeParse(given);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `--${String(i.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`).join('; '));
  return parsed.data;
}

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * `hearth group …`: any group's positioning and sets — list groups by profile or set,
 * show one, change its profile, put it in sets or take it out. Every change is audited.
 */
export function registerGroupCommand(program: Command): void {
  const group = program
    .command('group')
    .description('groups: their profile (purpose, type, theme, audience, promise, naming rule) and sets')
    .option('-w, --workspace <slug>', 'workspace (default: the first one)');
  const ws = (cmd: Command) => cmd.optsWithGlobals<{ workspace?: string }>().workspace;
  const audit = (db: Parameters<typeof recordAudit>[0], workspaceId: number, id: number, action: string, detail: Record<string, unknown>) =>
    recordAudit(db, { workspaceId, actor: SYSTEM_ACTOR('cli'), action, target: { kind: 'group', id }, detail }, Date.now());

  group
    .command('list')
    .description("the workspace's groups with profile and sets (JSON lines), filtered by --set, --type, --purpose, --platform, --name")
    .option('--set <names>', 'in any of these sets (comma-separated)')
    .option('--type <type>', 'of this type')
    .option('--purpose <purpose>', 'with this purpose')
    .option('--platform <platform>', 'on this platform')
    .option('--name <text>', 'whose name contains this')
    .action(async (opts: { set?: string; type?: string; purpose?: string; platform?: string; name?: string }, cmd: Command) => {
      const parsed = groupSelectorSchema.safeParse({
        ...(opts.set ? { sets: list(opts.set) } : {}),
        ...(opts.type ? { type: opts.type } : {}),
        ...(opts.purpose ? { purpose: opts.purpose } : {}),
        ...(opts.platform ? { platform: opts.platform } : {}),
        ...(opts.name ? { name: opts.name } : {}),
      });
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `--${i.path[0] === 'sets' ? 'set' : String(i.path[0])}: ${i.message}`).join('; '));
      const rows = await withRuntime(async (runtime) => {
        const { db } = runtime.store;
        const workspace = await resolveWorkspace(db, ws(cmd));
        const ids = await resolveGroupSelector(db, workspace.id, parsed.data);
        const groups = ids.length > 0 ? await db.selectFrom('chat_group').selectAll().where('id', 'in', ids).orderBy('id').execute() : [];
        const sets = await tagsOfGroups(db, ids);
        return groups.map((g) => ({ id: g.id, name: g.name, platform: g.platform, ...profileOf(g), sets: sets.get(g.id) ?? [] }));
      });
      rows.forEach(printJsonLine);
    });

  group
    .command('show <group>')
    .description("one group's profile and sets (JSON), by id or exact name")
    .action(async (ref: string, _opts: unknown, cmd: Command) => {
      const shown = await withRuntime(async (runtime) => {
        const { db } = runtime.store;
        const g = await findGroup(db, (await resolveWorkspace(db, ws(cmd))).id, ref);
        return { id: g.id, name: g.name, platform: g.platform, ...profileOf(g), sets: (await tagsOfGroups(db, [g.id])).get(g.id) ?? [] };
      });
      printJsonLine(shown);
    });

  group
    .command('profile <group>')
    .description(`change a group's profile; "-" clears a field (purpose: sell, service, network, interest; type: interest, resource, consultant, industry, product, knowledge, project, mixed)`)
    .option('--purpose <purpose>', 'why the group exists')
    .option('--type <type>', 'what kind of group it is')
    .option('--theme <text>', 'its theme')
    .option('--audience <text>', 'who it is for')
    .option('--promise <text>', 'the value it promises its members')
    .option('--naming-rule <text>', 'its naming convention, e.g. "【{city}】{topic}交流群"')
    .option('--timezone <zone>', 'its time zone, e.g. Asia/Shanghai')
    .action(async (ref: string, opts: ProfileOptions, cmd: Command) => {
      const change = profileChange(opts);
      if (Object.keys(change).length === 0) throw new UsageError('give at least one of --purpose, --type, --theme, --audience, --promise, --naming-rule, --timezone');
      const after = await withRuntime(async (runtime) => {
        const { db } = runtime.store;
        const workspace = await resolveWorkspace(db, ws(cmd));
        const g = await findGroup(db, workspace.id, ref);
        const changed = await changeGroupProfile(db, g.id, change);
        await audit(db, workspace.id, g.id, 'group.profile_changed', changed);
        return { id: g.id, name: g.name, ...changed.after };
      });
      printJsonLine(after);
    });

  for (const [name, description, key] of [
    ['add-to-set', 'put a group in one or more sets (comma-separated)', 'add'],
    ['remove-from-set', 'take a group out of one or more sets (comma-separated)', 'remove'],
  ] as const) {
    group
      .command(`${name} <group> <sets>`)
      .description(description)
      .action(async (ref: string, names: string, _opts: unknown, cmd: Command) => {
        const sets = await withRuntime(async (runtime) => {
          const { db } = runtime.store;
          const workspace = await resolveWorkspace(db, ws(cmd));
          const g = await findGroup(db, workspace.id, ref);
          const before = (await tagsOfGroups(db, [g.id])).get(g.id) ?? [];
          const after = await changeGroupTags(db, { id: g.id, workspaceId: workspace.id }, { [key]: list(names) }, Date.now()).catch((error) => {
            throw error instanceof InvalidGroupTagError ? new UsageError(error.message) : error;
          });
          await audit(db, workspace.id, g.id, 'group.sets_changed', { before, after });
          return { id: g.id, name: g.name, sets: after };
        });
        printJsonLine(sets);
      });
  }

  group
    .command('sets')
    .description("the workspace's group sets and how many groups each holds (JSON lines)")
    .action(async (_opts: unknown, cmd: Command) => {
      const sets = await withRuntime(async (runtime) => listGroupSets(runtime.store.db, (await resolveWorkspace(runtime.store.db, ws(cmd))).id));
      sets.forEach(printJsonLine);
    });
}
