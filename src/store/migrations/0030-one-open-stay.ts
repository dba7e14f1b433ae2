import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * A member has at most one open stay in a group. Two workers ingesting batches of the
 * same member in parallel could each open one (neither saw the other's before it
 * committed), and the member then counted twice in the group and read as joining a
 * second time, so a first-join welcome was not sent. Stays opened twice are folded
 * into the earliest (taking a join's method, inviter and code where the earliest had
 * none), then a partial unique index makes the second insert fail: ingest retries
 * that batch and finds the stay the other worker committed.
 */
export function oneOpenStayMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      const sibling = (alias: string) => sql.raw(`${alias}.group_id = membership.group_id and ${alias}.member_id = membership.member_id and ${alias}.left_at is null`);
      const joined = (column: string) => sql`(select d.${sql.raw(column)} from membership d where ${sibling('d')} and d.join_method is not null order by d.joined_at, d.id limit 1)`;
      await sql`update membership set inviter_member_id = ${joined('inviter_member_id')}, code = ${joined('code')}, join_method = ${joined('join_method')}
        where left_at is null and join_method is null
          and exists (select 1 from membership d where ${sibling('d')} and d.id <> membership.id and d.join_method is not null)`.execute(db);
      await sql`delete from membership
        where left_at is null
          and exists (select 1 from membership k where ${sibling('k')} and (k.joined_at < membership.joined_at or (k.joined_at = membership.joined_at and k.id < membership.id)))`.execute(db);
      await db.schema.createIndex('membership_one_open_idx').on('membership').columns(['group_id', 'member_id']).unique().where(sql.ref('left_at'), 'is', null).execute();
    },
  };
}
