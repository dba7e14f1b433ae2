import { sql, type Kysely } from 'kysely';
import { createApiToken } from '../../src/auth/api-tokens.js';
import { ConnectionStore } from '../../src/connections/connection-store.js';
import { SecretBox } from '../../src/connections/secret-box.js';
import type { TokenScope } from '../../src/auth/roles.js';
import { SandboxService } from '../../src/runtime/sandbox-service.js';
import { setUpWorkspace } from '../../src/runtime/workspace-setup.js';
import { createApp } from '../../src/server/app.js';
import { WebhookStore } from '../../src/webhooks/webhook-store.js';
import type { Database } from '../../src/store/schema.js';
import { addOperator, ApiClient, sessionFor } from './auth-fixture.js';
import type { TestBackend } from './backends.js';
import { sandboxFixture } from './sandbox-fixture.js';

export const T0 = Date.parse('2026-07-10T12:00:00Z');
const HOUR = 3_600_000;

/**
 * Strings that exist only in the second workspace ("zeta"): no answer given to a
 * caller of the first workspace ("acme") may contain any of them.
 */
export const ZETA_MARKERS = [
  'zeta-ws',
  'Zeta Secret Works',
  'Zeta Hidden Lounge',
  'Zeta Private Room',
  'zeta-member-xq',
  'zeta-owner@zeta.test',
  'zeta-token-name',
  'zeta secret words',
  'zeta-bot-conn',
  'ZETA-secret-bot-token-value',
];

/**
 * Two workspaces on one server, as a multi-tenant install has them: acme (three
 * sandbox groups, an owner) and zeta (two groups with members and messages, an owner,
 * a token, audit entries). The app runs on a manual clock.
 */
export async function twoWorkspaces(backend: TestBackend, cleanups: (() => Promise<void>)[]) {
  const made = backend.create();
  const f = await sandboxFixture(made.target, T0 - 3 * 24 * HOUR);
  cleanups.push(made.cleanup, () => f.runtime.close());
  const { db } = f.runtime.store;
  const acme = f.workspace;
  const zeta = await setUpWorkspace(db, 'zeta-ws', 'Zeta Secret Works', T0 - 3 * 24 * HOUR);
  const zetaSandbox = new SandboxService(f.runtime, zeta.id, f.clock);

  const tea = await f.sandbox.addGroup('Tea Lovers');
  const quiet = await f.sandbox.addGroup('Quiet Corner');
  const books = await f.sandbox.addGroup('Book Club');
  await f.sandbox.join(tea.id, 'ann', { at: T0 - 2 * 24 * HOUR });
  await f.sandbox.say(tea.id, 'ann', 'hello tea', T0 - 2 * 24 * HOUR + 1000);
  await f.sandbox.join(quiet.id, 'bo', { at: T0 - 2 * 24 * HOUR });
  await f.sandbox.join(books.id, 'cy', { at: T0 - 2 * 24 * HOUR });
  await f.sandbox.say(books.id, 'cy', 'a chapter a day', T0 - HOUR);

  const zetaLounge = await zetaSandbox.addGroup('Zeta Hidden Lounge');
  const zetaRoom = await zetaSandbox.addGroup('Zeta Private Room');
  await zetaSandbox.join(zetaLounge.id, 'zeta-member-xq', { at: T0 - 2 * 24 * HOUR });
  await zetaSandbox.say(zetaLounge.id, 'zeta-member-xq', 'zeta secret words', T0 - 2 * HOUR);
  await zetaSandbox.join(zetaRoom.id, 'zeta-member-xq', { at: T0 - 2 * HOUR });
  f.clock.t = T0;

  const connections = new ConnectionStore(db, new SecretBox('a-test-instance-secret-that-is-long-enough'));
  const zetaConnection = await connections.add(
    { workspaceId: zeta.id, platform: 'telegram', name: 'zeta-bot-conn', settings: { token: '123456789:ZETA-secret-bot-token-value', mode: 'polling' } },
    T0,
  );
  const webhooks = new WebhookStore(db, new SecretBox('a-test-instance-secret-that-is-long-enough'), { privateTargets: 'loopback' });
  const zetaWebhook = (await webhooks.create({ workspaceId: zeta.id, url: 'http://127.0.0.1:9/zeta-ws-hook', events: ['*'], description: 'Zeta Secret Works hook', createdBy: null }, T0)).webhook;
  const app = createApp({
    runtime: f.runtime,
    clock: f.clock.now,
    connections,
    webhooks,
    secretBox: new SecretBox('a-test-instance-secret-that-is-long-enough'),
    sandbox: (ws) => new SandboxService(f.runtime, ws, f.clock),
    logError: (e) => console.error(e),
  });
  const acmeOwner = await addOperator(db, { email: 'owner@acme.test', workspaceId: acme.id, role: 'owner' }, T0);
  const zetaOwner = await addOperator(db, { email: 'zeta-owner@zeta.test', workspaceId: zeta.id, role: 'owner' }, T0);
  const zetaToken = await createApiToken(db, { workspaceId: zeta.id, operatorId: zetaOwner.id, name: 'zeta-token-name', scopes: ['read', 'act'] }, T0);
  const zetaClient = await sessionFor(app, db, zetaOwner.id, T0);
  // Something in zeta's audit log, made through the API as its owner would.
  const said = await zetaClient.post(`/api/sandbox/groups/${zetaRoom.id}/say`, { member: 'zeta-member-xq', text: 'zeta secret words' });
  if (said.status !== 200) throw new Error(`fixture: zeta say failed ${said.status}`);

  /** A token for an acme operator, as a script would hold it. */
  async function tokenClient(operatorId: number, scopes: TokenScope[], workspaceId = acme.id): Promise<ApiClient> {
    const { token } = await createApiToken(db, { workspaceId, operatorId, name: `test-${scopes.join('-')}`, scopes }, f.clock.t);
    return new ApiClient(app, { bearer: token });
  }

  return {
    ...f,
    db,
    app,
    connections,
    zetaConnection,
    webhooks,
    zetaWebhook,
    acme,
    zeta,
    tea,
    quiet,
    books,
    zetaLounge,
    zetaRoom,
    acmeOwner,
    zetaOwner,
    zetaToken,
    zetaClient,
    tokenClient,
    zetaSandbox,
  };
}

