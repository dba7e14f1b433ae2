import { request } from '../api-client.js';
import type { SessionInfo } from '../api-client.js';

import type { Role, TokenScope } from '../../../src/shared/team-records.js';

export type { Role, TokenScope };
export { ROLES, TOKEN_SCOPES } from '../../../src/shared/team-records.js';

/** One person on the team (`GET /api/team`). */
export interface TeamMemberRecord {
  id: number;
  email: string;
  role: Role;
  groups: 'all' | number[];
  disabled: boolean;
  joinedAt: string;
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface InvitationRecord {
  id: number;
  email: string;
  role: Role;
  groups: 'all' | number[];
  status: InvitationStatus;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

/** An API token as managers see it (never its secret). */
export interface TokenRecord {
  id: number;
  name: string;
  prefix: string;
  scopes: TokenScope[];
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** What an invitation link offers, read before signing in. */
export interface InvitationOffer {
  email: string;
  workspace: string;
  role: Role;
  expiresAt: string;
  hasAccount: boolean;
}

const enc = encodeURIComponent;

export function fetchTeam(ws: string, signal?: AbortSignal) {
  return request<{ you: number; members: TeamMemberRecord[]; invitations: InvitationRecord[] }>('GET', `/api/team?workspace=${enc(ws)}`, undefined, signal);
}

/** Invites someone; the answer carries the one-time link, the only time it is shown. */
export function inviteOperator(ws: string, input: { email: string; role: Role; groups?: number[]; expiresInDays?: number }) {
  return request<{ link: string; path: string; invitation: InvitationRecord }>('POST', '/api/team/invitations', { workspace: ws, ...input });
}

export function revokeInvitation(id: number) {
  return request<{ invitation: InvitationRecord; revoked: boolean }>('POST', `/api/team/invitations/${id}/revoke`, {});
}

export function changeMember(ws: string, id: number, change: { role: Role; groups: 'all' | number[] }) {
  return request<{ member: TeamMemberRecord }>('PATCH', `/api/team/members/${id}`, { workspace: ws, ...change });
}

export function setMemberDisabled(ws: string, id: number, disabled: boolean) {
  return request<{ member: TeamMemberRecord }>('POST', `/api/team/members/${id}/${disabled ? 'disable' : 'enable'}`, { workspace: ws });
}

export function fetchTokens(ws: string, signal?: AbortSignal) {
  return request<{ tokens: TokenRecord[] }>('GET', `/api/tokens?workspace=${enc(ws)}`, undefined, signal);
}

/** Creates a token; the answer carries its secret, the only time it is shown. */
export function createToken(ws: string, input: { name: string; scopes: TokenScope[]; expiresInDays?: number }) {
  return request<{ token: string; info: TokenRecord }>('POST', '/api/tokens', { workspace: ws, ...input });
}

export function revokeToken(id: number) {
  return request<{ token: TokenRecord; revoked: boolean }>('POST', `/api/tokens/${id}/revoke`, {});
}

export function fetchInvitation(token: string, signal?: AbortSignal) {
  return request<InvitationOffer>('GET', `/api/invitations/${enc(token)}`, undefined, signal);
}

/** Takes up an invitation with a new account; the server signs it in. */
export function acceptInvitation(token: string, password: string) {
  return request<SessionInfo>('POST', `/api/invitations/${enc(token)}/accept`, { password });
}

/** Takes up an invitation with the account just signed in. */
export function joinInvitation(token: string) {
  return request<SessionInfo>('POST', `/api/invitations/${enc(token)}/join`, {});
}
