import type { Kysely } from 'kysely';
import { recordAudit, type AuditActor } from '../audit/audit-log.js';
import type { Database } from '../store/schema.js';
import { operatorWorkspaceIds } from './operators.js';

/**
 * Records an event of an operator's account (sign-in, sign-out, password change) in
 * the audit log of every workspace they belong to, so each workspace's log is
 * complete on its own and never needs another's rows.
 */
export async function recordAccountEvent(db: Kysely<Database>, event: { operatorId: number; actor: AuditActor; action: string; detail?: Record<string, unknown> }, at: number): Promise<void> {
  const workspaces = await operatorWorkspaceIds(db, event.operatorId);
  const base = { actor: event.actor, action: event.action, target: { kind: 'operator', id: event.operatorId }, detail: event.detail ?? {} };
  await recordAudit(db, workspaces.length ? workspaces.map((workspaceId) => ({ ...base, workspaceId })) : [{ ...base, workspaceId: null }], at);
}
