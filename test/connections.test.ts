import { afterEach, describe, expect, it } from 'vitest';
import { addOperator, sessionFor } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const TOKEN = '987654321:ACME-very-secret-token';

describe.each(backends)('platform connections through the API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('adds, lists, pauses, resumes and removes a connection; its credentials never come back', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const added = await owner.post('/api/connections', { platform: 'telegram', name: 'main-bot', settings: { token: TOKEN, mode: 'polling' } });
    const addedText = await added.text();
    expect(added.status, addedText).toBe(201);
    expect(addedText).not.toContain('ACME-very-secret');
    const { connection } = JSON.parse(addedText) as { connection: { id: number; status: string } };
    expect(connection.status).toBe('active');

    const listed = await owner.get('/api/connections');
    const listedText = await listed.text();
    expect(JSON.parse(listedText)).toEqual({ connections: [expect.objectContaining({ id: connection.id, platform: 'telegram', name: 'main-bot', status: 'active' })] });
    expect(listedText).not.toContain('ACME-very-secret');

    expect((await (await owner.post(`/api/connections/${connection.id}/pause`)).json()).connection.status).toBe('paused');
    expect((await (await owner.post(`/api/connections/${connection.id}/resume`)).json()).connection.status).toBe('active');
    expect((await owner.request('DELETE', `/api/connections/${connection.id}`)).status).toBe(200);
    expect((await (await owner.get('/api/connections')).json()).connections).toEqual([]);

    const audit = await w.db.selectFrom('audit_log').select('action').where('workspace_id', '=', w.acme.id).where('action', 'like', 'connection.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['connection.added', 'connection.paused', 'connection.resumed', 'connection.removed']);
    const stored = await w.db.selectFrom('connection').select('config').execute();
    for (const row of stored) expect(row.config).not.toContain('secret-token');
  });

  it('names what is wrong with bad settings without echoing them, and stores nothing', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const owner = await sessionFor(w.app, w.db, w.acmeOwner.id, T0);
    const res = await owner.post('/api/connections', { platform: 'telegram', name: 'bad', settings: { token: 'not a token with a secret-ish value', mode: 'webhook' } });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: string };
    expect(error).toMatch(/token: a bot token looks like/);
    expect(error).toMatch(/webhookSecret/);
    expect(error).not.toContain('secret-ish');
    expect((await owner.post('/api/connections', { platform: 'sandbox', name: 'x', settings: {} })).status).toBe(400);
    expect(await w.db.selectFrom('connection').select('id').where('workspace_id', '=', w.acme.id).execute()).toEqual([]);
  });

  it('lets only roles that configure touch connections', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const op = await addOperator(w.db, { email: 'op@acme.test', workspaceId: w.acme.id, role: 'operator' }, T0);
    const operator = await sessionFor(w.app, w.db, op.id, T0);
    expect((await operator.get('/api/connections')).status).toBe(403);
    expect((await operator.post('/api/connections', { platform: 'telegram', name: 'x', settings: { token: TOKEN, mode: 'polling' } })).status).toBe(403);
  });
});