/**
 * The tables of the current database (or PostgreSQL schema), without the migrator's
 * own. Asked of the catalog directly: Kysely's introspection walks every schema, and a
 * parallel run may drop its schema mid-walk.
 */
export async function tableNames(db: Kysely<Database>): Promise<string[]> {
  const isPostgres = await sql`select current_schema()`.execute(db).then(
    () => true,
    () => false,
  );
  const rows = isPostgres
    ? (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema()`.execute(db)).rows
    : (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)).rows;
  return rows
    .map((r) => r.name)
    .filter((n) => !n.startsWith('kysely_'))
    .sort();
}

/**
 * Every row of every table, for before/after comparisons. Bookkeeping that a mere
 * authenticated read may write (a session's last-seen time, a token's last use) is
 * left out: it is not data of any workspace.
 */
export async function snapshot(db: Kysely<Database>): Promise<Map<string, string[]>> {
  const IGNORED: Record<string, string[]> = { session: ['last_seen_at', 'expires_at'], api_token: ['last_used_at'] };
  const out = new Map<string, string[]>();
  for (const table of await tableNames(db)) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows;
    out.set(
      table,
      rows
        .map((r) => {
          const copy = { ...r };
          for (const col of IGNORED[table] ?? []) delete copy[col];
          return JSON.stringify(copy, Object.keys(copy).sort());
        })
        .sort(),
    );
  }
  return out;
}

/** The rows that differ between two snapshots, by table: added (+) and removed (−). */
export function diffSnapshots(before: Map<string, string[]>, after: Map<string, string[]>): Record<string, { added: unknown[]; removed: unknown[] }> {
  const changes: Record<string, { added: unknown[]; removed: unknown[] }> = {};
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const a = new Set(before.get(table) ?? []);
    const b = new Set(after.get(table) ?? []);
    const added = [...b].filter((r) => !a.has(r)).map((r) => JSON.parse(r) as unknown);
    const removed = [...a].filter((r) => !b.has(r)).map((r) => JSON.parse(r) as unknown);
    if (added.length || removed.length) changes[table] = { added, removed };
  }
  return changes;
}
