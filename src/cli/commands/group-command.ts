import type { Command } from 'commander';
import { recordAudit, SYSTEM_ACTOR } from '../../audit/audit-log.js';
import { groupProfileChangeSchema, type GroupProfileChange } from '../../groups/group-profile.js';
import { changeGroupProfile, profileOf } from '../../groups/group-profile-store.js';
import { groupSelectorSchema, resolveGroupSelector } from '../../groups/group-selector.js';
import { groupStaffing, setMemberRoles, UnknownGroupMemberError } from '../../groups/member-roles.js';
import { MEMBER_ROLES, type MemberRole } from '../../groups/staffing-checks.js';
import { changeGroupTags, InvalidGroupTagError, listGroupSets, tagsOfGroups } from '../../groups/group-sets.js';
import { dayIn } from '../../core/calendar.js';
import { groupLayers } from '../../health/layer-queries.js';
import { registerGroupRetentionCommands } from './group-retention-commands.js';
import { resolveWorkspace } from '../../runtime/workspace-setup.js';
import type { Kysely } from 'kysely';
import { findGroup } from '../../store/groups.js';
import type { Database } from '../../store/schema.js';
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

/** A member of the group by id or exact name (among those ever in it); an ambiguous or unknown name is a usage error. */
async function findGroupMember(db: Kysely<Database>, groupId: number, ref: string): Promise<number> {
  if (/^\d+$/.test(ref)) return Number(ref);
  const found = await db
    .selectFrom('membership as s')
    .innerJoin('member as m', 'm.id', 's.member_id')
    .select('m.id')
    .distinct()
    .where('s.group_id', '=', groupId)
    .where('m.display_name', '=', ref)
    .execute();
  if (found.length === 0) throw new UsageError(`no member named ${JSON.stringify(ref)} was ever in this group`);
  if (found.length > 1) throw new UsageError(`${found.length} members are named ${JSON.stringify(ref)}: give the id (${found.map((m) => m.id).join(', ')})`);
  return found[0]!.id;
}

/** Roles from "owner,administrator"; "-" or "none" for none. An unknown role is a usage error naming the ones there are. */
function parseRoles(value: string): MemberRole[] {
  if (value === '-' || value === 'none') return [];
  const roles = list(value);
  const unknown = roles.filter((r) => !(MEMBER_ROLES as readonly string[]).includes(r));
  if (unknown.length > 0) throw new UsageError(`unknown role ${unknown.join(', ')}: roles are ${MEMBER_ROLES.join(', ')}`);
  return roles as MemberRole[];
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
    .description('groups: their profile (purpose, type, theme, audience, promise, naming rule), sets and in-group roles')
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
    .command('layers <group>')
    .description("a group's member layers (core, active, normal, at risk, lurker) and opinion-leader candidates as of a day (docs/metrics.md)")
    .option('--to <date>', "the day judged (YYYY-MM-DD, the group's time zone; default today)")
    .option('--limit <n>', 'members listed per layer', '50')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { to?: string; limit: string; json?: boolean }, cmd: Command) => {
      if (opts.to !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.to)) throw new UsageError(`--to takes a date like 2026-03-01, not ${JSON.stringify(opts.to)}`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError(`--limit takes a whole number from 1 to 500, not ${JSON.stringify(opts.limit)}`);
      const layers = await withRuntime(async (runtime) => {
        const { db } = runtime.store;
        const g = await findGroup(db, (await resolveWorkspace(db, ws(cmd))).id, ref);
        return { group: { id: g.id, name: g.name }, ...(await groupLayers(db, g, opts.to ?? dayIn(g.timezone, runtime.clock()), limit)) };
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(layers, null, 2)}\n`);
        return;
      }
      console.log(`${layers.group.name} as of ${layers.asOf}`);
      console.table(layers.counts);
      if (layers.candidates.length > 0) console.table(layers.candidates.map(({ displayName, score, answeredBy, answered, layer }) => ({ name: displayName, score, answeredBy, answered, layer })));
    });

  group
    .command('roles <group>')
    .description("who holds which role in a group, and the staffing checks' findings with their fixes")
    .option('--json', 'print {"members":[{memberId, name, present, roles}], "figures":{…}, "findings":[{check, have, want, fix}]}')
    .action(async (ref: string, opts: { json?: boolean }, cmd: Command) => {
      const staffing = await withRuntime(async (runtime) => {
        const { db } = runtime.store;
        const g = await findGroup(db, (await resolveWorkspace(db, ws(cmd))).id, ref);
        return { group: g, ...(await groupStaffing(db, g.id, Date.now())) };
      });
      if (opts.json) {
        const { group: _group, ...shown } = staffing;
        printJsonLine(shown);
        return;
      }
      const { group: g, members, figures, findings } = staffing;
      console.log(`${g.name} (#${g.id}): ${figures.members} members, ${figures.activeMembers} active in the last 7 days`);
      if (members.length === 0) console.log('nobody holds a role yet');
      for (const m of members) console.log(`  ${m.name} (#${m.memberId})${m.present ? '' : ' [left]'}: ${m.roles.join(', ')}`);
      if (findings.length === 0) console.log('staffing: as the seeds say');
      for (const f of findings) console.log(`  ! ${f.check} (${f.have}, want ${f.want}): ${f.fix}`);
    });

  group
    .command('set-role <group> <member> <roles>')
    .description(`set the roles a member holds in a group (comma-separated, "-" for none): ${MEMBER_ROLES.join(', ')}`)
    .action(async (ref: string, memberRef: string, value: string, _opts: unknown, cmd: Command) => {
      const roles = parseRoles(value);
      const changed = await withRuntime(async (runtime) => {
        const { db } = runtime.store;
        const workspace = await resolveWorkspace(db, ws(cmd));
        const g = await findGroup(db, workspace.id, ref);
        const memberId = await findGroupMember(db, g.id, memberRef);
        const result = await setMemberRoles(db, { id: g.id, workspaceId: workspace.id }, memberId, roles, 'cli', Date.now()).catch((error) => {
          throw error instanceof UnknownGroupMemberError ? new UsageError(error.message) : error;
        });
        await audit(db, workspace.id, g.id, 'group.roles_changed', { memberId, ...result });
        return { group: g.id, memberId, roles: result.after };
      });
      printJsonLine(changed);
    });

  group
    .command('sets')
    .description("the workspace's group sets and how many groups each holds (JSON lines)")
    .action(async (_opts: unknown, cmd: Command) => {
      const sets = await withRuntime(async (runtime) => listGroupSets(runtime.store.db, (await resolveWorkspace(runtime.store.db, ws(cmd))).id));
      sets.forEach(printJsonLine);
    });

  registerGroupRetentionCommands(group, ws);
}
