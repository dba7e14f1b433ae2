import type SQLite from 'better-sqlite3';
import type { EventRow, GroupMember, GroupRow, NewMember, IngestWriter, MemberRow, MembershipRow, NewMembership, OutboxRow, RollupDeltas } from './ingest-writer.js';

/** The statements ingest runs, prepared once per database. */
function prepareAll(db: SQLite.Database) {
  // A list parameter is one JSON array (`json_each`), so each statement has one SQL
  // text whatever the batch holds, and is prepared once.
  const inList = (column: string) => `${column} in (select value from json_each(?))`;
  return {
    findGroup: db.prepare<[number, string, string], GroupRow>('select id, name, timezone from chat_group where workspace_id = ? and platform = ? and external_id = ?'),
    createGroup: db.prepare(
      'insert into chat_group (workspace_id, connection_id, platform, external_id, name, created_at) values (@workspace_id, @connection_id, @platform, @external_id, @name, @created_at) on conflict (workspace_id, platform, external_id) do nothing',
    ),
    findMembers: db.prepare<[number, string, string], MemberRow>(
      `select identity.external_id, member.id, member.display_name, member.is_bot from identity join member on member.id = identity.member_id where identity.workspace_id = ? and identity.platform = ? and ${inList('identity.external_id')}`,
    ),
    createMember: db.prepare('insert into member (workspace_id, display_name, is_bot, first_seen_at) values (?, ?, ?, ?)'),
    createIdentity: db.prepare('insert into identity (workspace_id, member_id, platform, external_id, display_name, username) values (?, ?, ?, ?, ?, ?)'),
    insertEvent: db.prepare(
      'insert into event (workspace_id, group_id, member_id, kind, dedup_key, occurred_at, payload) values (?, ?, ?, ?, ?, ?, ?) on conflict (workspace_id, dedup_key) do nothing',
    ),
    erased: db.prepare<[string], { id: number }>(`select id from member where ${inList('id')} and erased_at is not null`),
    // Pairs are a JSON array of [group, member]: each is one index lookup.
    memberships: db.prepare<[string], MembershipRow>(
      'select m.id, m.group_id, m.member_id, m.joined_at, m.left_at, m.join_method from json_each(?) p join membership m on m.group_id = p.value ->> 0 and m.member_id = p.value ->> 1 order by m.id',
    ),
    openCounts: db.prepare<[string], { group_id: number; n: number }>(`select group_id, count(*) as n from membership where ${inList('group_id')} and left_at is null group by group_id`),
    messageCounts: db.prepare<[string], { group_id: number; member_id: number; messages: number }>(
      'select t.group_id, t.member_id, t.messages from json_each(?) p join member_group_total t on t.group_id = p.value ->> 0 and t.member_id = p.value ->> 1',
    ),
    openMembership: db.prepare('insert into membership (group_id, member_id, joined_at, join_method, inviter_member_id, code, left_at, left_reason) values (?, ?, ?, ?, ?, ?, ?, ?)'),
    closeMembership: db.prepare('update membership set left_at = ?, left_reason = ? where id = ?'),
    recordJoin: db.prepare('update membership set join_method = ?, inviter_member_id = ?, code = ? where id = ?'),
    renameGroup: db.prepare('update chat_group set name = ? where id = ?'),
    renameMember: db.prepare('update member set display_name = ? where id = ?'),
    renameIdentity: db.prepare('update identity set display_name = ? where workspace_id = ? and platform = ? and external_id = ?'),
    groupDay: db.prepare(
      'insert into group_day (group_id, day, messages, replies, reactions, joins, leaves) values (?, ?, ?, ?, ?, ?, ?) on conflict (group_id, day) do update set messages = group_day.messages + excluded.messages, replies = group_day.replies + excluded.replies, reactions = group_day.reactions + excluded.reactions, joins = group_day.joins + excluded.joins, leaves = group_day.leaves + excluded.leaves',
    ),
    memberDay: db.prepare(
      'insert into member_group_day (group_id, member_id, day, messages, replies, reactions) values (?, ?, ?, ?, ?, ?) on conflict (group_id, day, member_id) do update set messages = member_group_day.messages + excluded.messages, replies = member_group_day.replies + excluded.replies, reactions = member_group_day.reactions + excluded.reactions',
    ),
    memberTotal: db.prepare(
      'insert into member_group_total (group_id, member_id, messages, first_message_at, last_message_at) values (?, ?, ?, ?, ?) on conflict (group_id, member_id) do update set messages = member_group_total.messages + excluded.messages, ' +
        'first_message_at = case when member_group_total.first_message_at is null or excluded.first_message_at < member_group_total.first_message_at then excluded.first_message_at else member_group_total.first_message_at end, ' +
        'last_message_at = case when member_group_total.last_message_at is null or excluded.last_message_at > member_group_total.last_message_at then excluded.last_message_at else member_group_total.last_message_at end',
    ),
    outbox: db.prepare('insert into outbox (workspace_id, group_id, platform, idempotency_key, action, status, attempts, next_attempt_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
  };
}

/**
 * Ingest's reads and writes on SQLite through prepared better-sqlite3 statements, one
 * row at a time: in process, a row costs a few microseconds, and building a Kysely
 * query for it cost more than running it. It runs on the connection Kysely holds for
 * the ingest transaction (SQLite has one), so it is part of that transaction.
 */
export class SqliteIngestWriter implements IngestWriter {
  #statements: ReturnType<typeof prepareAll> | undefined;

  constructor(private readonly db: SQLite.Database) {}

  // Prepared on first use: the store may be opened before it is migrated.
  get #s(): ReturnType<typeof prepareAll> {
    return (this.#statements ??= prepareAll(this.db));
  }

  async findGroup(workspaceId: number, platform: string, externalId: string): Promise<GroupRow | undefined> {
    return this.#s.findGroup.get(workspaceId, platform, externalId);
  }

  async createGroup(row: { workspace_id: number; connection_id: number | null; platform: string; external_id: string; name: string; created_at: number }): Promise<void> {
    this.#s.createGroup.run(row);
  }

  async findMembers(workspaceId: number, platform: string, externalIds: readonly string[]): Promise<MemberRow[]> {
    if (externalIds.length === 0) return [];
    return this.#s.findMembers.all(workspaceId, platform, JSON.stringify(externalIds));
  }

  async createMembers(members: readonly NewMember[]): Promise<number[]> {
    const s = this.#s;
    return members.map((m) => {
      const id = Number(s.createMember.run(m.workspace_id, m.display_name, m.is_bot, m.first_seen_at).lastInsertRowid);
      s.createIdentity.run(m.workspace_id, id, m.platform, m.external_id, m.display_name, m.username);
      return id;
    });
  }

  async insertEvents(rows: readonly EventRow[]): Promise<Map<string, number>> {
    const insert = this.#s.insertEvent;
    const inserted = new Map<string, number>();
    for (const r of rows) {
      const info = insert.run(r.workspace_id, r.group_id, r.member_id, r.kind, r.dedup_key, r.occurred_at, r.payload);
      if (info.changes === 1) inserted.set(r.dedup_key, Number(info.lastInsertRowid));
    }
    return inserted;
  }

  async erasedAmong(memberIds: readonly number[]): Promise<Set<number>> {
    if (memberIds.length === 0) return new Set();
    return new Set(this.#s.erased.all(JSON.stringify(memberIds)).map((r) => r.id));
  }

  async memberships(pairs: readonly GroupMember[]): Promise<MembershipRow[]> {
    if (pairs.length === 0) return [];
    return this.#s.memberships.all(JSON.stringify(pairs));
  }

  async openMemberCounts(groupIds: readonly number[]): Promise<Map<number, number>> {
    if (groupIds.length === 0) return new Map();
    return new Map(this.#s.openCounts.all(JSON.stringify(groupIds)).map((r) => [r.group_id, r.n]));
  }

  async messageCounts(pairs: readonly GroupMember[]): Promise<{ group_id: number; member_id: number; messages: number }[]> {
    if (pairs.length === 0) return [];
    return this.#s.messageCounts.all(JSON.stringify(pairs));
  }

  async insertMemberships(rows: readonly NewMembership[]): Promise<void> {
    const insert = this.#s.openMembership;
    for (const r of rows) insert.run(r.group_id, r.member_id, r.joined_at, r.join_method, r.inviter_member_id, r.code, r.left_at, r.left_reason);
  }

  async closeMembership(id: number, at: number, reason: 'left' | 'removed'): Promise<void> {
    this.#s.closeMembership.run(at, reason, id);
  }

  async recordJoin(id: number, join: { method: string; inviterId: number | null; code: string | null }): Promise<void> {
    this.#s.recordJoin.run(join.method, join.inviterId, join.code, id);
  }

  async renameGroup(groupId: number, name: string): Promise<void> {
    this.#s.renameGroup.run(name, groupId);
  }

  async renameMember(memberId: number, workspaceId: number, platform: string, externalId: string, name: string): Promise<void> {
    this.#s.renameMember.run(name, memberId);
    this.#s.renameIdentity.run(name, workspaceId, platform, externalId);
  }

  async addRollups(deltas: RollupDeltas): Promise<void> {
    const s = this.#s;
    for (const d of deltas.groupDays) s.groupDay.run(d.group_id, d.day, d.messages, d.replies, d.reactions, d.joins, d.leaves);
    for (const d of deltas.memberDays) s.memberDay.run(d.group_id, d.member_id, d.day, d.messages, d.replies, d.reactions);
    for (const d of deltas.memberTotals) s.memberTotal.run(d.group_id, d.member_id, d.messages, d.first_message_at, d.last_message_at);
  }

  async insertOutbox(rows: readonly OutboxRow[]): Promise<void> {
    const insert = this.#s.outbox;
    for (const r of rows) insert.run(r.workspace_id, r.group_id, r.platform, r.idempotency_key, r.action, r.status, r.attempts, r.next_attempt_at, r.created_at);
  }
}
