import type { Kysely } from 'kysely';
import type { Connection } from '../../connections/connection-store.js';
import type { Database } from '../../store/schema.js';
import { runConnection, type ConnectionRuntime } from '../platform-adapter.js';
import type { TelegramChatMigration } from './normalizer.js';
import { TelegramAdapter } from './telegram-adapter.js';

/** What a migration and a connection need of the runtime, by shape (HearthRuntime has it). */
export interface TelegramRuntime extends ConnectionRuntime {
  readonly store: { readonly db: Kysely<Database> };
  readonly ingestor: { readonly directory: { forgetGroup(groupId: number): void } };
}

export type ChatMigrationOutcome =
  /** The group now answers to the supergroup's id, its history kept. */
  | { status: 'moved'; groupId: number }
  /** Already done (the other of Telegram's two notices), or the old group was never seen. */
  | { status: 'nothing-to-move' }
  /** Both ids already have history in Hearth: left as two groups, to be merged by an operator. */
  | { status: 'conflict'; fromGroupId: number; toGroupId: number };

/**
 * Group → supergroup migration: Telegram gives the group a new chat id. The Hearth
 * group keeps its id, history and settings and takes the new external id, so events
 * and sends go on in the same group. When the supergroup id already has a group of
 * its own that nothing refers to (created ahead of the notice), that empty one is
 * dropped; when anything refers to it (events, memberships, a rule), both are left
 * as they are and the outcome says so.
 */
export async function applyTelegramChatMigration(runtime: Pick<TelegramRuntime, 'store' | 'ingestor'>, workspaceId: number, migration: TelegramChatMigration): Promise<ChatMigrationOutcome> {
  let outcome: ChatMigrationOutcome & { dropped?: number };
  try {
    outcome = await runtime.store.db.transaction().execute(async (trx) => {
      const find = (externalId: string) =>
        trx.selectFrom('chat_group').select(['id']).where('workspace_id', '=', workspaceId).where('platform', '=', 'telegram').where('external_id', '=', externalId).executeTakeFirst();
      const from = await find(migration.from);
      if (!from) return { status: 'nothing-to-move' } as const;
      const to = await find(migration.to);
      if (to) {
        try {
          // Every table that refers to a group does so by foreign key: the delete fails if anything does.
          await trx.deleteFrom('chat_group').where('id', '=', to.id).execute();
        } catch (error) {
          if (isForeignKeyViolation(error)) throw new GroupInUse(from.id, to.id);
          throw error;
        }
      }
      await trx.updateTable('chat_group').set({ external_id: migration.to }).where('id', '=', from.id).execute();
      return { status: 'moved', groupId: from.id, ...(to ? { dropped: to.id } : {}) } as const;
    });
  } catch (error) {
    if (error instanceof GroupInUse) return { status: 'conflict', fromGroupId: error.fromGroupId, toGroupId: error.toGroupId };
    throw error;
  }
  if (outcome.status !== 'moved') return outcome;
  runtime.ingestor.directory.forgetGroup(outcome.groupId);
  if (outcome.dropped !== undefined) runtime.ingestor.directory.forgetGroup(outcome.dropped);
  return { status: 'moved', groupId: outcome.groupId };
}

class GroupInUse extends Error {
  constructor(
    readonly fromGroupId: number,
    readonly toGroupId: number,
  ) {
    super('the supergroup already has history');
  }
}

function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

export interface OpenTelegramConnectionOptions {
  /** Background errors: polling failures, migrations left as two groups. Token already redacted. */
  onError?: (error: Error) => void;
  pollTimeoutSeconds?: number;
  /**
   * Receive in this process (default true for both). Only one process may poll a bot
   * (Telegram answers 409 to a second), so in scale mode the `bots` role polls and
   * the `web` role takes webhooks; a worker only sends and sets both to false.
   */
  poll?: boolean;
  webhook?: boolean;
}

/**
 * Brings a stored Telegram connection to life in a runtime: the adapter is registered
 * in `runtime.connections` (the dispatcher sends through it), migrations re-key the
 * workspace's groups, and updates — polled, or delivered to the webhook route — are
 * ingested for the connection's workspace. Stop it with `adapter.stop()`.
 *
 * @example
 *   for (const c of await connections.list()) if (c.platform === 'telegram' && c.status === 'active')
 *     await openTelegramConnection(runtime, await connections.get(c.id), { onError: (e) => log.error({ err: e }, 'telegram') });
 */
export async function openTelegramConnection(runtime: TelegramRuntime, connection: Connection, options: OpenTelegramConnectionOptions = {}): Promise<TelegramAdapter> {
  const { id, workspaceId } = connection;
  const adapter = new TelegramAdapter({
    settings: connection.settings,
    connection: { id, workspaceId },
    clock: runtime.clock,
    onChatMigration: async (migration) => {
      const outcome = await applyTelegramChatMigration(runtime, workspaceId, migration);
      if (outcome.status === 'conflict') options.onError?.(new Error(`telegram group ${migration.from} became supergroup ${migration.to}, but both already have history in Hearth (groups ${outcome.fromGroupId} and ${outcome.toGroupId}); left unmerged`));
    },
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.pollTimeoutSeconds !== undefined ? { pollTimeoutSeconds: options.pollTimeoutSeconds } : {}),
  });
  return runConnection(runtime, connection, adapter, adapter.mode === 'polling' ? (options.poll ?? true) : (options.webhook ?? true));
}
