import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit, SYSTEM_ACTOR } from '../audit/audit-log.js';
import type { Database } from '../store/schema.js';
import { createOperatorWithHash, findOperatorByEmail, setMembership, setPasswordHash } from './operators.js';
import { hashPassword, verifyPassword } from './password.js';

export const DEMO_EMAIL = 'demo@hearth.local';

/** What happened to the demo's operator, so `serve` can say how to sign in. */
export type DemoOperatorOutcome = { kind: 'created'; password: string; generated: boolean } | { kind: 'existing'; passwordFromEnv: boolean };

/** A readable random password: 18 characters from a 57-letter alphabet without look-alikes (≈105 bits). */
export function generatePassword(length = 18): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(length * 2);
  let out = '';
  // Rejection sampling keeps every letter equally likely.
  for (let i = 0; i < bytes.length && out.length < length; i++) if (bytes[i]! < 228) out += alphabet[bytes[i]! % 57];
  return out.length === length ? out : generatePassword(length);
}

/**
 * Makes sure the demo workspace has its owner `demo@hearth.local`. Created once, with
 * HEARTH_DEMO_PASSWORD or a generated password (returned so `serve` can print it, once);
 * on later starts nothing is generated. When HEARTH_DEMO_PASSWORD is set and differs
 * from the stored password, the variable wins: it is the operator's stated intent.
 */
export async function ensureDemoOperator(db: Kysely<Database>, workspaceId: number, configuredPassword: string | undefined, now: number): Promise<DemoOperatorOutcome> {
  const existing = await findOperatorByEmail(db, DEMO_EMAIL);
  if (existing) {
    if (configuredPassword && !(await verifyPassword(configuredPassword, existing.password_hash)).ok) {
      await setPasswordHash(db, existing.id, await hashPassword(configuredPassword), now);
      await recordAudit(
        db,
        { workspaceId, actor: SYSTEM_ACTOR('serve'), action: 'operator.password_set', target: { kind: 'operator', id: existing.id }, detail: { source: 'HEARTH_DEMO_PASSWORD' } },
        now,
      );
    }
    return { kind: 'existing', passwordFromEnv: configuredPassword !== undefined };
  }
  const password = configuredPassword ?? generatePassword();
  const operator = await createOperatorWithHash(db, { email: DEMO_EMAIL, passwordHash: await hashPassword(password) }, now);
  await setMembership(db, { operatorId: operator.id, workspaceId, role: 'owner' }, now);
  await recordAudit(
    db,
    {
      workspaceId,
      actor: SYSTEM_ACTOR('serve'),
      action: 'operator.created',
      target: { kind: 'operator', id: operator.id },
      detail: { email: DEMO_EMAIL, role: 'owner', password: configuredPassword ? 'HEARTH_DEMO_PASSWORD' : 'generated' },
    },
    now,
  );
  return { kind: 'created', password, generated: configuredPassword === undefined };
}
