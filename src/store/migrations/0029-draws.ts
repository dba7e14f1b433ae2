import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * Lucky draws / red envelopes (src/activation/draws). A draw releases one envelope per
 * round; each envelope's shares are split when the draw is created, so a claim is a
 * conditional update: the envelope's `claimed_count` moves only while shares are left
 * (the last share is granted once under concurrent claims), then the share numbered by
 * the new count is given to the member. A member holds at most one share of an envelope
 * (unique; several unclaimed shares hold NULL, which both backends let repeat).
 * Amounts are integers: points, or minor units of `currency`.
 */
export function drawsMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('draw')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('currency', 'text')
        .addColumn('total', 'bigint', (c) => c.notNull())
        .addColumn('shares', 'integer', (c) => c.notNull())
        .addColumn('minimum', 'bigint', (c) => c.notNull())
        .addColumn('rounds', 'integer', (c) => c.notNull())
        .addColumn('round_interval_ms', 'bigint', (c) => c.notNull())
        .addColumn('expires_after_ms', 'bigint', (c) => c.notNull())
        .addColumn('exclusive_members', 'text')
        .addColumn('exclusive_role', 'text')
        .addColumn('words', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('cancelled_at', 'bigint')
        .execute();
      await db.schema.createIndex('draw_workspace_idx').on('draw').columns(['workspace_id', 'id']).execute();
      await db.schema
        .createTable('draw_envelope')
        .addColumn('id', id.type, id.build)
        .addColumn('draw_id', 'integer', (c) => c.notNull().references('draw.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('total', 'bigint', (c) => c.notNull())
        .addColumn('shares', 'integer', (c) => c.notNull())
        .addColumn('opens_at', 'bigint', (c) => c.notNull())
        .addColumn('opened_at', 'bigint')
        .addColumn('expires_at', 'bigint')
        .addColumn('claimed_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('closed_at', 'bigint')
        .addColumn('close_reason', 'text')
        .addColumn('refunded', 'bigint')
        .addUniqueConstraint('draw_envelope_round', ['draw_id', 'round'])
        .execute();
      await db.schema.createIndex('draw_envelope_open_idx').on('draw_envelope').columns(['group_id', 'closed_at']).execute();
      await db.schema
        .createTable('draw_share')
        .addColumn('id', id.type, id.build)
        .addColumn('envelope_id', 'integer', (c) => c.notNull().references('draw_envelope.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('member_id', 'integer', (c) => c.references('member.id'))
        .addColumn('claimed_at', 'bigint')
        .addUniqueConstraint('draw_share_seq', ['envelope_id', 'seq'])
        .addUniqueConstraint('draw_share_member', ['envelope_id', 'member_id'])
        .execute();
      await db.schema.createIndex('draw_share_member_idx').on('draw_share').columns(['member_id']).execute();
    },
  };
}
