import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../dialect.js';

/**
 * Invitations to join a workspace's team (src/auth/invitations.ts): the role and
 * groups the invited person will have, and a one-time link whose secret is kept only
 * as its SHA-256. Accepting, revoking and expiring are times on the row, so the team
 * page can say what became of each one.
 */
export function operatorInvitationsMigration(dialect: Dialect) {
  const id = idColumn(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('operator_invitation')
        .addColumn('id', id.type, id.build)
        .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id'))
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('groups', 'text')
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('invited_by', 'integer', (c) => c.references('operator.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('accepted_at', 'bigint')
        .addColumn('accepted_by', 'integer', (c) => c.references('operator.id'))
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('operator_invitation_workspace_idx').on('operator_invitation').columns(['workspace_id', 'id']).execute();
    },
  };
}
