import type { Kysely } from 'kysely';
import type { AuditActor } from '../audit/audit-log.js';
import type { Database } from '../store/schema.js';
import type { ApiTokenInfo } from './api-tokens.js';
import { isRole, permissionsOf, type Permission, type Role } from './roles.js';
import type { SessionRecord } from './sessions.js';

/** What a caller may do in one workspace. */
export interface WorkspaceAccess {
  workspace: { id: number; slug: string; name: string };
  role: Role;
  permissions: ReadonlySet<Permission>;
  /** Every group of the workspace, or only these. */
  groups: 'all' | ReadonlySet<number>;
}

/** Who is calling, resolved from a session cookie or a bearer token, and what they may reach. */
export interface Principal {
  operatorId: number;
  email: string;
  via: { kind: 'session'; session: SessionRecord } | { kind: 'token'; token: ApiTokenInfo };
  /** By workspace id. A token reaches only its own workspace. */
  workspaces: ReadonlyMap<number, WorkspaceAccess>;
}

/** Loads the operator behind a session or token and their workspaces, roles and groups. */
export async function loadPrincipal(db: Kysely<Database>, operatorId: number, via: Principal['via']): Promise<Principal | undefined> {
  const operator = await db.selectFrom('operator').select(['id', 'email']).where('id', '=', operatorId).where('disabled', '=', 0).executeTakeFirst();
  if (!operator) return undefined;
  let members = db
    .selectFrom('workspace_member')
    .innerJoin('workspace', 'workspace.id', 'workspace_member.workspace_id')
    .select(['workspace.id', 'workspace.slug', 'workspace.name', 'workspace_member.role', 'workspace_member.all_groups'])
    .where('workspace_member.operator_id', '=', operatorId);
  if (via.kind === 'token') members = members.where('workspace.id', '=', via.token.workspaceId);
  const rows = await members.orderBy('workspace.id').execute();
  const scoped = rows.filter((r) => r.all_groups === 0).map((r) => r.id);
  const assignments = scoped.length
    ? await db.selectFrom('group_assignment').select(['workspace_id', 'group_id']).where('operator_id', '=', operatorId).where('workspace_id', 'in', scoped).execute()
    : [];
  const workspaces = new Map<number, WorkspaceAccess>();
  for (const r of rows) {
    // An unknown role (a newer version wrote it) grants nothing rather than something.
    if (!isRole(r.role)) continue;
    workspaces.set(r.id, {
      workspace: { id: r.id, slug: r.slug, name: r.name },
      role: r.role,
      permissions: permissionsOf(r.role, via.kind === 'token' ? via.token.scopes : undefined),
      groups: r.all_groups ? 'all' : new Set(assignments.filter((a) => a.workspace_id === r.id).map((a) => a.group_id)),
    });
  }
  return { operatorId, email: operator.email, via, workspaces };
}

/** The caller as the audit log names them. */
export function actorOf(principal: Principal): AuditActor {
  return principal.via.kind === 'token'
    ? { kind: 'token', id: principal.via.token.id, label: `${principal.email} (token ${principal.via.token.name}, ${principal.via.token.prefix}…)` }
    : { kind: 'operator', id: principal.operatorId, label: principal.email };
}

/** Whether a group is inside the caller's reach in that workspace. */
export function inGroupScope(access: WorkspaceAccess, groupId: number): boolean {
  return access.groups === 'all' || access.groups.has(groupId);
}

/** The caller's groups in a workspace, as a list for queries; null means every group. */
export function groupFilter(access: WorkspaceAccess): number[] | null {
  return access.groups === 'all' ? null : [...access.groups];
}
