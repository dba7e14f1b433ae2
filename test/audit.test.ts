import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { auditCsv } from '../src/audit/audit-log.js';
import { ApiClient, signIn, TEST_PASSWORD } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const MINUTE = 60_000;

/** RFC 4180, as a spreadsheet reads it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += ch;
  }
  return rows;
}

interface Entry {
  id: number;
  at: string;
  actor: { kind: string; id: number | null; label: string };
  action: string;
  target: { kind: string; id: string } | null;
  groupId: number | null;
  detail: Record<string, any>;
}

describe.each(backends)('the audit log on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  /** The actions of the story below, each a minute apart, through the API as operators and scripts take them. */
  async function story() {
    const w = await twoWorkspaces(backend, cleanups);
    const at = () => (w.clock.t += MINUTE);
    const login = (email: string, password: string) => w.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });

    at();
    expect((await login('owner@acme.test', 'a wrong password guess')).status).toBe(401);
    at();
    const owner = await signIn(w.app, 'owner@acme.test');
    at();
    expect((await owner.post(`/api/sandbox/groups/${w.tea.id}/join`, { member: 'dana' })).status).toBe(200);
    at();
    expect((await owner.post(`/api/sandbox/groups/${w.tea.id}/say`, { member: 'dana', text: 'BUY CHEAP FOLLOWERS http://spam.example' })).status).toBe(200);
    at();
    const made = (await (await owner.post('/api/tokens', { name: 'report script', scopes: ['read', 'act'] })).json()) as { token: string; info: { id: number } };
    at();
    const script = new ApiClient(w.app, { bearer: made.token });
    expect((await script.post(`/api/sandbox/groups/${w.books.id}/leave`, { member: 'cy' })).status).toBe(200);
    at();
    expect((await owner.post(`/api/tokens/${made.info.id}/revoke`)).status).toBe(200);

    // A rule mutes the spammer: the dispatcher completes it and the audit log gets the rule's entry.
    at();
    const message = await w.db
      .selectFrom('event')
      .select(['id', 'member_id', 'group_id'])
      .where('group_id', '=', w.tea.id)
      .where('kind', '=', 'message')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    await w.db
      .insertInto('outbox')
      .values({
        workspace_id: w.acme.id,
        group_id: w.tea.id,
        platform: 'sandbox',
        idempotency_key: `evt:${message.id}:9`,
        action: JSON.stringify({ type: 'mute_member', groupId: w.tea.id, memberId: message.member_id, seconds: 600, rule: 'flood-guard' }),
        status: 'pending',
        attempts: 0,
        next_attempt_at: w.clock.t,
        created_at: w.clock.t,
      })
      .execute();
    const report = await w.runtime.dispatcher.runDue();
    expect(report.dispatched).toEqual([expect.objectContaining({ status: 'done', rule: 'flood-guard' })]);

    at();
    expect((await owner.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'an even longer passphrase' })).status).toBe(200);
    at();
    expect((await owner.get('/api/audit/export?format=csv')).status).toBe(200);
    at();
    const other = await signIn(w.app, 'owner@acme.test', 'an even longer passphrase');
    at();
    expect((await other.post('/api/auth/logout')).status).toBe(200);
    at();
    expect((await owner.post('/api/auth/logout-all')).status).toBe(200);
    const reader = await signIn(w.app, 'owner@acme.test', 'an even longer passphrase');
    return { ...w, reader, tokenId: made.info.id, spammer: message.member_id };
  }

  it('shows every action taken, newest first: who or which rule, what, on whom, when, with evidence', async () => {
    const { reader, tea, books, tokenId, spammer } = await story();
    const { entries } = (await reader.json('/api/audit?limit=200')) as { entries: Entry[] };
    const actions = entries.map((e) => e.action).reverse();
    expect(actions).toEqual([
      'auth.login_failed',
      'auth.login',
      'sandbox.join',
      'sandbox.say',
      'token.created',
      'sandbox.leave',
      'token.revoked',
      'moderation.mute_member',
      'auth.password_changed',
      'audit.exported',
      'auth.login',
      'auth.logout',
      'auth.logout_all',
      'auth.login',
    ]);
    const by = (action: string) => entries.find((e) => e.action === action)!;
    expect(by('sandbox.say')).toMatchObject({
      actor: { kind: 'operator', label: 'owner@acme.test' },
      target: { kind: 'group', id: String(tea.id) },
      groupId: tea.id,
      detail: { member: 'dana', text: 'BUY CHEAP FOLLOWERS http://spam.example' },
    });
    expect(by('sandbox.leave')).toMatchObject({ actor: { kind: 'token', id: tokenId, label: expect.stringContaining('report script') }, groupId: books.id });
    expect(by('token.created').detail).toMatchObject({ name: 'report script', scopes: ['read', 'act'] });
    expect(JSON.stringify(by('token.created'))).not.toMatch(/hth_[A-Za-z0-9_-]{20}/);
    expect(by('moderation.mute_member')).toMatchObject({
      actor: { kind: 'rule', id: null, label: 'flood-guard' },
      target: { kind: 'member', id: String(spammer) },
      groupId: tea.id,
      detail: { action: { type: 'mute_member', seconds: 600 }, evidence: { kind: 'message', text: 'BUY CHEAP FOLLOWERS http://spam.example' } },
    });
    expect(by('auth.login_failed').actor).toMatchObject({ kind: 'system' });
    expect(JSON.stringify(entries)).not.toMatch(/passphrase|wrong password guess|scrypt/);
    expect(new Date(entries.at(-1)!.at).getTime()).toBe(T0 + MINUTE);
  });

  it('searches by actor, action, target, group, time range and text, and pages', async () => {
    const { reader, tea, tokenId } = await story();
    const search = async (query: string) => (await reader.json(`/api/audit?${query}`)) as { entries: Entry[]; next: number | null };
    const actions = async (query: string) => (await search(query)).entries.map((e) => e.action);
    expect(await actions('actor=flood-guard')).toEqual(['moderation.mute_member']);
    expect(await actions(`actor=token:${tokenId}`)).toEqual(['sandbox.leave']);
    expect(await actions('action=sandbox.')).toEqual(['sandbox.leave', 'sandbox.say', 'sandbox.join']);
    expect(await actions('action=token.revoked')).toEqual(['token.revoked']);
    expect(await actions(`target=token:${tokenId}`)).toEqual(['token.revoked', 'token.created']);
    expect(await actions(`group=${tea.id}&from=${new Date(T0 + 2 * MINUTE).toISOString()}`)).toEqual(['moderation.mute_member', 'sandbox.say', 'sandbox.join']);
    expect(await actions(`from=${new Date(T0 + 3 * MINUTE).toISOString()}&to=${new Date(T0 + 5 * MINUTE).toISOString()}`)).toEqual(['sandbox.say', 'sandbox.join']);
    expect(await actions('q=cheap followers')).toEqual(['moderation.mute_member', 'sandbox.say']);
    expect(await actions('q=100%25_')).toEqual([]);
    const first = await search('limit=5');
    expect(first.entries).toHaveLength(5);
    const second = await search(`limit=5&before=${first.next}`);
    expect(second.entries[0]!.id).toBeLessThan(first.entries.at(-1)!.id);
    expect((await reader.get('/api/audit?from=yesterday')).status).toBe(400);
    expect((await reader.get('/api/audit?limit=5000')).status).toBe(400);
  });

  it('exports as CSV and JSON, filtered like the search, as a download', async () => {
    const { reader } = await story();
    const csv = await reader.get('/api/audit/export?format=csv&action=sandbox.');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="hearth-audit-acme-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    // A UTF-8 byte-order mark, so spreadsheet programs read Chinese names right.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder().decode(bytes));
    expect(rows[0]).toEqual(['id', 'at', 'actor_kind', 'actor_id', 'actor', 'action', 'target_kind', 'target_id', 'group_id', 'detail']);
    expect(rows.slice(1).map((r) => r[5])).toEqual(['sandbox.leave', 'sandbox.say', 'sandbox.join']);
    expect(rows[1]![4]).toMatch(/^owner@acme\.test \(token report script, hth_/);
    expect(JSON.parse(rows[2]![9]!)).toMatchObject({ member: 'dana', text: 'BUY CHEAP FOLLOWERS http://spam.example' });

    const json = await reader.get('/api/audit/export?format=json');
    expect(json.headers.get('content-disposition')).toMatch(/\.json"$/);
    const all = (await json.json()) as Entry[];
    expect(all.length).toBeGreaterThanOrEqual(15);
    expect(all[0]).toMatchObject({ action: 'audit.exported', detail: { format: 'csv' } });
    expect((await reader.get('/api/audit/export?format=xml')).status).toBe(400);
  });

  it('keeps spreadsheet formulas inert in CSV', () => {
    const csv = auditCsv([{ id: 1, at: '2026-01-01T00:00:00.000Z', actor: { kind: 'rule', id: null, label: '=HYPERLINK("http://x")' }, action: 'a', target: null, groupId: null, detail: {} }]);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  it('is append-only: the database refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL)', async () => {
    const { db } = await story();
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    await expect(db.updateTable('audit_log').set({ action: 'nothing.happened' }).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    if (backend.name === 'postgres') await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only/);
    expect(await count()).toBe(before);
    expect((await db.selectFrom('audit_log').select('action').where('action', '=', 'nothing.happened').execute()).length).toBe(0);
  });
});
