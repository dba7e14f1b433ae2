import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, OperatorInvitationTable } from '../store/schema.js';
import { normalizeEmail, OperatorError } from './operators.js';
import { canBeGroupScoped, isRole, type Role } from './roles.js';
import { randomToken, sha256 } from './sessions.js';

type Db = Kysely<Database> | Transaction<Database>;

const INVITATION_PREFIX = 'hti_';
const INVITATION_SHAPE = /^hti_[A-Za-z0-9_-]{43}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const DAY = 86_400_000;

/** How long an invitation link works unless the inviter says otherwise. */
export const DEFAULT_INVITATION_DAYS = 7;
export const MAX_INVITATION_DAYS = 30;

/** The dashboard page an invitation link opens; the secret is the last path segment. */
export function invitationPath(token: string): string {
  return `/invite/${token}`;
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

/** An invitation as its workspace's managers see it: never its secret or hash. */
export interface InvitationInfo {
  id: number;
  workspaceId: number;
  email: string;
  role: Role;
  groups: 'all' | number[];
  invitedBy: number | null;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
  revokedAt: number | null;
  status: InvitationStatus;
}

/**
 * Invites someone to a workspace's team with a role (and, for operators and analysts,
 * groups). The link's secret is returned here once; only its SHA-256 is stored.
 * Throws OperatorError for a bad email, role or group, or when they are on the team already.
 */
export async function createInvitation(
  db: Db,
  input: { workspaceId: number; email: string; role: string; groups?: readonly number[] | undefined; invitedBy: number | null; expiresInDays?: number | undefined },
  now: number,
): Promise<{ token: string; info: InvitationInfo }> {
  const email = normalizeEmail(input.email);
  if (!EMAIL.test(email)) throw new OperatorError(`${JSON.stringify(input.email)} is not an email address`);
  if (!isRole(input.role)) throw new OperatorError(`unknown role ${JSON.stringify(input.role)}: roles are owner, admin, operator, analyst`);
  const groups = input.groups ? [...new Set(input.groups)] : undefined;
  if (groups && !canBeGroupScoped(input.role)) throw new OperatorError(`an ${input.role} sees every group; only operators and analysts are assigned groups`);
  if (groups?.length) {
    const found = await db.selectFrom('chat_group').select('id').where('workspace_id', '=', input.workspaceId).where('id', 'in', groups).execute();
    const missing = groups.filter((g) => !found.some((f) => f.id === g));
    if (missing.length) throw new OperatorError(`no group ${missing.join(', ')} in this workspace`);
  }
  const member = await db
    .selectFrom('workspace_member')
    .innerJoin('operator', 'operator.id', 'workspace_member.operator_id')
    .select('operator.id')
    .where('workspace_member.workspace_id', '=', input.workspaceId)
    .where('operator.email', '=', email)
    .executeTakeFirst();
  if (member) throw new OperatorError(`${email} is on this workspace's team already: change their role instead`);
  const days = input.expiresInDays ?? DEFAULT_INVITATION_DAYS;
  const token = `${INVITATION_PREFIX}${randomToken()}`;
  const row = await db
    .insertInto('operator_invitation')
    .values({
      workspace_id: input.workspaceId,
      email,
      role: input.role,
      groups: groups ? JSON.stringify(groups) : null,
      token_hash: sha256(token),
      invited_by: input.invitedBy,
      created_at: now,
      expires_at: now + days * DAY,
      accepted_at: null,
      accepted_by: null,
      revoked_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { token, info: toInfo(row, now) };
}

/** The live invitation a link's secret names, or undefined (malformed, unknown, used, revoked or expired). */
export async function findLiveInvitation(db: Db, token: string, now: number): Promise<InvitationInfo | undefined> {
  if (!INVITATION_SHAPE.test(token)) return undefined;
  const row = await db.selectFrom('operator_invitation').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
  const info = row ? toInfo(row, now) : undefined;
  return info?.status === 'pending' ? info : undefined;
}

/**
 * Uses up an invitation for `operatorId`: succeeds for exactly one caller while it is
 * live (compare-and-set), so a link works once even when opened twice at the same moment.
 */
export async function claimInvitation(db: Db, id: number, operatorId: number | null, now: number): Promise<boolean> {
  const result = await db
    .updateTable('operator_invitation')
    .set({ accepted_at: now, accepted_by: operatorId })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records who took up a claimed invitation (the account may be made after the claim). */
export async function setInvitationAcceptedBy(db: Db, id: number, operatorId: number): Promise<void> {
  await db.updateTable('operator_invitation').set({ accepted_by: operatorId }).where('id', '=', id).execute();
}

/** A workspace's invitations, newest first (the last `limit`). */
export async function listInvitations(db: Db, workspaceId: number, now: number, limit = 50): Promise<InvitationInfo[]> {
  const rows = await db.selectFrom('operator_invitation').selectAll().where('workspace_id', '=', workspaceId).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => toInfo(r, now));
}

export async function getInvitation(db: Db, id: number, now: number): Promise<InvitationInfo | undefined> {
  const row = await db.selectFrom('operator_invitation').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toInfo(row, now) : undefined;
}

/** Revokes a pending invitation; its link stops working. Returns whether this call revoked it. */
export async function revokeInvitation(db: Db, id: number, now: number): Promise<boolean> {
  const result = await db.updateTable('operator_invitation').set({ revoked_at: now }).where('id', '=', id).where('accepted_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

function toInfo(row: Selectable<OperatorInvitationTable>, now: number): InvitationInfo {
  const acceptedAt = row.accepted_at === null ? null : Number(row.accepted_at);
  const revokedAt = row.revoked_at === null ? null : Number(row.revoked_at);
  const expiresAt = Number(row.expires_at);
  const status: InvitationStatus = acceptedAt !== null ? 'accepted' : revokedAt !== null ? 'revoked' : expiresAt <= now ? 'expired' : 'pending';
  return {
    id: Number(row.id),
    workspaceId: row.workspace_id,
    email: row.email,
    role: isRole(row.role) ? row.role : 'analyst',
    groups: row.groups === null ? 'all' : (JSON.parse(row.groups) as number[]),
    invitedBy: row.invited_by,
    createdAt: Number(row.created_at),
    expiresAt,
    acceptedAt,
    revokedAt,
    status,
  };
}
