import type { Kysely, Transaction } from 'kysely';
import type { ModerationRecord } from '../shared/moderation-records.js';
import type { Database } from '../store/schema.js';
import type { LabelledText } from './spam-model.js';

type Db = Kysely<Database> | Transaction<Database>;

/** One queued message as the API and dashboard show it: one definition, in src/shared. */
export type ModerationItem = ModerationRecord;
export type ModerationStatus = ModerationRecord['status'];

export class ModerationItemNotFoundError extends Error {
  override readonly name = 'ModerationItemNotFound';
}

const parseList = (json: string): string[] => {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};

/** The queue, newest first: pending items by default; `groupIds` limits it to an operator's groups. */
export async function listModeration(db: Db, q: { workspaceId: number; status?: ModerationStatus | 'all'; groupIds?: number[] | null; limit?: number }): Promise<ModerationItem[]> {
  let query = db
    .selectFrom('moderation_item as m')
    .innerJoin('chat_group as g', 'g.id', 'm.group_id')
    .leftJoin('member as p', 'p.id', 'm.member_id')
    .select([
      'm.id',
      'm.group_id',
      'g.name as group_name',
      'g.platform',
      'm.member_id',
      'p.display_name as member_name',
      'm.message_id',
      'm.text',
      'm.score',
      'm.reasons',
      'm.planned',
      'm.status',
      'm.created_at',
      'm.decided_at',
      'm.decided_by',
    ])
    .where('m.workspace_id', '=', q.workspaceId);
  const status = q.status ?? 'pending';
  if (status !== 'all') query = query.where('m.status', '=', status);
  if (q.groupIds) query = q.groupIds.length ? query.where('m.group_id', 'in', q.groupIds) : query.where(({ lit }) => lit(false));
  const rows = await query
    .orderBy('m.id', 'desc')
    .limit(q.limit ?? 200)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    groupId: Number(r.group_id),
    groupName: r.group_name ?? '',
    platform: r.platform,
    memberId: r.member_id === null ? null : Number(r.member_id),
    memberName: r.member_name ?? null,
    messageId: r.message_id,
    text: r.text,
    score: Number(r.score),
    reasons: parseList(r.reasons),
    planned: parseList(r.planned),
    status: r.status,
    createdAt: Number(r.created_at),
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
    decidedBy: r.decided_by,
  }));
}

/** The workspace and group a queue item belongs to, for access checks. */
export async function moderationItemOwner(db: Db, id: number): Promise<{ workspaceId: number; groupId: number } | null> {
  const row = await db.selectFrom('moderation_item').select(['workspace_id', 'group_id']).where('id', '=', id).executeTakeFirst();
  return row ? { workspaceId: Number(row.workspace_id), groupId: Number(row.group_id) } : null;
}

/**
 * An operator's decision: approved (it was spam: the model was right) or dismissed (it
 * was not). A decision can be changed; each is kept for the next training.
 */
export async function decideModeration(db: Db, id: number, decision: 'approved' | 'dismissed', by: string, now: number): Promise<void> {
  const result = await db.updateTable('moderation_item').set({ status: decision, decided_at: now, decided_by: by }).where('id', '=', id).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new ModerationItemNotFoundError(`no moderation item ${id}`);
}

/** The operators' decisions as training examples: approved → spam, dismissed → ham. */
export async function decidedExamples(db: Db, workspaceId: number): Promise<LabelledText[]> {
  const rows = await db.selectFrom('moderation_item').select(['text', 'status']).where('workspace_id', '=', workspaceId).where('status', 'in', ['approved', 'dismissed']).execute();
  return rows.map((r) => ({ label: r.status === 'approved' ? 'spam' : 'ham', text: r.text }));
}
