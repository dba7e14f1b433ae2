import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { isTokenScope, type TokenScope } from './roles.js';
import { randomToken, sha256 } from './sessions.js';

const TOKEN_PREFIX = 'hth_';
const TOKEN_SHAPE = /^hth_[A-Za-z0-9_-]{43}$/;

export class TokenError extends Error {
  override readonly name = 'TokenError';
}

/** A token as its workspace's managers see it: never its secret or hash. */
export interface ApiTokenInfo {
  id: number;
  workspaceId: number;
  operatorId: number;
  name: string;
  prefix: string;
  scopes: TokenScope[];
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/** Parses a scopes list ("read,act"); throws TokenError naming an unknown scope. */
export function parseScopes(value: string | readonly string[]): TokenScope[] {
  const list = (typeof value === 'string' ? value.split(',') : [...value]).map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new TokenError('a token needs at least one scope: read, act or configure');
  const unknown = list.filter((s) => !isTokenScope(s));
  if (unknown.length) throw new TokenError(`unknown scope ${unknown.join(', ')}: tokens may have read, act and configure`);
  return [...new Set(list as TokenScope[])];
}

/**
 * Creates a bearer token for a workspace. The secret is returned here once and only
 * its SHA-256 is stored, so it can never be shown again.
 */
export async function createApiToken(
  db: Kysely<Database>,
  input: { workspaceId: number; operatorId: number; name: string; scopes: readonly TokenScope[]; expiresAt?: number | null },
  now: number,
): Promise<{ token: string; info: ApiTokenInfo }> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw new TokenError('a token needs a name of 1 to 100 characters');
  const scopes = parseScopes(input.scopes);
  const token = `${TOKEN_PREFIX}${randomToken()}`;
  const prefix = token.slice(0, 10);
  const row = await db
    .insertInto('api_token')
    .values({
      workspace_id: input.workspaceId,
      operator_id: input.operatorId,
      name,
      prefix,
      token_hash: sha256(token),
      scopes: scopes.join(','),
      created_at: now,
      expires_at: input.expiresAt ?? null,
      revoked_at: null,
      last_used_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    token,
    info: {
      id: Number(row.id),
      workspaceId: input.workspaceId,
      operatorId: input.operatorId,
      name,
      prefix,
      scopes,
      createdAt: now,
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
      lastUsedAt: null,
    },
  };
}

/**
 * The live token a bearer secret names, or undefined (malformed, unknown, revoked,
 * expired, or its operator disabled). Records when it was last used, at most once a minute.
 */
export async function findApiToken(db: Kysely<Database>, token: string, now: number): Promise<ApiTokenInfo | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const row = await db
    .selectFrom('api_token')
    .innerJoin('operator', 'operator.id', 'api_token.operator_id')
    .selectAll('api_token')
    .where('api_token.token_hash', '=', sha256(token))
    .where('operator.disabled', '=', 0)
    .executeTakeFirst();
  if (!row || row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now)) return undefined;
  if (row.last_used_at === null || now - row.last_used_at >= 60_000) {
    await db.updateTable('api_token').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return toInfo({ ...row, last_used_at: now });
}

/** A workspace's tokens (all of them, or one operator's), newest first. */
export async function listApiTokens(db: Kysely<Database>, workspaceId: number): Promise<ApiTokenInfo[]> {
  const rows = await db.selectFrom('api_token').selectAll().where('workspace_id', '=', workspaceId).orderBy('id', 'desc').execute();
  return rows.map(toInfo);
}

export async function getApiToken(db: Kysely<Database>, id: number): Promise<ApiTokenInfo | undefined> {
  const row = await db.selectFrom('api_token').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toInfo(row) : undefined;
}

/** Revokes a token; revoking it again changes nothing. Returns whether this call revoked it. */
export async function revokeApiToken(db: Kysely<Database>, id: number, now: number): Promise<boolean> {
  const result = await db.updateTable('api_token').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

function toInfo(row: {
  id: number;
  workspace_id: number;
  operator_id: number;
  name: string;
  prefix: string;
  scopes: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}): ApiTokenInfo {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    operatorId: row.operator_id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.split(',').filter(isTokenScope),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
