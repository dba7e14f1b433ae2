import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { recordAudit, SYSTEM_ACTOR } from '../audit/audit-log.js';
import { setUpWorkspace } from '../runtime/workspace-setup.js';
import type { Dialect } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import type { Workspace } from '../store/workspaces.js';
import { createOperatorWithHash, setMembership } from './operators.js';
import { checkNewPassword, hashPassword } from './password.js';

/** How long a printed setup link works; a restart prints a fresh one while setup is still needed. */
export const SETUP_TOKEN_TTL_MS = 24 * 3_600_000;

/** Any number, the same in every process: PostgreSQL's transaction lock that makes setups take turns. */
const SETUP_LOCK = 4_815_162_342;

/** Why a setup was refused: it was done already, or the token is not one `serve` printed (or it expired). */
export class SetupError extends Error {
  override readonly name = 'SetupError';
  constructor(
    readonly reason: 'done' | 'token',
    message: string,
  ) {
    super(message);
  }
}

export interface SetupInput {
  token: string;
  email: string;
  password: string;
  /** The workspace's display name; its slug is made from it. */
  workspaceName: string;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True while nobody can sign in: no operator exists. */
export async function setupNeeded(db: Kysely<Database>): Promise<boolean> {
  return !(await db.selectFrom('operator').select('id').limit(1).executeTakeFirst());
}

/**
 * A new one-time setup token while setup is needed (null once an operator exists).
 * Only its hash is stored, so several web processes accept the token any of them
 * printed; expired ones are dropped.
 */
export async function issueSetupToken(db: Kysely<Database>, now: number): Promise<string | null> {
  if (!(await setupNeeded(db))) return null;
  await db.deleteFrom('setup_token').where('expires_at', '<=', now).execute();
  const token = randomBytes(24).toString('base64url');
  await db
    .insertInto('setup_token')
    .values({ token_hash: hashToken(token), created_at: now, expires_at: now + SETUP_TOKEN_TTL_MS })
    .execute();
  return token;
}

/** A workspace slug from its name: `Tea Lovers` → `tea-lovers`; a name with no Latin letters or digits gets `main`. */
export function slugFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug || 'main';
}

/**
 * The first run: creates the owner and the workspace, only while no operator exists
 * and only with a token `serve` printed. The password is checked and hashed first,
 * outside the transaction; see `createFirstOwner` for the rest.
 */
export async function completeSetup(db: Kysely<Database>, dialect: Dialect, input: SetupInput, now: number): Promise<FirstOwner> {
  checkNewPassword(input.password);
  const { password, ...rest } = input;
  return createFirstOwner(db, dialect, { ...rest, passwordHash: await hashPassword(password) }, now);
}

export interface FirstOwner {
  operatorId: number;
  email: string;
  workspace: Workspace;
}

/**
 * The transaction of the first run, with the password already hashed. Setups take
 * turns (SQLite's one connection; a PostgreSQL transaction lock), so of concurrent
 * attempts exactly one creates an owner and the others are refused; every token goes
 * with it. The owner also owns the workspaces already there (history imported with
 * the CLI before the first start).
 */
export async function createFirstOwner(db: Kysely<Database>, dialect: Dialect, input: Omit<SetupInput, 'password'> & { passwordHash: string }, now: number): Promise<FirstOwner> {
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${SETUP_LOCK})`.execute(trx);
    if (!(await setupNeeded(trx))) throw new SetupError('done', 'Hearth is already set up: sign in instead');
    const used = await trx.deleteFrom('setup_token').where('token_hash', '=', hashToken(input.token)).where('expires_at', '>', now).returning('token_hash').executeTakeFirst();
    if (!used) throw new SetupError('token', 'the setup token is wrong or has expired: open the link the server printed when it started (a restart prints a new one)');
    await trx.deleteFrom('setup_token').execute();
    const workspace = await setUpWorkspace(trx, slugFromName(input.workspaceName), input.workspaceName.trim(), now);
    const operator = await createOperatorWithHash(trx, { email: input.email, passwordHash: input.passwordHash }, now);
    const workspaces = await trx.selectFrom('workspace').select('id').orderBy('id').execute();
    for (const w of workspaces) await setMembership(trx, { operatorId: operator.id, workspaceId: w.id, role: 'owner' }, now);
    await recordAudit(
      trx,
      {
        workspaceId: workspace.id,
        actor: SYSTEM_ACTOR('first-run setup'),
        action: 'operator.created',
        target: { kind: 'operator', id: operator.id },
        detail: { email: operator.email, role: 'owner', workspaces: workspaces.length },
      },
      now,
    );
    return { operatorId: operator.id, email: operator.email, workspace };
  });
}
