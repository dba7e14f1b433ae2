import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { GroupDayDelta, IngestWriter, MemberDayDelta, MemberTotalDelta } from './ingest-writer.js';
import { PairMap } from './pair-map.js';

export type { MemberDayDelta, MemberTotalDelta } from './ingest-writer.js';

interface BatchMemberTotal extends MemberTotalDelta {
  first_message_at: number;
  last_message_at: number;
}

/**
 * Collects one batch's rollup changes in memory and writes each touched row once,
 * as an upsert that adds to what is stored. Rollups stay exact because ingest only
 * feeds it events it has just inserted (never a duplicate).
 */
export class RollupAccumulator {
  // Rows in the order they were first touched (what is written), found through nested
  // maps by number and day: a `${group}|${member}|${day}` key cost a string per event.
  #groupDays: GroupDayDelta[] = [];
  #memberDays: MemberDayDelta[] = [];
  #memberTotals: BatchMemberTotal[] = [];
  #groupDayOf = new Map<number, Map<string, GroupDayDelta>>();
  #memberOf = new PairMap<{ total: BatchMemberTotal | null; days: Map<string, MemberDayDelta> }>();

  #groupDay(groupId: number, day: string): GroupDayDelta {
    let days = this.#groupDayOf.get(groupId);
    if (!days) this.#groupDayOf.set(groupId, (days = new Map()));
    let d = days.get(day);
    if (!d) {
      days.set(day, (d = { group_id: groupId, day, messages: 0, replies: 0, reactions: 0, joins: 0, leaves: 0 }));
      this.#groupDays.push(d);
    }
    return d;
  }

  #member(groupId: number, memberId: number) {
    let m = this.#memberOf.get(groupId, memberId);
    if (!m) this.#memberOf.set(groupId, memberId, (m = { total: null, days: new Map() }));
    return m;
  }

  #memberDay(days: Map<string, MemberDayDelta>, groupId: number, memberId: number, day: string): MemberDayDelta {
    let d = days.get(day);
    if (!d) {
      days.set(day, (d = { group_id: groupId, member_id: memberId, day, messages: 0, replies: 0, reactions: 0 }));
      this.#memberDays.push(d);
    }
    return d;
  }

  message(groupId: number, memberId: number, day: string, at: number, isReply: boolean): void {
    const g = this.#groupDay(groupId, day);
    const member = this.#member(groupId, memberId);
    const m = this.#memberDay(member.days, groupId, memberId, day);
    g.messages++;
    m.messages++;
    if (isReply) {
      g.replies++;
      m.replies++;
    }
    const t = member.total;
    if (!t) this.#memberTotals.push((member.total = { group_id: groupId, member_id: memberId, messages: 1, first_message_at: at, last_message_at: at }));
    else {
      t.messages++;
      if (at < t.first_message_at) t.first_message_at = at;
      if (at > t.last_message_at) t.last_message_at = at;
    }
  }

  reaction(groupId: number, memberId: number, day: string): void {
    this.#groupDay(groupId, day).reactions++;
    this.#memberDay(this.#member(groupId, memberId).days, groupId, memberId, day).reactions++;
  }

  join(groupId: number, day: string): void {
    this.#groupDay(groupId, day).joins++;
  }

  leave(groupId: number, day: string): void {
    this.#groupDay(groupId, day).leaves++;
  }

  /** Writes everything collected (each touched row once) and forgets it. */
  async flush(writer: IngestWriter): Promise<void> {
    await writer.addRollups({ groupDays: this.#groupDays, memberDays: this.#memberDays, memberTotals: this.#memberTotals });
    this.#groupDays = [];
    this.#memberDays = [];
    this.#memberTotals = [];
    this.#groupDayOf = new Map();
    this.#memberOf = new PairMap();
  }
}

type Db = Kysely<Database> | Transaction<Database>;

/** Adds per member/group/day figures to what is stored (an upsert that sums). */
export async function addMemberDays(db: Db, rows: MemberDayDelta[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('member_group_day')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['group_id', 'day', 'member_id']).doUpdateSet({
        messages: sql`member_group_day.messages + excluded.messages`,
        replies: sql`member_group_day.replies + excluded.replies`,
        reactions: sql`member_group_day.reactions + excluded.reactions`,
      }),
    )
    .execute();
}

/** Adds per member/group totals to what is stored, widening first/last message times. */
export async function addMemberTotals(db: Db, rows: MemberTotalDelta[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('member_group_total')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['group_id', 'member_id']).doUpdateSet({
        messages: sql`member_group_total.messages + excluded.messages`,
        first_message_at: sql`case when member_group_total.first_message_at is null or excluded.first_message_at < member_group_total.first_message_at then excluded.first_message_at else member_group_total.first_message_at end`,
        last_message_at: sql`case when member_group_total.last_message_at is null or excluded.last_message_at > member_group_total.last_message_at then excluded.last_message_at else member_group_total.last_message_at end`,
      }),
    )
    .execute();
}
