import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionStore } from '../src/connections/connection-store.js';
import { SecretBox } from '../src/connections/secret-box.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openStore, type Store } from '../src/store/database.js';
import { ensureGroup, findGroup } from '../src/store/groups.js';
import { ensureWorkspace, findWorkspace } from '../src/store/workspaces.js';
import { backends } from './helpers/backends.js';

const SECRET = 'a-test-instance-secret-that-is-long-enough';

describe.each(backends)('store on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  async function store(): Promise<Store & { target: ReturnType<typeof backend.create>['target'] }> {
    const made = backend.create();
    const s = await openStore(made.target);
    cleanups.push(made.cleanup, () => s.close());
    return Object.assign(s, { target: made.target });
  }

  it('migrates once; running the migrations again changes nothing', async () => {
    const s = await store();
    expect(await migrateToLatest(s.db, s.dialect)).toEqual([]);
  });

  it('keeps one group per platform id in a workspace, and finds it by id or name', async () => {
    const s = await store();
    const ws = await ensureWorkspace(s.db, 'north');
    const other = await ensureWorkspace(s.db, 'south');
    const a = await ensureGroup(s.db, { workspaceId: ws.id, platform: 'telegram', externalId: '-100', name: 'Runners', profile: { timezone: 'Europe/Paris', type: 'interest' } });
    const again = await ensureGroup(s.db, { workspaceId: ws.id, platform: 'telegram', externalId: '-100', name: 'Renamed' });
    const elsewhere = await ensureGroup(s.db, { workspaceId: other.id, platform: 'telegram', externalId: '-100', name: 'Runners' });
    expect(again.id).toBe(a.id);
    expect(elsewhere.id).not.toBe(a.id);
    expect(a).toMatchObject({ timezone: 'Europe/Paris', type: 'interest' });
    expect((await findGroup(s.db, ws.id, 'Runners')).id).toBe(a.id);
    expect((await findGroup(s.db, ws.id, String(a.id))).id).toBe(a.id);
    await expect(findGroup(s.db, ws.id, String(elsewhere.id))).rejects.toThrow(/no group/);
    await expect(ensureGroup(s.db, { workspaceId: ws.id, platform: 'telegram', externalId: '-200', name: 'x', profile: { timezone: 'Mars/Olympus' } })).rejects.toThrow(
      /unknown time zone "Mars\/Olympus"/,
    );
    await expect(ensureWorkspace(s.db, 'Bad Slug!')).rejects.toThrow(/invalid workspace slug/);
    await expect(findWorkspace(s.db, 'missing')).rejects.toThrow(/no workspace "missing"/);
  });

  it('refuses a second event with the same dedup key at the database level too', async () => {
    const s = await store();
    const ws = await ensureWorkspace(s.db, 'north');
    const g = await ensureGroup(s.db, { workspaceId: ws.id, platform: 'sandbox', externalId: 'r', name: 'R' });
    const row = { workspace_id: ws.id, group_id: g.id, member_id: null, kind: 'message', dedup_key: 'same', occurred_at: 1, payload: '{}' };
    await s.db.insertInto('event').values(row).execute();
    await expect(s.db.insertInto('event').values(row).execute()).rejects.toThrow();
  });

  it('stores connection credentials encrypted, and never shows them', async () => {
    const s = await store();
    const ws = await ensureWorkspace(s.db, 'north');
    const connections = new ConnectionStore(s.db, new SecretBox(SECRET));
    const added = await connections.add({ workspaceId: ws.id, platform: 'telegram', name: 'main-bot', settings: { token: '123456:SECRET-TOKEN' } });
    expect(JSON.stringify(added)).not.toContain('SECRET-TOKEN');
    expect(JSON.stringify(await connections.list(ws.id))).not.toContain('SECRET-TOKEN');
    const raw = await s.db.selectFrom('connection').select('config').executeTakeFirstOrThrow();
    expect(raw.config).not.toContain('SECRET-TOKEN');
    expect((await connections.get(added.id)).settings).toEqual({ token: '123456:SECRET-TOKEN' });
    await expect(new ConnectionStore(s.db, new SecretBox(`${SECRET}-other`)).get(added.id)).rejects.toThrow(/HEARTH_SECRET differs/);
    expect((await connections.setStatus(added.id, 'paused')).status).toBe('paused');
    await expect(connections.add({ workspaceId: ws.id, platform: 'telegram', name: 'main-bot', settings: {} })).rejects.toThrow(/already exists/);
    await connections.remove(added.id);
    expect(await connections.list(ws.id)).toEqual([]);
  });
});
