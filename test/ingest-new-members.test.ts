import { afterEach, describe, expect, it } from 'vitest';
import { ingestWriterFor } from '../src/ingest/ingest-writer.js';
import { KyselyIngestWriter } from '../src/ingest/kysely-ingest-writer.js';
import { openStore, type Store } from '../src/store/database.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { backends } from './helpers/backends.js';

const postgres = backends.filter((b) => b.name === 'postgres');
const sqlite = backends.filter((b) => b.name === 'sqlite');
const person = (workspaceId: number) => ({ workspace_id: workspaceId, display_name: 'Ada', is_bot: 0, first_seen_at: 1, platform: 'sandbox', external_id: 'ada', username: null });

/** Rejects when `work` takes longer than `ms`: a write stuck behind another worker's open batch. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  return Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms))]);
}

describe.each(postgres)('new people on $name, two workers at once', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  async function store(): Promise<Store> {
    const made = backend.create();
    const s = await openStore(made.target);
    cleanups.push(made.cleanup, () => s.close());
    return s;
  }

  it('a worker meeting a person another worker is creating is not held until that worker’s batch commits', async () => {
    const s = await store();
    const ws = await ensureWorkspace(s.db, 'w');
    let second: number[] = [];
    const first = await s.db
      .transaction()
      .execute(async (trx) => {
        const ids = await new KyselyIngestWriter(trx, s.db).createMembers([person(ws.id)]);
        // The first batch is still open: the second worker gets the same person at once.
        second = await within(
          5_000,
          s.db.transaction().execute((t) => new KyselyIngestWriter(t, s.db).createMembers([person(ws.id)])),
        );
        throw Object.assign(new Error('the first batch fails after creating its people'), { ids });
      })
      .catch((error: Error & { ids: number[] }) => error.ids);
    expect(second).toEqual(first);
    // The failed batch's person stays, once, and its redelivery finds them.
    const found = await s.db.transaction().execute((trx) => new KyselyIngestWriter(trx, s.db).findMembers(ws.id, 'sandbox', ['ada']));
    expect(found.map((r) => r.id)).toEqual(first);
    const identities = await s.db.selectFrom('identity').select('member_id').where('external_id', '=', 'ada').execute();
    const members = await s.db.selectFrom('member').select('id').where('workspace_id', '=', ws.id).execute();
    expect(identities).toHaveLength(1);
    expect(members.map((m) => m.id)).toEqual(first);
  });
});

describe.each(sqlite)('new people on $name, one writer', (backend) => {
  it('embedded (one writer, nobody to wait for), a failed batch leaves none of its new people', async () => {
    const made = backend.create();
    const s = await openStore(made.target);
    try {
      const ws = await ensureWorkspace(s.db, 'w');
      await expect(
        s.db.transaction().execute(async (trx) => {
          await ingestWriterFor(s)(trx).createMembers([person(ws.id)]);
          throw new Error('the batch fails after creating its people');
        }),
      ).rejects.toThrow(/batch fails/);
      expect(await s.db.selectFrom('member').select('id').where('workspace_id', '=', ws.id).execute()).toEqual([]);
    } finally {
      await s.close();
      await made.cleanup();
    }
  });
});
