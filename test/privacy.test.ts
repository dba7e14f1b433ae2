import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { metricsReport } from '../src/analytics/metrics-report.js';
import { createLogger } from '../src/config/logger.js';
import { loadConfig } from '../src/config/env.js';
import type { EventInput } from '../src/core/event.js';
import { importHistory } from '../src/importers/history-import.js';
import { TelegramAdapter } from '../src/platforms/telegram/telegram-adapter.js';
import { openTelegramConnection } from '../src/platforms/telegram/telegram-connection.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { setUpWorkspace } from '../src/runtime/workspace-setup.js';
import type { Database } from '../src/store/schema.js';
import { addOperator, sessionFor, type ApiClient } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { FakeBotApi } from './helpers/fake-bot-api.js';
import { importSeeds } from './helpers/import-seeds.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString();
const chat = { id: '-100100', title: 'Readers' };
const ann = { id: '501', name: 'Ann Lee', username: 'annlee' };
const bob = { id: '502', name: 'Bob Stone', username: 'bobstone' };
/** Strings that are Ann's and must be gone after she is erased. */
const ANNS = ['Ann Lee', 'Ann L.', 'annlee', 'call me on 555-0100', 'my book club secret'];

/** Ann's life in one Telegram group: invited by Bob with a code, talks, replies, reacts, renames; Bob mentions her. */
function annsEvents(): EventInput[] {
  const base = { platform: 'telegram' as const, group: chat };
  return [
    { ...base, kind: 'member.joined', dedupKey: 'tg:bob-join', occurredAt: at(T0 - 30 * HOUR), member: bob, method: 'link' },
    { ...base, kind: 'member.joined', dedupKey: 'tg:ann-join', occurredAt: at(T0 - 26 * HOUR), member: ann, method: 'invite', inviter: bob, code: 'SPRING' },
    { ...base, kind: 'message', dedupKey: 'tg:m1', occurredAt: at(T0 - 25 * HOUR), actor: ann, messageId: '1', text: 'call me on 555-0100' },
    { ...base, kind: 'message', dedupKey: 'tg:m2', occurredAt: at(T0 - 24 * HOUR), actor: bob, messageId: '2', text: 'welcome @annlee', mentions: ['501', '@annlee'] },
    { ...base, kind: 'message', dedupKey: 'tg:m3', occurredAt: at(T0 - 23 * HOUR), actor: ann, messageId: '3', text: 'my book club secret', replyTo: '2' },
    { ...base, kind: 'reaction', dedupKey: 'tg:r1', occurredAt: at(T0 - 22 * HOUR), actor: ann, messageId: '2', emoji: '👍' },
    { ...base, kind: 'command', dedupKey: 'tg:c1', occurredAt: at(T0 - 21 * HOUR), actor: ann, messageId: '4', name: 'rules', args: 'for annlee' },
    { ...base, kind: 'member.renamed', dedupKey: 'tg:rn1', occurredAt: at(T0 - 20 * HOUR), member: { ...ann, name: 'Ann L.' }, oldName: 'Ann Lee', newName: 'Ann L.' },
  ];
}

