/**
 * Roles and what each may do in a workspace. One table, read by every authorization
 * decision (the `authorize` middleware and the access helpers), so what a role may do
 * is written down once.
 *
 * - read: see the workspace, its groups, figures, sandbox conversations, audit log
 * - act: operate groups: sandbox, moderation, broadcasts
 * - configure: automations, platform connections
 * - manage: operators, API tokens
 */
import { ROLES, TOKEN_SCOPES, type Role, type TokenScope } from '../shared/team-records.js';

export { ROLES, TOKEN_SCOPES, type Role, type TokenScope };

export const PERMISSIONS = ['read', 'act', 'configure', 'manage'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: ['read', 'act', 'configure', 'manage'],
  admin: ['read', 'act', 'configure', 'manage'],
  operator: ['read', 'act'],
  analyst: ['read'],
};

// Tokens never hold `manage` (see src/shared/team-records.ts): every scope is a permission.
TOKEN_SCOPES satisfies readonly Permission[];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isTokenScope(value: string): value is TokenScope {
  return (TOKEN_SCOPES as readonly string[]).includes(value);
}

/** Whether a role is limited to the groups it is assigned (owners and admins always see every group). */
export function canBeGroupScoped(role: Role): boolean {
  return role === 'operator' || role === 'analyst';
}

/**
 * The permissions a role has, narrowed to a token's scopes when the caller is a token
 * (a token never has more than the operator who made it has today).
 */
export function permissionsOf(role: Role, scopes?: readonly string[]): Set<Permission> {
  const granted = new Set<Permission>(ROLE_PERMISSIONS[role]);
  if (scopes) for (const p of [...granted]) if (!scopes.includes(p)) granted.delete(p);
  return granted;
}
