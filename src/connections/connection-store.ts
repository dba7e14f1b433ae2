import type { Kysely } from 'kysely';
import { platformSchema, type Platform } from '../core/event.js';
import type { Connection } from '../platforms/platform-module.js';
import type { Database } from '../store/schema.js';
import type { SecretBox } from './secret-box.js';

/** A platform connection with its credentials decrypted (defined below both this folder and the platforms). */
export type { Connection };

/**
 * Whether a connection works, as the process receiving for it last saw it:
 * `connecting` (starting, or not opened by a server yet), `running`, `failing` (with
 * the reason, and when it is tried again), `paused` (an operator paused it).
 */
export interface ConnectionHealth {
  state: 'connecting' | 'running' | 'failing' | 'paused';
  /** Why the last attempt failed: the platform's words, never a credential. */
  lastError?: string;
  /** When the next attempt is due (ISO 8601), while failing. */
  retryAt?: string;
  /** When this was last recorded (ISO 8601). */
  since?: string;
  /** When the connection last received an event (ISO 8601). */
  lastEventAt?: string;
  /** What logging in waits for: the value of the QR code to scan (a WeChat account). */
  loginQr?: string;
}

/** What may be shown of a connection: never its credentials. */
export interface ConnectionSummary {
  id: number;
  workspaceId: number;
  platform: Platform;
  name: string;
  status: 'active' | 'paused';
  createdAt: string;
  health: ConnectionHealth;
}

/** A health record as the supervisor writes it. */
export interface HealthRecord {
  state: 'connecting' | 'running' | 'failing' | 'stopped';
  lastError?: string | null;
  retryAt?: number | null;
}

const SUMMARY = ['id', 'workspace_id', 'platform', 'name', 'status', 'created_at', 'health_state', 'health_error', 'health_retry_at', 'health_at', 'last_event_at', 'login_prompt'] as const;

