import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { checkNewPassword, hashPassword } from './password.js';
import { canBeGroupScoped, isRole, type Role } from './roles.js';

type Db = Kysely<Database> | Transaction<Database>;

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export class OperatorError extends Error {
  override readonly name = 'OperatorError';
}

/** Emails compare case-insensitively: they are stored trimmed and lowercased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface OperatorRow {
  id: number;
  email: string;
  password_hash: string;
  disabled: number;
}

export async function findOperatorByEmail(db: Db, email: string): Promise<OperatorRow | undefined> {
  return db.selectFrom('operator').select(['id', 'email', 'password_hash', 'disabled']).where('email', '=', normalizeEmail(email)).executeTakeFirst();
}

/** Creates an operator with a password (checked for strength, then hashed). Throws OperatorError when the email is taken. */
export async function createOperator(db: Db, input: { email: string; password: string }, now: number): Promise<{ id: number; email: string }> {
  checkNewPassword(input.password);
  return createOperatorWithHash(db, { email: input.email, passwordHash: await hashPassword(input.password) }, now);
}

/** Creates an operator from an already computed hash (the demo, whose password rule is the env module's). */
export async function createOperatorWithHash(db: Db, input: { email: string; passwordHash: string }, now: number): Promise<{ id: number; email: string }> {
  const email = normalizeEmail(input.email);
  if (!EMAIL.test(email)) throw new OperatorError(`${JSON.stringify(input.email)} is not an email address`);
  if (await findOperatorByEmail(db, email)) throw new OperatorError(`an operator ${email} already exists`);
  const row = await db.insertInto('operator').values({ email, password_hash: input.passwordHash, created_at: now, password_changed_at: now, disabled: 0 }).returning('id').executeTakeFirstOrThrow();
  return { id: Number(row.id), email };
}

/** Replaces an operator's password hash (the caller checked the old password and the new one's strength). */
export async function setPasswordHash(db: Db, operatorId: number, passwordHash: string, now: number): Promise<void> {
  await db.updateTable('operator').set({ password_hash: passwordHash, password_changed_at: now }).where('id', '=', operatorId).execute();
}

/**
 * Gives an operator a role in a workspace (or changes it). `groups` limits an operator
 * or analyst to those groups, which must belong to the workspace; leaving it out gives
 * them every group.
 */
export async function setMembership(db: Db, input: { operatorId: number; workspaceId: number; role: string; groups?: readonly number[] }, now: number): Promise<void> {
  const role = input.role;
  if (!isRole(role)) throw new OperatorError(`unknown role ${JSON.stringify(role)}: roles are owner, admin, operator, analyst`);
  if (input.groups && !canBeGroupScoped(role)) throw new OperatorError(`an ${role} sees every group; only operators and analysts are assigned groups`);
  const groups = [...new Set(input.groups ?? [])];
  if (groups.length) {
    const found = await db.selectFrom('chat_group').select('id').where('workspace_id', '=', input.workspaceId).where('id', 'in', groups).execute();
    const missing = groups.filter((g) => !found.some((f) => f.id === g));
    if (missing.length) throw new OperatorError(`no group ${missing.join(', ')} in this workspace`);
  }
  const values = { operator_id: input.operatorId, workspace_id: input.workspaceId, role: role satisfies Role, all_groups: input.groups ? 0 : 1, created_at: now };
  await db
    .insertInto('workspace_member')
    .values(values)
    .onConflict((oc) => oc.columns(['operator_id', 'workspace_id']).doUpdateSet({ role: values.role, all_groups: values.all_groups }))
    .execute();
  await db.deleteFrom('group_assignment').where('operator_id', '=', input.operatorId).where('workspace_id', '=', input.workspaceId).execute();
  if (groups.length) {
    await db
      .insertInto('group_assignment')
      .values(groups.map((group_id) => ({ operator_id: input.operatorId, workspace_id: input.workspaceId, group_id, created_at: now })))
      .execute();
  }
}

/** The workspaces an operator belongs to (ids), for recording account events in each. */
export async function operatorWorkspaceIds(db: Db, operatorId: number): Promise<number[]> {
  const rows = await db.selectFrom('workspace_member').select('workspace_id').where('operator_id', '=', operatorId).orderBy('workspace_id').execute();
  return rows.map((r) => r.workspace_id);
}
