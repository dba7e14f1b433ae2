import type { Kysely } from 'kysely';
import { platformSchema, type Platform } from '../core/event.js';
import type { Database } from '../store/schema.js';
import type { SecretBox } from './secret-box.js';

/** A platform connection with its credentials decrypted: only for the adapter that uses it. */
export interface Connection {
  id: number;
  workspaceId: number;
  platform: Platform;
  name: string;
  status: 'active' | 'paused';
  /** Platform settings and credentials (token, webhook secret, puppet…). Never printed or logged. */
  settings: Record<string, unknown>;
  createdAt: number;
}

/** What may be shown of a connection: never its credentials. */
export interface ConnectionSummary {
  id: number;
  workspaceId: number;
  platform: Platform;
  name: string;
  status: 'active' | 'paused';
  createdAt: string;
}

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
    let q = this.db.selectFrom('connection').select(['id', 'workspace_id', 'platform', 'name', 'status', 'created_at']).orderBy('id');
    if (workspaceId !== undefined) q = q.where('workspace_id', '=', workspaceId);
    return (await q.execute()).map(present);
  }

  async summary(id: number): Promise<ConnectionSummary> {
    const row = await this.db.selectFrom('connection').select(['id', 'workspace_id', 'platform', 'name', 'status', 'created_at']).where('id', '=', id).executeTakeFirst();
    if (!row) throw new ConnectionNotFoundError(id);
    return present(row);
  }

  /** The connection with its credentials, for its adapter. */
  async get(id: number): Promise<Connection> {
    const row = await this.db.selectFrom('connection').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new ConnectionNotFoundError(id);
    return { id: row.id, workspaceId: row.workspace_id, platform: platformSchema.parse(row.platform), name: row.name, status: row.status, settings: JSON.parse(this.box.open(row.config)) as Record<string, unknown>, createdAt: Number(row.created_at) };
  }

  /** Finds a workspace's connection by id or name. */
  async find(workspaceId: number, ref: string | number): Promise<ConnectionSummary> {
    const byId = typeof ref === 'number' || /^\d+$/.test(ref);
    const row = await this.db
      .selectFrom('connection')
      .select(['id', 'workspace_id', 'platform', 'name', 'status', 'created_at'])
      .where('workspace_id', '=', workspaceId)
      .where(byId ? 'id' : 'name', '=', byId ? Number(ref) : String(ref))
      .executeTakeFirst();
    if (!row) throw new ConnectionNotFoundError(ref);
    return present(row);
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
}

function present(row: { id: number; workspace_id: number; platform: string; name: string; status: 'active' | 'paused'; created_at: number }): ConnectionSummary {
  return { id: row.id, workspaceId: row.workspace_id, platform: platformSchema.parse(row.platform), name: row.name, status: row.status, createdAt: new Date(Number(row.created_at)).toISOString() };
}
