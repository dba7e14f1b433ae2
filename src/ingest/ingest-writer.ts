import type { Store } from '../store/database.js';
import type { EventTable, GroupDayTable, MemberGroupDayTable, MemberGroupTotalTable, MembershipTable, OutboxTable } from '../store/schema.js';
import type { Trx } from './kysely-ingest-writer.js';
import { KyselyIngestWriter } from './kysely-ingest-writer.js';
import { SqliteIngestWriter } from './sqlite-ingest-writer.js';

/** An event-log row as ingest writes it. */
export type EventRow = Omit<EventTable, 'id'>;

export interface GroupRow {
  id: number;
  name: string;
  timezone: string;
}

export interface MemberRow {
  external_id: string;
  id: number;
  display_name: string;
  is_bot: number;
}

/** A (group, member) pair, as `[groupId, memberId]`. */
export type GroupMember = readonly [number, number];

export interface MembershipRow {
  id: number;
  group_id: number;
  member_id: number;
  joined_at: number;
  left_at: number | null;
  /** Null for a stay Hearth opened because the member spoke before any join was seen. */
  join_method: string | null;
}

/** A stay a batch opened; `left_at` is set when it also ended within that batch. */
export type NewMembership = Omit<MembershipTable, 'id'>;

export interface NewMember {
  workspace_id: number;
  display_name: string;
  is_bot: number;
  first_seen_at: number;
  platform: string;
  external_id: string;
  username: string | null;
}

/** An action as ingest plans it into the outbox: pending, never tried. */
export type OutboxRow = Pick<OutboxTable, 'workspace_id' | 'group_id' | 'platform' | 'idempotency_key' | 'action' | 'attempts' | 'next_attempt_at' | 'created_at'> & { status: 'pending' };

/** Rollup rows as deltas: each is added to what is stored. */
export type GroupDayDelta = GroupDayTable;

export type MemberDayDelta = MemberGroupDayTable;

export type MemberTotalDelta = MemberGroupTotalTable;

/** One batch's rollup changes, each row to be added to what is stored. */
export interface RollupDeltas {
  groupDays: Iterable<GroupDayDelta>;
  memberDays: Iterable<MemberDayDelta>;
  memberTotals: Iterable<MemberTotalDelta>;
}

/**
 * Everything ingest reads and writes inside its transaction, in the few shapes it
 * needs. Two backends: prepared better-sqlite3 statements on SQLite, where building
 * a query costs more than running it (see BENCHMARKS.md, P1), and Kysely with
 * multi-row statements on PostgreSQL, where the round trip is what costs.
 */
export interface IngestWriter {
  findGroup(workspaceId: number, platform: string, externalId: string): Promise<GroupRow | undefined>;
  createGroup(row: { workspace_id: number; connection_id: number | null; platform: string; external_id: string; name: string; created_at: number }): Promise<void>;
  findMembers(workspaceId: number, platform: string, externalIds: readonly string[]): Promise<MemberRow[]>;
  /** Creates members with their identity; returns their ids, in the order given. */
  createMembers(members: readonly NewMember[]): Promise<number[]>;
  /** Inserts the rows new to the log; returns the new ids by dedup key (a row already stored is left out). */
  insertEvents(rows: readonly EventRow[]): Promise<Map<string, number>>;
  erasedAmong(memberIds: readonly number[]): Promise<Set<number>>;
  /** Every stay of these (group, member) pairs, oldest first. */
  memberships(pairs: readonly GroupMember[]): Promise<MembershipRow[]>;
  openMemberCounts(groupIds: readonly number[]): Promise<Map<number, number>>;
  messageCounts(pairs: readonly GroupMember[]): Promise<{ group_id: number; member_id: number; messages: number }[]>;
  /** Writes the stays a batch opened (all at once, at its end: nothing reads them back by id). */
  insertMemberships(rows: readonly NewMembership[]): Promise<void>;
  closeMembership(id: number, at: number, reason: 'left' | 'removed'): Promise<void>;
  /** The join of a stay opened by an earlier message: how the member came in, recorded on that stay. */
  recordJoin(id: number, join: { method: string; inviterId: number | null; code: string | null }): Promise<void>;
  renameGroup(groupId: number, name: string): Promise<void>;
  renameMember(memberId: number, workspaceId: number, platform: string, externalId: string, name: string): Promise<void>;
  addRollups(deltas: RollupDeltas): Promise<void>;
  insertOutbox(rows: readonly OutboxRow[]): Promise<void>;
}

/** The writer for one ingest transaction on this store. */
export type IngestWriterFactory = (trx: Trx) => IngestWriter;

/** Picks the backend's writer: prepared statements when the store has a raw SQLite handle. */
export function ingestWriterFor(store: Store): IngestWriterFactory {
  if (store.sqlite) {
    const writer = new SqliteIngestWriter(store.sqlite);
    return () => writer;
  }
  return (trx) => new KyselyIngestWriter(trx, store.db);
}