export class ConnectionNotFoundError extends Error {
  override readonly name = 'ConnectionNotFoundError';
  constructor(readonly ref: string | number) {
    super(`no connection ${JSON.stringify(ref)}`);
  }
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/i;

/** Platform connections of workspaces, credentials sealed at rest. */
export class ConnectionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
  ) {}

  async add(input: { workspaceId: number; platform: string; name: string; settings: Record<string, unknown> }, now = Date.now()): Promise<ConnectionSummary> {
    const platform = platformSchema.parse(input.platform);
    if (!NAME.test(input.name)) throw new Error(`invalid connection name ${JSON.stringify(input.name)}: letters, digits, - and _`);
    const existing = await this.db.selectFrom('connection').select('id').where('workspace_id', '=', input.workspaceId).where('name', '=', input.name).executeTakeFirst();
    if (existing) throw new Error(`a connection named ${input.name} already exists in this workspace`);
    const { id } = await this.db
      .insertInto('connection')
      .values({ workspace_id: input.workspaceId, platform, name: input.name, status: 'active', config: this.box.seal(JSON.stringify(input.settings)), created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    return this.summary(id);
  }

  async list(workspaceId?: number): Promise<ConnectionSummary[]> {
    let q = this.db.selectFrom('connection').select(SUMMARY).orderBy('id');
    if (workspaceId !== undefined) q = q.where('workspace_id', '=', workspaceId);
    return (await q.execute()).map((row) => this.#present(row));
  }

  async summary(id: number): Promise<ConnectionSummary> {
    const row = await this.db.selectFrom('connection').select(SUMMARY).where('id', '=', id).executeTakeFirst();
    if (!row) throw new ConnectionNotFoundError(id);
    return this.#present(row);
  }

  /** The connection with its credentials, for its adapter. */
  async get(id: number): Promise<Connection> {
    const row = await this.db.selectFrom('connection').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new ConnectionNotFoundError(id);
    return {
      id: row.id,
      workspaceId: row.workspace_id,
      platform: platformSchema.parse(row.platform),
      name: row.name,
      status: row.status,
      settings: JSON.parse(this.box.open(row.config)) as Record<string, unknown>,
      createdAt: Number(row.created_at),
    };
  }

  /** Finds a workspace's connection by id or name. */
  async find(workspaceId: number, ref: string | number): Promise<ConnectionSummary> {
    const byId = typeof ref === 'number' || /^\d+$/.test(ref);
    const row = await this.db
      .selectFrom('connection')
      .select(SUMMARY)
      .where('workspace_id', '=', workspaceId)
      .where(byId ? 'id' : 'name', '=', byId ? Number(ref) : String(ref))
      .executeTakeFirst();
    if (!row) throw new ConnectionNotFoundError(ref);
    return this.#present(row);
  }

  /** Records a connection's health (the supervisor of the process that receives for it). */
  async setHealth(id: number, health: HealthRecord, now = Date.now()): Promise<void> {
    await this.db
      .updateTable('connection')
      .set({ health_state: health.state, health_error: health.lastError ?? null, health_retry_at: health.retryAt ?? null, health_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** Records that the connection received events at `at` (the supervisor, a few times a minute at most). */
  async noteEvent(id: number, at: number): Promise<void> {
    await this.db.updateTable('connection').set({ last_event_at: at }).where('id', '=', id).execute();
  }

  /** Records what logging in waits for (a QR code's value, sealed), or null once nothing is. */
  async setLoginPrompt(id: number, prompt: { qrcode: string } | null): Promise<void> {
    await this.db
      .updateTable('connection')
      .set({ login_prompt: prompt ? this.box.seal(prompt.qrcode) : null })
      .where('id', '=', id)
      .execute();
  }

  /** The groups a connection serves (their history stays in Hearth when it goes). */
  async groups(id: number): Promise<{ id: number; name: string; externalId: string }[]> {
    const rows = await this.db.selectFrom('chat_group').select(['id', 'name', 'external_id']).where('connection_id', '=', id).orderBy('name').orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, externalId: r.external_id }));
  }

  /** The latest `limit` actions Hearth planned in a group (JSON), newest first: what it uses there. */
  async recentActions(groupId: number, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('outbox').select('action').where('group_id', '=', groupId).orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => r.action);
  }

  async setStatus(id: number, status: 'active' | 'paused'): Promise<ConnectionSummary> {
    await this.db.updateTable('connection').set({ status }).where('id', '=', id).execute();
    return this.summary(id);
  }

  /** Removes a connection. Its groups and history stay; they just no longer have a live link. */
  async remove(id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('chat_group').set({ connection_id: null }).where('connection_id', '=', id).execute();
      await trx.deleteFrom('connection').where('id', '=', id).execute();
    });
  }

  #present(row: SummaryRow): ConnectionSummary {
    const summary = present(row);
    // A paused or stopped account waits for no login.
    if (row.login_prompt !== null && summary.health.state !== 'paused') summary.health.loginQr = this.box.open(row.login_prompt);
    return summary;
  }
}

type SummaryRow = {
  id: number;
  workspace_id: number;
  platform: string;
  name: string;
  status: 'active' | 'paused';
  created_at: number;
  health_state: HealthRecord['state'] | null;
  health_error: string | null;
  health_retry_at: number | null;
  health_at: number | null;
  last_event_at: number | null;
  login_prompt: string | null;
};

function present(row: SummaryRow): ConnectionSummary {
  return { id: row.id, workspaceId: row.workspace_id, platform: platformSchema.parse(row.platform), name: row.name, status: row.status, createdAt: iso(row.created_at), health: healthOf(row) };
}

function healthOf(row: SummaryRow): ConnectionHealth {
  const lastEvent = row.last_event_at !== null ? { lastEventAt: iso(row.last_event_at) } : {};
  if (row.status === 'paused') return { state: 'paused', ...lastEvent };
  // Not opened yet, or stopped by a process before it was resumed: it connects when a server opens it.
  const state = row.health_state === null || row.health_state === 'stopped' ? 'connecting' : row.health_state;
  return {
    state,
    ...(state === 'failing' && row.health_error ? { lastError: row.health_error } : {}),
    ...(state === 'failing' && row.health_retry_at !== null ? { retryAt: iso(row.health_retry_at) } : {}),
    ...(row.health_at !== null ? { since: iso(row.health_at) } : {}),
    ...lastEvent,
  };
}

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();
