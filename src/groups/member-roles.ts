import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { MEMBER_ROLES, type MemberRole, STAFF_ROLES, type StaffingFigures, type StaffingFinding, staffingChecks } from './staffing-checks.js';

/** A member counts as active after writing within this long (the health score's week). */
const ACTIVE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** A member holding roles in a group, as the API, the CLI and the dashboard show them. */
export interface MemberRoles {
  memberId: number;
  name: string;
  /** Still in the group (a member who left keeps their roles until changed). */
  present: boolean;
  roles: MemberRole[];
}

/** A group's staff: who holds which role, the figures the checks read, and their findings. */
export interface GroupStaffing {
  members: MemberRoles[];
  figures: StaffingFigures;
  findings: StaffingFinding[];
}

/** The member is not in this group's workspace, or was never in the group. */
export class UnknownGroupMemberError extends Error {
  override readonly name = 'UnknownGroupMemberError';
  constructor(
    readonly groupId: number,
    readonly memberId: number,
  ) {
    super(`member ${memberId} was never in group ${groupId}`);
  }
}

const byRole = (a: MemberRole, b: MemberRole) => MEMBER_ROLES.indexOf(a) - MEMBER_ROLES.indexOf(b);

/** Roles in the seeds' order, each once. */
export function normalizeRoles(roles: readonly MemberRole[]): MemberRole[] {
  return [...new Set(roles)].sort(byRole);
}

/**
 * A group's staffing as of `now`: every member holding a role (roles in the seeds'
 * order, members by their first role then id), the member count (in the group now),
 * the active count (wrote in the last 7 days) and the role counts, and the staffing
 * checks' findings over them.
 */
export async function groupStaffing(db: Kysely<Database>, groupId: number, now: number): Promise<GroupStaffing> {
  const rows = await db
    .selectFrom('group_member_role as r')
    .innerJoin('member as m', 'm.id', 'r.member_id')
    .select(['r.member_id', 'r.role', 'm.display_name'])
    .where('r.group_id', '=', groupId)
    .execute();
  const ids = [...new Set(rows.map((r) => r.member_id))];
  const stays = ids.length > 0 ? await db.selectFrom('membership').select('member_id').where('group_id', '=', groupId).where('left_at', 'is', null).where('member_id', 'in', ids).execute() : [];
  const present = new Set(stays.map((r) => r.member_id));
  const members = new Map<number, MemberRoles>();
  for (const r of rows) {
    const m = members.get(r.member_id) ?? { memberId: r.member_id, name: r.display_name, present: present.has(r.member_id), roles: [] };
    m.roles.push(r.role as MemberRole);
    members.set(r.member_id, m);
  }
  const list = [...members.values()].map((m) => ({ ...m, roles: normalizeRoles(m.roles) }));
  list.sort((a, b) => byRole(a.roles[0]!, b.roles[0]!) || a.memberId - b.memberId);

  const inGroup = await db
    .selectFrom('membership')
    .select((eb) => eb.fn.count<string>('member_id').distinct().as('n'))
    .where('group_id', '=', groupId)
    .where('left_at', 'is', null)
    .executeTakeFirst();
  const active = await db
    .selectFrom('member_group_total as t')
    .innerJoin('membership as s', (j) => j.onRef('s.group_id', '=', 't.group_id').onRef('s.member_id', '=', 't.member_id'))
    .select((eb) => eb.fn.count<string>('t.member_id').distinct().as('n'))
    .where('t.group_id', '=', groupId)
    .where('s.left_at', 'is', null)
    .where('t.last_message_at', '>=', now - ACTIVE_WINDOW_MS)
    .executeTakeFirst();
  const roles: Partial<Record<MemberRole, number>> = {};
  for (const m of list) if (m.present) for (const role of m.roles) roles[role] = (roles[role] ?? 0) + 1;
  const figures: StaffingFigures = { members: Number(inGroup?.n ?? 0), activeMembers: Number(active?.n ?? 0), roles };
  return { members: list, figures, findings: staffingChecks(figures) };
}

/**
 * Sets the roles one member holds in a group (an empty list takes them all away),
 * keeping the assignment time of roles already held. The member must have been in the
 * group. Returns the roles before and after, in the seeds' order.
 */
export async function setMemberRoles(
  db: Kysely<Database>,
  group: { id: number; workspaceId: number },
  memberId: number,
  roles: readonly MemberRole[],
  assignedBy: string | null,
  now: number,
): Promise<{ before: MemberRoles['roles']; after: MemberRoles['roles'] }> {
  const wanted = normalizeRoles(roles);
  return db.transaction().execute(async (trx) => {
    const stay = await trx
      .selectFrom('membership as s')
      .innerJoin('member as m', 'm.id', 's.member_id')
      .select('s.id')
      .where('s.group_id', '=', group.id)
      .where('s.member_id', '=', memberId)
      .where('m.workspace_id', '=', group.workspaceId)
      .executeTakeFirst();
    if (!stay) throw new UnknownGroupMemberError(group.id, memberId);
    const held = await trx.selectFrom('group_member_role').select('role').where('group_id', '=', group.id).where('member_id', '=', memberId).execute();
    const before = normalizeRoles(held.map((r) => r.role as MemberRole));
    const gone = before.filter((r) => !wanted.includes(r));
    const added = wanted.filter((r) => !before.includes(r));
    if (gone.length > 0) await trx.deleteFrom('group_member_role').where('group_id', '=', group.id).where('member_id', '=', memberId).where('role', 'in', gone).execute();
    if (added.length > 0) {
      await trx
        .insertInto('group_member_role')
        .values(added.map((role) => ({ workspace_id: group.workspaceId, group_id: group.id, member_id: memberId, role, assigned_by: assignedBy, assigned_at: now })))
        .execute();
    }
    return { before, after: wanted };
  });
}

/**
 * Whether a member holds a staff role (owner, administrator, official account) in a
 * group: the enforcement rule leaves staff alone, as it does its own staff list.
 */
export async function holdsStaffRole(db: Kysely<Database>, groupId: number, memberId: number): Promise<boolean> {
  const row = await db.selectFrom('group_member_role').select('role').where('group_id', '=', groupId).where('member_id', '=', memberId).where('role', 'in', STAFF_ROLES).executeTakeFirst();
  return row !== undefined;
}
