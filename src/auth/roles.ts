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
export const ROLES = ['owner', 'admin', 'operator', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = ['read', 'act', 'configure', 'manage'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: ['read', 'act', 'configure', 'manage'],
  admin: ['read', 'act', 'configure', 'manage'],
  operator: ['read', 'act'],
  analyst: ['read'],
};

/**
 * What an API token may be given. Never `manage`: a leaked token must not be able to
 * mint more tokens or add operators.
 */
export const TOKEN_SCOPES = ['read', 'act', 'configure'] as const satisfies readonly Permission[];
export type TokenScope = (typeof TOKEN_SCOPES)[number];

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