/** Every figure the rollups and metrics hold, to compare before and after an erasure. */
async function figures(db: Kysely<Database>, workspaceId: number) {
  const rows = async (table: 'group_day' | 'member_group_day' | 'member_group_total') =>
    (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
  return { metrics: await metricsReport(db, { workspaceId }), groupDay: await rows('group_day'), memberDay: await rows('member_group_day'), memberTotal: await rows('member_group_total') };
}

async function everything(db: Kysely<Database>, tables: string[]): Promise<string> {
  const parts: string[] = [];
  for (const t of tables) parts.push(JSON.stringify((await sql`select * from ${sql.table(t)}`.execute(db)).rows));
  return parts.join('\n');
}

describe.each(backends)('personal data of members on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function world() {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const results = await w.runtime.ingest(annsEvents(), { workspaceId: w.acme.id });
    expect(results.map((r) => r.status)).toEqual(new Array(8).fill('stored'));
    const idOf = async (name: string) => (await w.db.selectFrom('member').select('id').where('workspace_id', '=', w.acme.id).where('display_name', '=', name).executeTakeFirstOrThrow()).id;
    return { ...w, owner, annId: await idOf('Ann L.'), bobId: await idOf('Bob Stone'), idOf };
  }

  it('exports everything about one member as one JSON document, audited, for managers only', async () => {
    const w = await world();
    const res = await w.owner.get(`/api/members/${w.annId}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="hearth-member-${w.annId}-\\d{4}-\\d{2}-\\d{2}\\.json"$`));
    expect(res.headers.get('cache-control')).toBe('no-store');
    const doc = (await res.json()) as any;
    expect(doc).toMatchObject({ format: 'hearth.member-export', version: 1, workspace: { slug: 'acme' }, member: { id: w.annId, displayName: 'Ann L.', isBot: false, erasedAt: null } });
    expect(doc.identities).toEqual([{ platform: 'telegram', externalId: '501', displayName: 'Ann L.', username: 'annlee' }]);
    expect(doc.memberships).toEqual([
      expect.objectContaining({
        group: expect.objectContaining({ name: 'Readers', platform: 'telegram' }),
        joinMethod: 'invite',
        invitedBy: { memberId: w.bobId, displayName: 'Bob Stone' },
        code: 'SPRING',
        leftAt: null,
      }),
    ]);
    expect(doc.figures).toEqual([expect.objectContaining({ messages: 3, replies: 1, reactions: 1, activeDays: 1 })]);
    expect(doc.events.map((e: { kind: string }) => e.kind)).toEqual(['member.joined', 'message', 'message', 'reaction', 'command', 'member.renamed']);
    expect(doc.events[1].payload).toMatchObject({ text: 'call me on 555-0100', actor: { id: '501', name: 'Ann Lee' } });
    // The welcome the automation planned for her names her.
    expect(doc.outbox).toEqual([expect.objectContaining({ action: expect.objectContaining({ type: 'send_message', mentions: [w.annId], text: expect.stringContaining('Ann Lee') }) })]);

    // A sandbox member: the audit entries of the operator acting as them are theirs too.
    expect((await w.owner.post(`/api/sandbox/groups/${w.tea.id}/say`, { member: 'ann', text: 'tea time' })).status).toBe(200);
    const sandboxAnn = await w.db.selectFrom('identity').select('member_id').where('platform', '=', 'sandbox').where('external_id', '=', 'ann').executeTakeFirstOrThrow();
    const sandboxDoc = (await (await w.owner.get(`/api/members/${sandboxAnn.member_id}/export`)).json()) as any;
    expect(sandboxDoc.audit.map((e: { action: string; detail: { member?: string } }) => [e.action, e.detail.member])).toEqual([['sandbox.say', 'ann']]);

    const audited = await w.db.selectFrom('audit_log').select(['action', 'target_kind', 'target_id', 'detail']).where('action', '=', 'member.exported').orderBy('id').execute();
    expect(audited.map((a) => [a.target_kind, a.target_id])).toEqual([
      ['member', String(w.annId)],
      ['member', String(sandboxAnn.member_id)],
    ]);
    for (const a of audited) for (const s of ANNS) expect(a.detail).not.toContain(s);

    // Managers only: operators and analysts are refused, and so is any token (tokens never hold manage).
    for (const role of ['operator', 'analyst']) {
      const op = await addOperator(w.db, { email: `${role}@acme.test`, workspaceId: w.acme.id, role }, T0);
      const client = await sessionFor(w.app, w.db, op.id, T0);
      expect((await client.get(`/api/members/${w.annId}/export`)).status).toBe(403);
      expect((await client.post(`/api/members/${w.annId}/erase`)).status).toBe(403);
    }
    const token = await w.tokenClient(w.acmeOwner.id, ['read', 'act', 'configure']);
    expect((await token.get(`/api/members/${w.annId}/export`)).status).toBe(403);
    expect((await w.owner.get('/api/members/0/export')).status).toBe(400);
    expect((await w.owner.get('/api/members/987654/export')).status).toBe(404);
  });

  it('erases a member in one go: names pseudonymized, text blanked, figures unchanged, audited', async () => {
    const w = await world();
    const { db } = w;
    const before = await figures(db, w.acme.id);
    const res = await w.owner.post(`/api/members/${w.annId}/erase`);
    expect(res.status).toBe(200);
    const pseudonym = `Erased member #${w.annId}`;
    expect(await res.json()).toEqual({
      member: { id: w.annId, displayName: pseudonym, erasedAt: new Date(T0).toISOString() },
      changed: { identities: 1, events: 6, eventsNamingThem: 1, sandboxLines: 0, outboxActions: 1 },
    });

    expect(await figures(db, w.acme.id)).toEqual(before);
    expect(await db.selectFrom('member').select(['display_name', 'erased_at']).where('id', '=', w.annId).executeTakeFirstOrThrow()).toEqual({ display_name: pseudonym, erased_at: T0 });
    expect(await db.selectFrom('identity').select(['external_id', 'display_name', 'username']).where('member_id', '=', w.annId).execute()).toEqual([
      { external_id: '501', display_name: pseudonym, username: null },
    ]);
    // Nowhere in the event log, the outbox, the members or the memberships.
    const stored = await everything(db, ['event', 'outbox', 'member', 'identity', 'membership']);
    for (const s of ANNS) expect(stored, s).not.toContain(s);
    const payloads = (await db.selectFrom('event').select(['dedup_key', 'payload']).orderBy('id').execute()).map((e) => [e.dedup_key, JSON.parse(e.payload)]);
    expect(Object.fromEntries(payloads)).toMatchObject({
      'tg:ann-join': { kind: 'member.joined', member: { id: '501', name: pseudonym }, inviter: { name: 'Bob Stone' }, code: 'SPRING', method: 'invite' },
      'tg:m1': { kind: 'message', actor: { id: '501', name: pseudonym }, text: '', messageId: '1' },
      'tg:m2': { actor: { name: 'Bob Stone' }, text: `welcome @erased-member-${w.annId}`, mentions: ['501', `@erased-member-${w.annId}`] },
      'tg:m3': { text: '', replyTo: '2' },
      'tg:c1': { name: 'rules', args: '' },
      'tg:rn1': { oldName: pseudonym, newName: pseudonym },
    });

    const [audit] = await db.selectFrom('audit_log').selectAll().where('action', '=', 'member.erased').execute();
    expect(audit).toMatchObject({ actor_kind: 'operator', actor_label: 'owner@acme.test', target_kind: 'member', target_id: String(w.annId) });
    expect(JSON.parse(audit!.detail)).toEqual({ pseudonym, identities: 1, events: 6, eventsNamingThem: 1, sandboxLines: 0, outboxActions: 1 });

    // Her export now holds only the pseudonym.
    const exported = await (await w.owner.get(`/api/members/${w.annId}/export`)).text();
    for (const s of ANNS) expect(exported, s).not.toContain(s);

    // She comes back on Telegram under her name, and renames: the pseudonym stays; she is counted.
    const base = { platform: 'telegram' as const, group: chat };
    const later = await w.runtime.ingest(
      [
        { ...base, kind: 'message', dedupKey: 'tg:m9', occurredAt: at(T0 + HOUR), actor: ann, messageId: '9', text: 'back again' },
        { ...base, kind: 'member.renamed', dedupKey: 'tg:rn2', occurredAt: at(T0 + 2 * HOUR), member: { ...ann, name: 'Annie' }, oldName: 'Ann Lee', newName: 'Annie' },
        { ...base, kind: 'message', dedupKey: 'tg:m10', occurredAt: at(T0 + 3 * HOUR), actor: bob, messageId: '10', text: 'hi', mentions: ['501'] },
      ],
      { workspaceId: w.acme.id },
    );
    expect(later.map((r) => r.status)).toEqual(['stored', 'stored', 'stored']);
    expect((await db.selectFrom('member').select('display_name').where('id', '=', w.annId).executeTakeFirstOrThrow()).display_name).toBe(pseudonym);
    expect((await db.selectFrom('identity').select('display_name').where('member_id', '=', w.annId).executeTakeFirstOrThrow()).display_name).toBe(pseudonym);
    const afterwards = await everything(db, ['event', 'member', 'identity']);
    for (const s of [...ANNS, 'Annie']) expect(afterwards, s).not.toContain(s);
    const m9 = JSON.parse((await db.selectFrom('event').select('payload').where('dedup_key', '=', 'tg:m9').executeTakeFirstOrThrow()).payload);
    // New words are new data: kept, under the pseudonym.
    expect(m9).toMatchObject({ actor: { id: '501', name: pseudonym }, text: 'back again' });
    expect(m9.actor.username).toBeUndefined();
    expect((await db.selectFrom('member_group_total').select('messages').where('member_id', '=', w.annId).executeTakeFirstOrThrow()).messages).toBe(4);
    expect(await db.selectFrom('member').select('id').where('workspace_id', '=', w.acme.id).where('display_name', 'in', ['Ann Lee', 'Ann L.', 'Annie']).execute()).toEqual([]);
  });

  it("erases a sandbox member: their lines blanked, the bot's welcome renamed, and the name never comes back as a new member", async () => {
    const w = await world();
    const { db } = w;
    expect((await w.owner.post(`/api/sandbox/groups/${w.tea.id}/join`, { member: 'Zoë Quill' })).status).toBe(200);
    expect((await w.owner.post(`/api/sandbox/groups/${w.tea.id}/say`, { member: 'Zoë Quill', text: 'my address is 1 Elm St' })).status).toBe(200);
    const zoe = await w.idOf('Zoë Quill');
    const log = async () =>
      (await (await w.owner.get(`/api/sandbox/groups/${w.tea.id}/log`)).json()) as { entries: { from: { id: string; name: string; bot: boolean }; text: string | null; kind: string }[] };
    expect((await log()).entries.some((e) => e.from.bot && e.text?.includes('Zoë Quill'))).toBe(true);

    const res = await w.owner.post(`/api/members/${zoe}/erase`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { changed: { sandboxLines: number } }).changed.sandboxLines).toBe(3);
    const entries = (await log()).entries;
    expect(JSON.stringify(entries)).not.toContain('Zoë Quill');
    expect(JSON.stringify(entries)).not.toContain('1 Elm St');
    expect(entries.filter((e) => e.from.name === `Erased member #${zoe}`).map((e) => [e.kind, e.text])).toEqual([
      ['join', null],
      ['message', ''],
    ]);
    expect(entries.filter((e) => e.from.bot && e.text?.includes(`Erased member #${zoe}`)).map((e) => e.text)).toEqual([
      `@Erased member #${zoe} Welcome Erased member #${zoe} to Tea Lovers! Please read the group rules and introduce yourself: where you are, what you do, what you enjoy.`,
    ]);
    const identity = await db.selectFrom('identity').select(['external_id', 'display_name']).where('member_id', '=', zoe).executeTakeFirstOrThrow();
    expect(identity.external_id).toMatch(/^erased:[0-9a-f]{40}$/);
    expect(await everything(db, ['event', 'member', 'identity', 'outbox'])).not.toContain('Zoë Quill');

    // The operator types the same name again: it is the erased member, still under the pseudonym.
    expect((await w.owner.post(`/api/sandbox/groups/${w.tea.id}/say`, { member: 'Zoë Quill', text: 'hello again' })).status).toBe(200);
    expect(
      await db
        .selectFrom('member')
        .select(['id', 'display_name'])
        .where('workspace_id', '=', w.acme.id)
        .where('display_name', 'in', ['Zoë Quill', `Erased member #${zoe}`])
        .execute(),
    ).toEqual([{ id: zoe, display_name: `Erased member #${zoe}` }]);
    expect(await everything(db, ['event', 'member', 'identity'])).not.toContain('Zoë Quill');
  });

  it('an erased sender of an imported export stays erased when the export is imported again', async () => {
    const w = await world();
    const dir = mkdtempSync(join(tmpdir(), 'hearth-privacy-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'messages.html');
    writeFileSync(file, importSeeds()['telegram-html'].text);
    await importHistory(w.runtime, 'telegram-html', [file], { workspaceId: w.acme.id });
    const annHtml = await w.idOf('Ann');
    const members = async () => (await w.db.selectFrom('member').select(['id', 'display_name']).where('workspace_id', '=', w.acme.id).orderBy('id').execute()).length;
    const count = await members();
    expect((await w.owner.post(`/api/members/${annHtml}/erase`)).status).toBe(200);
    const again = await importHistory(w.runtime, 'telegram-html', [file], { workspaceId: w.acme.id });
    expect(again.stored).toBe(0);
    expect(await members()).toBe(count);
    expect(await w.db.selectFrom('member').select('id').where('workspace_id', '=', w.acme.id).where('display_name', '=', 'Ann').execute()).toEqual([]);
    expect(await everything(w.db, ['identity'])).not.toMatch(/name:[^"]*:Ann"/);
  });
});

describe('hearth member export / erase (CLI)', { timeout: 120_000 }, () => {
  it('exports to a file only its owner can read, and erases only with --yes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hearth-cli-privacy-'));
    try {
      const config = loadConfig({ HEARTH_DATA_DIR: dataDir });
      const runtime = await HearthRuntime.open(config.database);
      const ws = await setUpWorkspace(runtime.store.db, 'north', 'North', T0);
      await runtime.ingest(annsEvents(), { workspaceId: ws.id, automations: false });
      const annId = (await runtime.store.db.selectFrom('member').select('id').where('display_name', '=', 'Ann L.').executeTakeFirstOrThrow()).id;
      await runtime.close();

      const env = { ...process.env, HEARTH_DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', HEARTH_LOG_LEVEL: 'warn' };
      const hearth = (args: string[]) =>
        new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
          execFile('node', ['bin/hearth.js', ...args], { env, cwd: process.cwd() }, (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
        });
      const out = join(dataDir, 'ann.json');
      const exported = await hearth(['member', 'export', String(annId), '--out', out]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(statSync(out).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ member: { id: annId, displayName: 'Ann L.' }, identities: [{ username: 'annlee' }] });

      const refused = await hearth(['member', 'erase', String(annId)]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/cannot be undone: run again with --yes/);
      expect((await hearth(['member', 'erase', '999', '--yes'])).stderr).toMatch(/no member 999/);
      const erased = await hearth(['member', 'erase', String(annId), '--yes']);
      expect(erased.code, erased.stderr).toBe(0);
      expect(JSON.parse(erased.stdout)).toMatchObject({ memberId: annId, pseudonym: `Erased member #${annId}`, events: 6 });
      const after = await hearth(['member', 'export', String(annId)]);
      for (const s of ANNS) expect(after.stdout).not.toContain(s);

      const check = await HearthRuntime.open(config.database);
      const audit = await check.store.db.selectFrom('audit_log').select(['action', 'actor_label']).where('action', 'like', 'member.%').orderBy('id').execute();
      await check.close();
      expect(audit).toEqual([
        { action: 'member.exported', actor_label: 'cli' },
        { action: 'member.erased', actor_label: 'cli' },
        { action: 'member.exported', actor_label: 'cli' },
      ]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('platform credentials never leave the server', () => {
  const TOKEN = '555000111:AAprivacy-test-bot-token_0123456789abcdef';
  const SECRET = 'privacy-webhook-secret_0123456789';
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('a Telegram token and webhook secret: sealed at rest, absent from every API answer, error and log line', async () => {
    const w = await twoWorkspaces(backends[0]!, cleanups);
    const owner: ApiClient = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const answers: string[] = [];
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await owner.request(method, path, body);
      const text = await res.text();
      answers.push(`${method} ${path} → ${res.status} ${text}`);
      return { status: res.status, text };
    };
    // A fake Bot API that knows another token: every call with ours is refused.
    const fake = await FakeBotApi.start({ token: '999999999:another-token-entirely_abcdefghijkl' });
    cleanups.push(() => fake.close());
    // And one that knows ours: a connection is only stored once Telegram accepted its token.
    const accepting = await FakeBotApi.start({ token: TOKEN });
    cleanups.push(() => accepting.close());

    const settings = { token: TOKEN, mode: 'webhook', webhookSecret: SECRET, apiRoot: accepting.apiRoot };
    const added = await call('POST', '/api/connections', { platform: 'telegram', name: 'acme-bot', settings });
    expect(added.status).toBe(201);
    const id = (JSON.parse(added.text) as { connection: { id: number } }).connection.id;
    // Refused settings name the field, never the value.
    expect((await call('POST', '/api/connections', { platform: 'telegram', name: 'bad-1', settings: { token: TOKEN, mode: 'webhook' } })).status).toBe(400);
    expect((await call('POST', '/api/connections', { platform: 'telegram', name: 'bad-2', settings: { token: `${TOKEN} `, webhookSecret: SECRET } })).status).toBe(400);
    expect((await call('POST', '/api/connections', { platform: 'telegram', name: 'bad-3', settings: { ...settings, webhookSecret: `${SECRET}!` } })).status).toBe(400);
    expect((await call('POST', '/api/connections', { platform: 'telegram', name: 'acme-bot', settings })).status).toBe(400);
    await call('GET', '/api/connections');
    await call('POST', `/api/connections/${id}/pause`, {});
    await call('POST', `/api/connections/${id}/resume`, {});
    await call('GET', '/api/audit?limit=200');
    await call('GET', '/api/audit/export?format=csv');
    await call('GET', '/api/audit/export?format=json');
    await call('GET', '/api/workspaces/acme/overview');
    await call('GET', '/api/groups');
    for (const a of answers) {
      expect(a).not.toContain(TOKEN);
      expect(a).not.toContain(TOKEN.split(':')[1]);
      expect(a).not.toContain(SECRET);
    }

    // At rest: sealed (AES-GCM), in the connection table and nowhere else.
    const stored = await everything(w.db, ['connection', 'audit_log', 'chat_group', 'outbox']);
    expect(stored).not.toContain(TOKEN.split(':')[1]);
    expect(stored).not.toContain(SECRET);
    const row = await w.db.selectFrom('connection').select('config').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.config).toMatch(/^enc:v1:[A-Za-z0-9+/=]+$/);

    // Errors: Telegram refusing the token (401), and the network failing; logged as serve logs them.
    const lines: string[] = [];
    const log = createLogger('debug', 'hearth', { write: (line: string) => void lines.push(line) });
    const errors: Error[] = [];
    const polling = await w.connections.get(id);
    const refused = await openTelegramConnection(w.runtime, { ...polling, settings: { ...polling.settings, mode: 'polling', apiRoot: fake.apiRoot } }, { pollTimeoutSeconds: 1 }).catch(
      (e: unknown) => e as Error,
    );
    expect(refused).toBeInstanceOf(Error);
    errors.push(refused as Error);
    const offline = new TelegramAdapter({ settings: { token: TOKEN, mode: 'polling', apiRoot: 'http://127.0.0.1:9' } });
    const down = await offline.identity().catch((e: unknown) => e as Error);
    expect(down).toBeInstanceOf(Error);
    errors.push(down as Error);
    // What a careless log line could carry: the settings, the token itself, an error whose text quotes an API URL.
    const quoting = new Error(`request to https://api.telegram.org/bot${TOKEN}/getMe failed`);
    for (const err of [...errors, quoting]) log.error({ err, connection: id }, 'telegram');
    log.warn({ settings, connection: id }, 'connection settings');
    log.warn({ token: TOKEN, secret: SECRET }, 'credentials');
    log.info({ config: row.config }, 'stored row');
    expect(lines.length).toBe(6);
    for (const e of errors) {
      expect(e.message).not.toContain(TOKEN);
      expect(e.message).not.toContain(TOKEN.split(':')[1]);
      expect(String(e.stack)).not.toContain(TOKEN.split(':')[1]);
    }
    for (const line of lines) {
      expect(line).not.toContain(TOKEN.split(':')[1]);
      expect(line).not.toContain(SECRET);
    }
    expect(lines.join('\n')).toContain('[redacted]');
  });
});
