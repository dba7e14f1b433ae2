import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * Fission campaigns (src/growth/campaigns). A campaign holds its target groups (a
 * group selector, JSON), its goal, fraud rules and reward tiers (JSON); each taking
 * part member's personal code is an invitation code of the code store, mapped here to
 * the campaign. `campaign_referral` is what ingest saw of each friend who joined
 * through a personal code (joined, left, first spoke), unique per campaign and friend:
 * the counting rules read it. `campaign_progress` is the count last told to the
 * inviter; `campaign_reward` one row per member and tier (unique), granted once and
 * marked when clawed back.
 */
export function campaignsMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('campaign')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('form', 'text', (c) => c.notNull())
        .addColumn('selector', 'text', (c) => c.notNull())
        .addColumn('goal', 'integer', (c) => c.notNull())
        .addColumn('fraud_hours', 'integer', (c) => c.notNull())
        .addColumn('speak_within_hours', 'integer')
        .addColumn('tiers', 'text', (c) => c.notNull())
        .addColumn('poster_template_id', 'integer')
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'bigint', (c) => c.notNull())
        .addColumn('ends_at', 'bigint')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('campaign_code')
        .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('campaign_code_pk', ['campaign_id', 'member_id'])
        .execute();
      await db.schema
        .createTable('campaign_referral')
        .addColumn('id', id.type, id.build)
        .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('group_id', 'integer', (c) => c.notNull().references('chat_group.id'))
        .addColumn('inviter_member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('invitee_member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('joined_at', 'bigint', (c) => c.notNull())
        .addColumn('left_at', 'bigint')
        .addColumn('spoke_at', 'bigint')
        .addColumn('was_member', 'integer', (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint('campaign_referral_invitee', ['campaign_id', 'invitee_member_id'])
        .execute();
      await db.schema.createIndex('campaign_referral_invitee_idx').on('campaign_referral').columns(['invitee_member_id', 'group_id']).execute();
      await db.schema.createIndex('campaign_referral_inviter_idx').on('campaign_referral').columns(['campaign_id', 'inviter_member_id']).execute();
      await db.schema
        .createTable('campaign_progress')
        .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('counted', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('campaign_progress_pk', ['campaign_id', 'member_id'])
        .execute();
      await db.schema
        .createTable('campaign_reward')
        .addColumn('id', id.type, id.build)
        .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id'))
        .addColumn('tier', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('granted_at', 'bigint', (c) => c.notNull())
        .addColumn('clawed_back_at', 'bigint')
        .addColumn('clawback_note', 'text')
        .addColumn('fulfilled_at', 'bigint')
        .addColumn('fulfilled_by', 'text')
        .addUniqueConstraint('campaign_reward_member_tier', ['campaign_id', 'member_id', 'tier'])
        .execute();
    },
  };
}
