import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { builtinSpamModel } from './builtin-model.js';
import { deserializeSpamModel, type SpamModel, serializeSpamModel, type StoredSpamModel } from './spam-model.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Stores a workspace's newly trained model, replacing the one before (one statement: never half stored). */
export async function saveSpamModel(db: Db, workspaceId: number, model: SpamModel, now: number): Promise<void> {
  const row = { model: JSON.stringify(serializeSpamModel(model)), spam_count: model.trainedOn.spam, ham_count: model.trainedOn.ham, trained_at: now };
  await db
    .insertInto('spam_model')
    .values({ workspace_id: workspaceId, ...row })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(row))
    .execute();
}

/** Which model judges a workspace's messages: its own trained one, or the one Hearth ships. */
export interface ActiveSpamModel {
  model: SpamModel;
  source: 'trained' | 'builtin';
  trainedAt: number | null;
}

export async function loadSpamModel(db: Db, workspaceId: number): Promise<ActiveSpamModel> {
  const row = await db.selectFrom('spam_model').select(['model', 'trained_at']).where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) return { model: builtinSpamModel(), source: 'builtin', trainedAt: null };
  return { model: deserializeSpamModel(JSON.parse(row.model) as StoredSpamModel), source: 'trained', trainedAt: Number(row.trained_at) };
}

/**
 * Each workspace's model, read at most every `maxAgeMs` (a `spam train` in another
 * process takes effect within it), for the spam rule on the hot path.
 */
export class SpamModelCache {
  #models = new Map<number, { model: SpamModel; readAt: number }>();
  constructor(private readonly maxAgeMs = 30_000) {}

  async get(db: Db, workspaceId: number, now: number): Promise<SpamModel> {
    const hit = this.#models.get(workspaceId);
    if (hit && now - hit.readAt < this.maxAgeMs && now >= hit.readAt) return hit.model;
    const { model } = await loadSpamModel(db, workspaceId);
    this.#models.set(workspaceId, { model, readAt: now });
    return model;
  }

  invalidate(): void {
    this.#models.clear();
  }
}
