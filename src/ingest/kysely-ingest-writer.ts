import { sql, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { EventRow, GroupMember, GroupRow, IngestWriter, MemberRow, MembershipRow, NewMembership, OutboxRow, RollupDeltas } from './ingest-writer.js';
import { addMemberDays, addMemberTotals } from './rollup-accumulator.js';

export type Trx = Transaction<Database>;

const CHUNK = 500;

/**
 * Ingest's reads and writes through Kysely, as multi-row statements: what PostgreSQL
 * runs (one round trip per statement is its cost, not building the query).
 */
export class KyselyIngestWriter implements IngestWriter {
  constructor(private readonly trx: Trx) {}

  async findGroup(workspaceId: number, platform: string, externalId: string): Promise<GroupRow | undefined> {
    return this.trx
      .selectFrom('chat_group')
      .select(['id', 'name', 'timezone'])
      .where('workspace_id', '=', workspaceId)
      .where('platform', '=', platform)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
  }

  async createGroup(row: { workspace_id: number; connection_id: number | null; platform: string; external_id: string; name: string; created_at: number }): Promise<void> {
    await this.trx
      .insertInto('chat_group')
      .values(row)
      .onConflict((oc) => oc.columns(['workspace_id', 'platform', 'external_id']).doNothing())
      .execute();
  }

  async findMembers(workspaceId: number, platform: string, externalIds: readonly string[]): Promise<MemberRow[]> {
    const out: MemberRow[] = [];
    for (let i = 0; i < externalIds.length; i += CHUNK) {
      const rows = await this.trx
        .selectFrom('identity')
        .innerJoin('member', 'member.id', 'identity.member_id')
        .select(['identity.external_id', 'member.id', 'member.display_name', 'member.is_bot'])
        .where('identity.workspace_id', '=', workspaceId)
        .where('identity.platform', '=', platform)
        .where('identity.external_id', 'in', externalIds.slice(i, i + CHUNK))
        .execute();
      out.push(...rows);
    }
    return out;
  }

  async createMember(member: { workspace_id: number; display_name: string; is_bot: number; first_seen_at: number }, identity: { platform: string; external_id: string; username: string | null }): Promise<number> {
    const { id } = await this.trx.insertInto('member').values(member).returning('id').executeTakeFirstOrThrow();
    await this.trx
      .insertInto('identity')
      .values({ workspace_id: member.workspace_id, member_id: id, platform: identity.platform, external_id: identity.external_id, display_name: member.display_name, username: identity.username })
      .execute();
    return id;
  }

  async insertEvents(rows: readonly EventRow[]): Promise<Map<string, number>> {
    const inserted = new Map<string, number>();
    for (let i = 0; i < rows.length; i += CHUNK) {
      const returned = await this.trx
        .insertInto('event')
        .values(rows.slice(i, i + CHUNK))
        .onConflict((oc) => oc.columns(['workspace_id', 'dedup_key']).doNothing())
        .returning(['id', 'dedup_key'])
        .execute();
      for (const r of returned) inserted.set(r.dedup_key, r.id);
    }
    return inserted;
  }

  async erasedAmong(memberIds: readonly number[]): Promise<Set<number>> {
    const erased = new Set<number>();
    for (let i = 0; i < memberIds.length; i += CHUNK) {
      const rows = await this.trx.selectFrom('member').select('id').where('id', 'in', memberIds.slice(i, i + CHUNK)).where('erased_at', 'is not', null).execute();
      for (const r of rows) erased.add(r.id);
    }
    return erased;
  }

  async memberships(pairs: readonly GroupMember[]): Promise<MembershipRow[]> {
    const { groupIds, memberIds } = split(pairs);
    const out: MembershipRow[] = [];
    if (groupIds.length === 0) return out;
    for (let i = 0; i < memberIds.length; i += CHUNK) {
      const rows = await this.trx
        .selectFrom('membership')
        .select(['id', 'group_id', 'member_id', 'left_at'])
        .where('group_id', 'in', groupIds)
        .where('member_id', 'in', memberIds.slice(i, i + CHUNK))
        .orderBy('id')
        .execute();
      out.push(...rows);
    }
    return out;
  }

  async openMemberCounts(groupIds: readonly number[]): Promise<Map<number, number>> {
    if (groupIds.length === 0) return new Map();
    const rows = await this.trx
      .selectFrom('membership')
      .select((eb) => ['group_id', eb.fn.countAll<number>().as('n')])
      .where('group_id', 'in', groupIds)
      .where('left_at', 'is', null)
      .groupBy('group_id')
      .execute();
    return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
  }

  async messageCounts(pairs: readonly GroupMember[]): Promise<{ group_id: number; member_id: number; messages: number }[]> {
    const { groupIds, memberIds } = split(pairs);
    const out: { group_id: number; member_id: number; messages: number }[] = [];
    if (groupIds.length === 0) return out;
    for (let i = 0; i < memberIds.length; i += CHUNK) {
      const rows = await this.trx
        .selectFrom('member_group_total')
        .select(['group_id', 'member_id', 'messages'])
        .where('group_id', 'in', groupIds)
        .where('member_id', 'in', memberIds.slice(i, i + CHUNK))
        .execute();
      out.push(...rows);
    }
    return out;
  }

  async openMembership(row: NewMembership): Promise<number> {
    const { id } = await this.trx.insertInto('membership').values(row).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  async closeMembership(id: number, at: number, reason: 'left' | 'removed'): Promise<void> {
    await this.trx.updateTable('membership').set({ left_at: at, left_reason: reason }).where('id', '=', id).execute();
  }

  async renameGroup(groupId: number, name: string): Promise<void> {
    await this.trx.updateTable('chat_group').set({ name }).where('id', '=', groupId).execute();
  }

  async renameMember(memberId: number, workspaceId: number, platform: string, externalId: string, name: string): Promise<void> {
    await this.trx.updateTable('member').set({ display_name: name }).where('id', '=', memberId).execute();
    await this.trx
      .updateTable('identity')
      .set({ display_name: name })
      .where('workspace_id', '=', workspaceId)
      .where('platform', '=', platform)
      .where('external_id', '=', externalId)
      .execute();
  }

  async addRollups(deltas: RollupDeltas): Promise<void> {
    for (const rows of chunks([...deltas.groupDays])) {
      await this.trx
        .insertInto('group_day')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['group_id', 'day']).doUpdateSet({
            messages: sql`group_day.messages + excluded.messages`,
            replies: sql`group_day.replies + excluded.replies`,
            reactions: sql`group_day.reactions + excluded.reactions`,
            joins: sql`group_day.joins + excluded.joins`,
            leaves: sql`group_day.leaves + excluded.leaves`,
          }),
        )
        .execute();
    }
    for (const rows of chunks([...deltas.memberDays])) await addMemberDays(this.trx, rows);
    for (const rows of chunks([...deltas.memberTotals])) await addMemberTotals(this.trx, rows);
  }

  async insertOutbox(rows: readonly OutboxRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) await this.trx.insertInto('outbox').values(rows.slice(i, i + CHUNK)).execute();
  }
}

function* chunks<T>(rows: T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += CHUNK) yield rows.slice(i, i + CHUNK);
}

/** The groups and the members of the pairs: asked as two lists, a few more rows than the pairs may come back. */
function split(pairs: readonly GroupMember[]): { groupIds: number[]; memberIds: number[] } {
  return { groupIds: [...new Set(pairs.map((p) => p[0]))], memberIds: [...new Set(pairs.map((p) => p[1]))] };
}
