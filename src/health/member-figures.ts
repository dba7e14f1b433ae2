import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** One member's figures in a group over some days. Definitions: docs/metrics.md ("Per member"). */
export interface MemberFigures {
  memberId: number;
  displayName: string;
  messages: number;
  activeDays: number;
  repliesGiven: number;
  repliesReceived: number;
  reactions: number;
  lastSeenAt: string | null;
}

/**
 * Members' figures in a group over inclusive days (the group's calendar), most messages
 * first, at most `limit`: counts from the member rollups; replies received from the
 * event log (replies whose target message the member wrote). `memberId` narrows it to
 * one member (the members directory's member page).
 */
export async function memberFigures(db: Kysely<Database>, groupId: number, options: { from?: string; to?: string; limit?: number; memberId?: number } = {}): Promise<MemberFigures[]> {
  let q = db
    .selectFrom('member_group_day')
    .innerJoin('member', 'member.id', 'member_group_day.member_id')
    .select((eb) => [
      'member_group_day.member_id',
      'member.display_name',
      eb.fn.sum<number>('member_group_day.messages').as('messages'),
      eb.fn.count<number>('member_group_day.day').filterWhere('member_group_day.messages', '>', 0).as('active_days'),
      eb.fn.sum<number>('member_group_day.replies').as('replies'),
      eb.fn.sum<number>('member_group_day.reactions').as('reactions'),
    ])
    .where('member_group_day.group_id', '=', groupId)
    .groupBy(['member_group_day.member_id', 'member.display_name'])
    .orderBy('messages', 'desc')
    .orderBy('member_group_day.member_id')
    .limit(options.limit ?? 50);
  if (options.memberId !== undefined) q = q.where('member_group_day.member_id', '=', options.memberId);
  if (options.from) q = q.where('member_group_day.day', '>=', options.from);
  if (options.to) q = q.where('member_group_day.day', '<=', options.to);
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.member_id);
  const [lastRows, received] = await Promise.all([
    db.selectFrom('member_group_total').select(['member_id', 'last_message_at']).where('group_id', '=', groupId).where('member_id', 'in', ids).execute(),
    repliesReceived(db, groupId),
  ]);
  const last = new Map(lastRows.map((r) => [r.member_id, r.last_message_at === null ? null : Number(r.last_message_at)]));
  return rows.map((r) => {
    const at = last.get(r.member_id) ?? null;
    return {
      memberId: r.member_id,
      displayName: r.display_name,
      messages: Number(r.messages),
      activeDays: Number(r.active_days),
      repliesGiven: Number(r.replies),
      repliesReceived: received.get(r.member_id) ?? 0,
      reactions: Number(r.reactions),
      lastSeenAt: at === null ? null : new Date(at).toISOString(),
    };
  });
}

/** Replies each member's messages received in a group (from someone else), over the whole log. */
async function repliesReceived(db: Kysely<Database>, groupId: number): Promise<Map<number, number>> {
  const rows = await db.selectFrom('event').select(['member_id', 'payload']).where('group_id', '=', groupId).where('kind', '=', 'message').orderBy('occurred_at').orderBy('id').execute();
  const author = new Map<string, number>();
  const out = new Map<number, number>();
  for (const r of rows) {
    const p = JSON.parse(r.payload) as { messageId?: string; replyTo?: string };
    if (r.member_id === null) continue;
    if (p.messageId) author.set(p.messageId, r.member_id);
    if (p.replyTo) {
      const to = author.get(p.replyTo);
      if (to !== undefined && to !== r.member_id) out.set(to, (out.get(to) ?? 0) + 1);
    }
  }
  return out;
}
