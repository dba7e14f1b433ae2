import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { setMembership } from './operators.js';
import { canBeGroupScoped, isRole, type Role } from './roles.js';
import { endOperatorSessions } from './sessions.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A change to the team that is refused; `status` is the HTTP answer it deserves. */
export class TeamError extends Error {
  override readonly name = 'TeamError';
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409,
  ) {
    super(message);
  }
}

/** One person on a workspace's team, as its managers see them. */
export interface TeamMember {
  operatorId: number;
  email: string;
  role: Role;
  /** Every group, or only these (operators and analysts). */
  groups: 'all' | number[];
  disabled: boolean;
  joinedAt: number;
}

/** Who asks for a change: an operator with their role in the workspace, or Hearth's own command line. */
export type TeamActor = { kind: 'operator'; operatorId: number; role: Role } | { kind: 'system' };

/**
 * Why `actor` may not give `target` the role `to` (or disable them, `to` undefined),
 * or null when they may. The rules, for the dashboard, the API and the CLI alike:
 * only owners and admins manage the team; nobody changes their own role or disables
 * themselves (so nobody raises their own role); only an owner makes someone an owner
 * or changes or disables an owner.
 */
export function teamRefusal(actor: TeamActor, target: { operatorId: number; role: Role }, to?: Role): string | null {
  if (actor.kind === 'system') return null;
  if (actor.role !== 'owner' && actor.role !== 'admin') return `a ${actor.role} cannot change the team; owners and admins can`;
  if (actor.operatorId === target.operatorId) return to === undefined ? 'you cannot disable yourself' : 'you cannot change your own role';
  if (actor.role !== 'owner' && (target.role === 'owner' || to === 'owner')) return 'only an owner can make someone an owner, or change or disable an owner';
  return null;
}

/** The same check for a new invitation: only an owner invites an owner. */
export function inviteRefusal(actor: TeamActor, role: Role): string | null {
  if (actor.kind === 'system') return null;
  if (actor.role !== 'owner' && actor.role !== 'admin') return `a ${actor.role} cannot invite; owners and admins can`;
  if (role === 'owner' && actor.role !== 'owner') return 'only an owner can invite an owner';
  return null;
}

/** A workspace's team: everyone with a role in it, by email. */
export async function listTeam(db: Db, workspaceId: number): Promise<TeamMember[]> {
  const rows = await db
    .selectFrom('workspace_member')
    .innerJoin('operator', 'operator.id', 'workspace_member.operator_id')
    .select(['operator.id', 'operator.email', 'operator.disabled', 'workspace_member.role', 'workspace_member.all_groups', 'workspace_member.created_at'])
    .where('workspace_member.workspace_id', '=', workspaceId)
    .orderBy('operator.email')
    .execute();
  const assignments = await db.selectFrom('group_assignment').select(['operator_id', 'group_id']).where('workspace_id', '=', workspaceId).orderBy('group_id').execute();
  return rows
    .filter((r) => isRole(r.role))
    .map((r) => ({
      operatorId: r.id,
      email: r.email,
      role: r.role as Role,
      groups: r.all_groups ? 'all' : assignments.filter((a) => a.operator_id === r.id).map((a) => a.group_id),
      disabled: r.disabled !== 0,
      joinedAt: r.created_at,
    }));
}

/** One member of a workspace's team, or undefined when the operator has no role there. */
export async function findTeamMember(db: Db, workspaceId: number, operatorId: number): Promise<TeamMember | undefined> {
  return (await listTeam(db, workspaceId)).find((m) => m.operatorId === operatorId);
}

/** The workspaces an operator has a role in, with that role. */
export async function membershipsOf(db: Db, operatorId: number): Promise<{ workspaceId: number; role: Role }[]> {
  const rows = await db.selectFrom('workspace_member').select(['workspace_id', 'role']).where('operator_id', '=', operatorId).orderBy('workspace_id').execute();
  return rows.filter((r) => isRole(r.role)).map((r) => ({ workspaceId: r.workspace_id, role: r.role as Role }));
}

async function otherEnabledOwners(db: Db, workspaceId: number, operatorId: number): Promise<number> {
  const row = await db
    .selectFrom('workspace_member')
    .innerJoin('operator', 'operator.id', 'workspace_member.operator_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('workspace_member.workspace_id', '=', workspaceId)
    .where('workspace_member.role', '=', 'owner')
    .where('operator.disabled', '=', 0)
    .where('operator.id', '!=', operatorId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Gives a member another role and groups (`groups` 'all' or left out: every group).
 * A workspace always keeps an enabled owner. Returns the member before and after.
 */
export async function changeTeamMember(
  db: Db,
  input: { workspaceId: number; operatorId: number; role: Role; groups?: 'all' | readonly number[] },
  now: number,
): Promise<{ before: TeamMember; after: TeamMember }> {
  const before = await findTeamMember(db, input.workspaceId, input.operatorId);
  if (!before) throw new TeamError(`no operator ${input.operatorId} in this workspace`, 404);
  const groups = input.groups === undefined || input.groups === 'all' ? undefined : input.groups;
  if (groups && !canBeGroupScoped(input.role)) throw new TeamError(`an ${input.role} sees every group; only operators and analysts are assigned groups`, 400);
  if (before.role === 'owner' && input.role !== 'owner' && (await otherEnabledOwners(db, input.workspaceId, input.operatorId)) === 0) {
    throw new TeamError('the workspace would have no owner: make someone else an owner first', 409);
  }
  await setMembership(db, { operatorId: input.operatorId, workspaceId: input.workspaceId, role: input.role, ...(groups ? { groups } : {}) }, now);
  return { before, after: (await findTeamMember(db, input.workspaceId, input.operatorId))! };
}

/**
 * Disables an operator's account: they cannot sign in, and every session and API token
 * they have ends at once (tokens are revoked, so enabling them again brings none back).
 * Refused when they are the last enabled owner of a workspace.
 */
export async function disableOperator(db: Db, operatorId: number, now: number): Promise<{ sessionsEnded: number; tokensRevoked: number; changed: boolean }> {
  for (const m of await membershipsOf(db, operatorId)) {
    if (m.role === 'owner' && (await otherEnabledOwners(db, m.workspaceId, operatorId)) === 0) {
      throw new TeamError('they are the only owner of a workspace: make someone else an owner first', 409);
    }
  }
  const updated = await db.updateTable('operator').set({ disabled: 1 }).where('id', '=', operatorId).where('disabled', '=', 0).executeTakeFirst();
  const sessionsEnded = await endOperatorSessions(db, operatorId);
  const revoked = await db.updateTable('api_token').set({ revoked_at: now }).where('operator_id', '=', operatorId).where('revoked_at', 'is', null).executeTakeFirst();
  return { sessionsEnded, tokensRevoked: Number(revoked.numUpdatedRows), changed: Number(updated.numUpdatedRows) === 1 };
}

/** Lets a disabled operator sign in again (with their password; their old sessions and tokens stay ended). */
export async function enableOperator(db: Db, operatorId: number): Promise<boolean> {
  const updated = await db.updateTable('operator').set({ disabled: 0 }).where('id', '=', operatorId).where('disabled', '=', 1).executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
