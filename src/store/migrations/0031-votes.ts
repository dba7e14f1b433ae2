import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * Votes (src/activation/votes): a question with 2–10 options in a group, open until its
 * deadline, started by an operator or by a group's initiator with "/vote …". One ballot
 * per member and vote (unique: a later vote changes the member's row, two workers
 * inserting at once keep one), the rolling tally's rhythm (`posts`, `last_post_at`,
 * `tally_due_at`), the results post once (`closed_at` moved by a conditional update)
 * and the initiator's veto (who, why, when).
 */
export function votesMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('vote')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('question', 'text', (c) => c.notNull())
        .addColumn('options', 'text', (c) => c.notNull())
        .addColumn('anonymous', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('deadline_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_by_member_id', 'integer', (c) => c.references('member.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('closed_at', 'bigint')
        .addColumn('close_reason', 'text')
        .addColumn('posts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_post_at', 'bigint')
        .addColumn('tally_due_at', 'bigint')
        .addColumn('vetoed_at', 'bigint')
        .addColumn('vetoed_by', 'text')
        .addColumn('vetoed_by_member_id', 'integer', (c) => c.references('member.id'))
        .addColumn('veto_reason', 'text')
        .execute();
      await db.schema.createIndex('vote_group_idx').on('vote').columns(['group_id', 'closed_at']).execute();
      await db.schema.createIndex('vote_workspace_idx').on('vote').columns(['workspace_id', 'closed_at']).execute();
      await db.schema
        .createTable('vote_ballot')
        .addColumn('id', id.type, id.build)
        .addColumn('vote_id', 'integer', (c) => c.notNull().references('vote.id'))
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('option_index', 'integer', (c) => c.notNull())
        .addColumn('changes', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('cast_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('vote_ballot_member', ['vote_id', 'member_id'])
        .execute();
    },
  };
}
