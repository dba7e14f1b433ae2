import type { Kysely, Transaction } from 'kysely';
import { addMemberDays, addMemberTotals } from '../ingest/rollup-accumulator.js';
import type { Database } from '../store/schema.js';

export class MemberLinkError extends Error {
  override readonly name = 'MemberLinkError';
}

/** A likely "same person" pair, with why Hearth thinks so. */
export interface LinkSuggestion {
  memberId: number;
  otherMemberId: number;
  names: [string, string];
  platforms: [string, string];
  score: number;
  reasons: string[];
}

/**
 * Makes two members of a workspace one person: `mergeId`'s identities, memberships,
 * events and rollups move to `keepId`, adding up where both have figures for the same
 * group and day, and `mergeId` disappears. One transaction: all of it or none.
 */
export async function linkMembers(db: Kysely<Database>, workspaceId: number, keepId: number, mergeId: number): Promise<void> {
  if (keepId === mergeId) throw new MemberLinkError('a member cannot be linked to itself');
  await db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom('member').select(['id', 'first_seen_at']).where('workspace_id', '=', workspaceId).where('id', 'in', [keepId, mergeId]).execute();
    if (found.length !== 2) throw new MemberLinkError(`members ${keepId} and ${mergeId} are not both in this workspace`);
    await trx.updateTable('identity').set({ member_id: keepId }).where('member_id', '=', mergeId).execute();
    await foldOpenStays(trx, keepId, mergeId);
    await trx.updateTable('membership').set({ member_id: keepId }).where('member_id', '=', mergeId).execute();
    await trx.updateTable('membership').set({ inviter_member_id: keepId }).where('inviter_member_id', '=', mergeId).execute();
    await trx.updateTable('event').set({ member_id: keepId }).where('member_id', '=', mergeId).execute();
    // Their tracked links, clicks and conversions follow them (src/conversion/links).
    await trx.updateTable('tracked_link').set({ member_id: keepId }).where('member_id', '=', mergeId).execute();
    await trx.updateTable('link_click').set({ member_id: keepId }).where('member_id', '=', mergeId).execute();
    await trx.updateTable('conversion').set({ member_id: keepId }).where('member_id', '=', mergeId).execute();

    const days = await trx.selectFrom('member_group_day').selectAll().where('member_id', '=', mergeId).execute();
    await trx.deleteFrom('member_group_day').where('member_id', '=', mergeId).execute();
    await addMemberDays(
      trx,
      days.map((d) => ({ ...d, member_id: keepId })),
    );
    const totals = await trx.selectFrom('member_group_total').selectAll().where('member_id', '=', mergeId).execute();
    await trx.deleteFrom('member_group_total').where('member_id', '=', mergeId).execute();
    await addMemberTotals(
      trx,
      totals.map((t) => ({ ...t, member_id: keepId })),
    );
    const firstSeen = Math.min(...found.map((m) => Number(m.first_seen_at)));
    await trx.updateTable('member').set({ first_seen_at: firstSeen }).where('id', '=', keepId).execute();
    await trx.deleteFrom('member').where('id', '=', mergeId).execute();
  });
}

/**
 * A person is in a group once: where both members have an open stay in the same group,
 * the kept member's stay starts at the earlier of the two and keeps a join's method,
 * inviter and code (its own, else the other's), and the other stay goes.
 */
async function foldOpenStays(trx: Transaction<Database>, keepId: number, mergeId: number): Promise<void> {
  const open = await trx
    .selectFrom('membership')
    .select(['id', 'group_id', 'member_id', 'joined_at', 'join_method', 'inviter_member_id', 'code'])
    .where('member_id', 'in', [keepId, mergeId])
    .where('left_at', 'is', null)
    .execute();
  const kept = new Map(open.filter((s) => s.member_id === keepId).map((s) => [s.group_id, s]));
  for (const other of open) {
    const stay = other.member_id === mergeId ? kept.get(other.group_id) : undefined;
    if (!stay) continue;
    const join = stay.join_method !== null ? stay : other;
    await trx.deleteFrom('membership').where('id', '=', other.id).execute();
    await trx
      .updateTable('membership')
      .set({ joined_at: Math.min(Number(stay.joined_at), Number(other.joined_at)), join_method: join.join_method, inviter_member_id: join.inviter_member_id, code: join.code })
      .where('id', '=', stay.id)
      .execute();
  }
}

/** Folds a display name for comparison: case, width, spaces, punctuation and emoji removed. */
export function foldName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\p{Z}\s]+/gu, '');
}

/**
 * Suggests members on different platforms who are likely one person: the same folded
 * display name or username, more likely still when they are in groups of the same
 * workspace around the same time. Never links on its own: an operator confirms.
 */
export async function suggestLinks(db: Kysely<Database>, workspaceId: number, limit = 100): Promise<LinkSuggestion[]> {
  const identities = await db.selectFrom('identity').select(['member_id', 'platform', 'display_name', 'username']).where('workspace_id', '=', workspaceId).execute();
  const byKey = new Map<string, typeof identities>();
  for (const identity of identities) {
    const keys = new Set([`n:${foldName(identity.display_name)}`, ...(identity.username ? [`u:${identity.username.toLowerCase()}`] : [])]);
    for (const key of keys) {
      if (key.length < 4) continue; // one- or two-letter names say nothing
      const list = byKey.get(key) ?? [];
      list.push(identity);
      byKey.set(key, list);
    }
  }
  const pairs = new Map<string, LinkSuggestion>();
  for (const [key, list] of byKey) {
    if (list.length > 20) continue; // a name this common ("Admin", "小明") is no evidence
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [a, b] = [list[i]!, list[j]!];
        if (a.member_id === b.member_id || a.platform === b.platform) continue;
        const [x, y] = a.member_id < b.member_id ? [a, b] : [b, a];
        const id = `${x.member_id}|${y.member_id}`;
        const s = pairs.get(id) ?? {
          memberId: x.member_id,
          otherMemberId: y.member_id,
          names: [x.display_name, y.display_name] as [string, string],
          platforms: [x.platform, y.platform] as [string, string],
          score: 0,
          reasons: [],
        };
        const reason = key.startsWith('u:') ? 'same username' : 'same display name';
        if (!s.reasons.includes(reason)) {
          s.reasons.push(reason);
          s.score += key.startsWith('u:') ? 0.6 : 0.4 / Math.max(1, list.length - 1);
        }
        pairs.set(id, s);
      }
    }
  }
  return [...pairs.values()]
    .map((s) => ({ ...s, score: Math.min(1, Math.round(s.score * 100) / 100) }))
    .sort((a, b) => b.score - a.score || a.memberId - b.memberId)
    .slice(0, limit);
}
