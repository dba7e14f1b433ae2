import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { EventRow, GroupMember, GroupRow, NewMember, IngestWriter, MemberRow, MembershipRow, NewMembership, OutboxRow, RollupDeltas } from './ingest-writer.js';
import { addMemberDays, addMemberTotals } from './rollup-accumulator.js';

export type Trx = Transaction<Database>;

const CHUNK = 500;

/**
 * Ingest's reads and writes through Kysely, as multi-row statements: what PostgreSQL
 * runs (one round trip per statement is its cost, not building the query).
 */
export class KyselyIngestWriter implements IngestWriter {
  /**
   * `root`, when given, is the database outside the batch's transaction: new members
   * are committed through it in a short transaction of their own (see `createMembers`).
   */
  constructor(
    private readonly trx: Trx,
    private readonly root?: Kysely<Database>,
  ) {}

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

  /**
   * Creates new people. With a `root`, in a short transaction committed before the
   * batch's: a worker meeting a person another worker is creating waits only for that
   * short transaction, not for the other's whole batch (which, measured with two
   * workers, held the second one on the identity's key for most of each batch). A
   * batch that fails after this leaves its new people stored without events; its
   * redelivery finds and uses them, so nobody is created twice.
   */
  async createMembers(members: readonly NewMember[]): Promise<number[]> {
    if (members.length === 0) return [];
    if (this.root) return this.root.transaction().execute((t) => new KyselyIngestWriter(t).createMembers(members));
    // The ids are drawn first, so each identity row gets its member's id without
    // relying on the order RETURNING gives rows back in: a few statements a batch,
    // whatever the number of new members.
    const { rows } = await sql<{ id: number }>`select nextval(pg_get_serial_sequence('member', 'id')) as id from generate_series(1, ${members.length})`.execute(this.trx);
    const ids = rows.map((r) => Number(r.id));
    // In external-id order, so two workers meeting the same new people wait for each other in one order.
    const order = members.map((_, i) => i).sort((a, b) => compare(members[a]!.external_id, members[b]!.external_id));
    const created = new Set<string>();
    for (let i = 0; i < order.length; i += CHUNK) {
      const part = order.slice(i, i + CHUNK);
      await this.trx
        .insertInto('member')
        .values(
          part.map((k) => ({ id: ids[k]!, workspace_id: members[k]!.workspace_id, display_name: members[k]!.display_name, is_bot: members[k]!.is_bot, first_seen_at: members[k]!.first_seen_at })),
        )
        .execute();
      // Another worker may be creating the same person: its identity wins (this waits
      // for its transaction), and the member row made here for nothing is removed.
      const inserted = await this.trx
        .insertInto('identity')
        .values(
          part.map((k) => ({
            workspace_id: members[k]!.workspace_id,
            member_id: ids[k]!,
            platform: members[k]!.platform,
            external_id: members[k]!.external_id,
            display_name: members[k]!.display_name,
            username: members[k]!.username,
          })),
        )
        .onConflict((oc) => oc.columns(['workspace_id', 'platform', 'external_id']).doNothing())
        .returning('external_id')
        .execute();
      for (const r of inserted) created.add(r.external_id);
    }
    const lost = members.map((m, i) => ({ m, i })).filter(({ m }) => !created.has(m.external_id));
    if (lost.length > 0) {
      await this.trx
        .deleteFrom('member')
        .where(
          'id',
          'in',
          lost.map(({ i }) => ids[i]!),
        )
        .execute();
      const { workspace_id, platform } = lost[0]!.m;
      const found = new Map(
        (
          await this.findMembers(
            workspace_id,
            platform,
            lost.map(({ m }) => m.external_id),
          )
        ).map((r) => [r.external_id, r.id]),
      );
      for (const { m, i } of lost) {
        const id = found.get(m.external_id);
        if (id === undefined) throw new Error(`member ${platform}:${m.external_id} was neither found nor created`);
        ids[i] = id;
      }
    }
    return ids;
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
      const rows = await this.trx
        .selectFrom('member')
        .select('id')
        .where('id', 'in', memberIds.slice(i, i + CHUNK))
        .where('erased_at', 'is not', null)
        .execute();
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
        .select(['id', 'group_id', 'member_id', 'joined_at', 'left_at', 'join_method'])
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

  async insertMemberships(rows: readonly NewMembership[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK)
      await this.trx
        .insertInto('membership')
        .values(rows.slice(i, i + CHUNK))
        .execute();
  }

  async closeMembership(id: number, at: number, reason: 'left' | 'removed'): Promise<void> {
    await this.trx.updateTable('membership').set({ left_at: at, left_reason: reason }).where('id', '=', id).execute();
  }

  async recordJoin(id: number, join: { method: string; inviterId: number | null; code: string | null }): Promise<void> {
    await this.trx.updateTable('membership').set({ join_method: join.method, inviter_member_id: join.inviterId, code: join.code }).where('id', '=', id).execute();
  }

  async renameGroup(groupId: number, name: string): Promise<void> {
    await this.trx.updateTable('chat_group').set({ name }).where('id', '=', groupId).execute();
  }

  async renameMember(memberId: number, workspaceId: number, platform: string, externalId: string, name: string): Promise<void> {
    await this.trx.updateTable('member').set({ display_name: name }).where('id', '=', memberId).execute();
    await this.trx.updateTable('identity').set({ display_name: name }).where('workspace_id', '=', workspaceId).where('platform', '=', platform).where('external_id', '=', externalId).execute();
  }

  async addRollups(deltas: RollupDeltas): Promise<void> {
    // In key order: two workers upserting the same rows lock them in the same order,
    // so one waits for the other instead of both deadlocking.
    const groupDays = [...deltas.groupDays].sort((a, b) => a.group_id - b.group_id || compare(a.day, b.day));
    const memberDays = [...deltas.memberDays].sort((a, b) => a.group_id - b.group_id || compare(a.day, b.day) || a.member_id - b.member_id);
    const memberTotals = [...deltas.memberTotals].sort((a, b) => a.group_id - b.group_id || a.member_id - b.member_id);
    for (const rows of chunks(groupDays)) {
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
    for (const rows of chunks(memberDays)) await addMemberDays(this.trx, rows);
    for (const rows of chunks(memberTotals)) await addMemberTotals(this.trx, rows);
  }

  async insertOutbox(rows: readonly OutboxRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK)
      await this.trx
        .insertInto('outbox')
        .values(rows.slice(i, i + CHUNK))
        .execute();
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function* chunks<T>(rows: T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += CHUNK) yield rows.slice(i, i + CHUNK);
}

/** The groups and the members of the pairs: asked as two lists, a few more rows than the pairs may come back. */
function split(pairs: readonly GroupMember[]): { groupIds: number[]; memberIds: number[] } {
  return { groupIds: [...new Set(pairs.map((p) => p[0]))], memberIds: [...new Set(pairs.map((p) => p[1]))] };
}
