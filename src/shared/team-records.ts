/**
 * The team's words, shared by the server (src/auth/roles.ts) and the dashboard's Team
 * and API tokens pages: the roles a workspace member may have, and the scopes a token
 * may be given.
 */
export const ROLES = ['owner', 'admin', 'operator', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What an API token may be given. Never `manage`: a leaked token must not be able to
 * mint more tokens or add operators.
 */
export const TOKEN_SCOPES = ['read', 'act', 'configure'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
