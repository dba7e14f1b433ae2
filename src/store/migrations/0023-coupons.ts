import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * Coupons and offers (src/conversion/coupons). A coupon's value is integer minor units
 * with a currency, or a percentage in basis points; never a float. `remaining` is the
 * stock left (null: unlimited), moved by a conditional update inside the claim's
 * transaction, so the last unit is granted once under concurrent claims. A member's
 * claims are numbered 1..per_member_limit and unique per coupon, so a limit holds on
 * both backends without application locks.
 */
export function couponsMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('coupon')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('uses', 'text', (c) => c.notNull())
        .addColumn('amount_minor', 'bigint')
        .addColumn('currency', 'text')
        .addColumn('percent_off_bp', 'integer')
        .addColumn('stock', 'integer')
        .addColumn('remaining', 'integer')
        .addColumn('claimed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('per_member_limit', 'integer', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('coupon_workspace_code', ['workspace_id', 'code'])
        .execute();
      await db.schema
        .createTable('coupon_claim')
        .addColumn('id', id.type, id.build)
        .addColumn('coupon_id', 'integer', (c) => c.notNull().references('coupon.id'))
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('claimed_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_by', 'text')
        .addColumn('redeemed_at', 'bigint')
        .addColumn('redeemed_by', 'text')
        .addUniqueConstraint('coupon_claim_member_seq', ['coupon_id', 'member_id', 'seq'])
        .execute();
      await db.schema.createIndex('coupon_claim_member_idx').on('coupon_claim').columns(['member_id']).execute();
    },
  };
}
