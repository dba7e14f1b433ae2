import { Migrator, sql, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import type { Dialect } from './dialect.js';
import { initialMigration } from './migrations/0001-initial.js';
import { operatorsMigration } from './migrations/0002-operators.js';
import { privacyMigration } from './migrations/0003-privacy.js';
import { outboxParkedMigration } from './migrations/0004-outbox-parked.js';
import { automationProblemsMigration } from './migrations/0005-automation-problems.js';
import { connectionHealthMigration } from './migrations/0006-connection-health.js';
import { connectionConsoleMigration } from './migrations/0015-connection-console.js';
import { activationMigration } from './migrations/0008-activation.js';
import { growthCodesMigration } from './migrations/0009-growth-codes.js';
import { chainsMigration } from './migrations/0010-chains.js';
import { antispamMigration } from './migrations/0011-antispam.js';
import { webhooksMigration } from './migrations/0012-webhooks.js';
import { groupSetsMigration } from './migrations/0013-group-sets.js';
import { broadcastsMigration } from './migrations/0019-broadcasts.js';
import { importJobsMigration } from './migrations/0016-import-jobs.js';
import { setupTokenMigration } from './migrations/0018-setup-token.js';
import { operatorInvitationsMigration } from './migrations/0014-operator-invitations.js';
import { memberDirectoryMigration } from './migrations/0017-member-directory.js';
import { enforcementMigration } from './migrations/0020-enforcement.js';
import { questionWaitMigration } from './migrations/0021-question-wait.js';
import { groupMemberRolesMigration } from './migrations/0022-group-member-roles.js';
import { couponsMigration } from './migrations/0023-coupons.js';
import { oneOpenStayMigration } from './migrations/0030-one-open-stay.js';
import { campaignsMigration } from './migrations/0027-campaigns.js';
import { drawsMigration } from './migrations/0029-draws.js';
import { votesMigration } from './migrations/0031-votes.js';
import { trackedLinksMigration } from './migrations/0024-tracked-links.js';
import { pointsMigration } from './migrations/0025-points.js';
import { posterTemplatesMigration } from './migrations/0026-poster-templates.js';
import { cleanupDecisionsMigration } from './migrations/0028-cleanup-decisions.js';

/** Every migration, in order. One set for both backends; a migration may ask which it runs on. */
function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(dialect),
    '0002-operators': operatorsMigration(dialect),
    '0003-privacy': privacyMigration(dialect),
    '0004-outbox-parked': outboxParkedMigration(dialect),
    '0005-automation-problems': automationProblemsMigration(dialect),
    '0006-connection-health': connectionHealthMigration(dialect),
    '0008-activation': activationMigration(dialect),
    '0009-growth-codes': growthCodesMigration(dialect),
    '0010-chains': chainsMigration(dialect),
    '0011-antispam': antispamMigration(dialect),
    '0012-webhooks': webhooksMigration(dialect),
    '0013-group-sets': groupSetsMigration(dialect),
    '0019-broadcasts': broadcastsMigration(dialect),
    '0016-import-jobs': importJobsMigration(dialect),
    '0018-setup-token': setupTokenMigration(dialect),
    '0014-operator-invitations': operatorInvitationsMigration(dialect),
    '0015-connection-console': connectionConsoleMigration(dialect),
    '0017-member-directory': memberDirectoryMigration(dialect),
    '0020-enforcement': enforcementMigration(dialect),
    '0021-question-wait': questionWaitMigration(dialect),
    '0022-group-member-roles': groupMemberRolesMigration(dialect),
    '0023-coupons': couponsMigration(dialect),
    '0030-one-open-stay': oneOpenStayMigration(dialect),
    '0027-campaigns': campaignsMigration(dialect),
    '0029-draws': drawsMigration(dialect),
    '0031-votes': votesMigration(dialect),
    '0024-tracked-links': trackedLinksMigration(dialect),
    '0025-points': pointsMigration(dialect),
    '0026-poster-templates': posterTemplatesMigration(dialect),
    '0028-cleanup-decisions': cleanupDecisionsMigration(dialect),
  };
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly migration: string | undefined,
    override readonly cause: unknown,
  ) {
    super(`migration ${migration ?? '(unknown)'} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** PostgreSQL errors of a schema, table or column that vanished while Kysely listed them. */
const INTROSPECTION_RACES = new Set(['3F000', '42P01', '42703']);

/** Brings the schema up to date. Returns the names of the migrations it applied. */
export async function migrateToLatest(db: Kysely<any>, dialect: Dialect): Promise<string[]> {
  // Name the schema: Kysely otherwise looks for its bookkeeping tables in every schema
  // and can mistake another schema's (another tenant's, a parallel test run's) for ours.
  const schema = dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  // Numbers are handed out ahead of landing, so a lower one may arrive after a higher one has run.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(dialect) }, allowUnorderedMigrations: true, ...(schema ? { migrationTableSchema: schema } : {}) });
  let { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  // Kysely's introspection reads every schema's tables; one dropped meanwhile by another
  // tenant (or a parallel test run) fails it with 3F000, or with 42P01/42703 when a table or
  // its columns go while being read. No migration ran then (none is marked failed): try again.
  const introspectionRace = () => INTROSPECTION_RACES.has(String((error as { code?: unknown } | undefined)?.code)) && !results?.some((r) => r.status === 'Error');
  for (let attempt = 1; attempt < 4 && introspectionRace(); attempt++) ({ error, results } = await migrator.migrateToLatest());
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new MigrationError(failed?.migrationName, error);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
