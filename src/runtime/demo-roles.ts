import type { Kysely } from 'kysely';
import { setMemberRoles } from '../groups/member-roles.js';
import type { MemberRole } from '../groups/staffing-checks.js';
import type { Database } from '../store/schema.js';
import type { HearthRuntime } from './hearth-runtime.js';

/** Staff the demo's simulated communities mark in their names, as real groups do. */
const ADMIN_NAME = /管理员|群主|\badmin\b/i;
const OFFICIAL_NAME = /官方|客服|\bofficial\b|\bsupport\b/i;

/**
 * The demo's staff, as an operator would have named them: members whose names mark
 * them as administrators or official accounts hold those roles, the three most active
 * of the others are opinion leaders, and the two who joined first (and are still there)
 * seed users. The staffing card then shows what a real group shows: a staff, and the
 * findings it still has (too few administrators in a big group, say).
 */
export async function seedDemoRoles(runtime: HearthRuntime, workspaceId: number, now: number): Promise<void> {
  const { db } = runtime.store;
  const groups = await db.selectFrom('chat_group').select('id').where('workspace_id', '=', workspaceId).where('platform', '=', 'sandbox').orderBy('id').execute();
  for (const g of groups) {
    const roles = new Map<number, MemberRole[]>();
    const present = await presentMembers(db, g.id);
    for (const m of present) {
      if (ADMIN_NAME.test(m.name)) roles.set(m.memberId, ['administrator']);
      else if (OFFICIAL_NAME.test(m.name)) roles.set(m.memberId, ['official']);
    }
    const others = present.filter((m) => !roles.has(m.memberId));
    const byMessages = [...others].sort((a, b) => b.messages - a.messages || a.memberId - b.memberId);
    for (const m of byMessages.slice(0, 3)) roles.set(m.memberId, ['opinion_leader']);
    const byJoin = others.filter((m) => !roles.has(m.memberId)).sort((a, b) => a.joinedAt - b.joinedAt || a.memberId - b.memberId);
    for (const m of byJoin.slice(0, 2)) roles.set(m.memberId, ['seed']);
    for (const [memberId, held] of roles) await setMemberRoles(db, { id: g.id, workspaceId }, memberId, held, null, now);
  }
}

async function presentMembers(db: Kysely<Database>, groupId: number) {
  const rows = await db
    .selectFrom('membership as s')
    .innerJoin('member as m', 'm.id', 's.member_id')
    .leftJoin('member_group_total as t', (j) => j.onRef('t.group_id', '=', 's.group_id').onRef('t.member_id', '=', 's.member_id'))
    .select(['s.member_id', 's.joined_at', 'm.display_name', 't.messages'])
    .where('s.group_id', '=', groupId)
    .where('s.left_at', 'is', null)
    .where('m.is_bot', '=', 0)
    .execute();
  return rows.map((r) => ({ memberId: r.member_id, name: r.display_name, joinedAt: Number(r.joined_at), messages: Number(r.messages ?? 0) }));
}
