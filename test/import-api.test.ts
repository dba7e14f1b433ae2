import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { realTimeClock, SandboxService } from '../src/runtime/sandbox-service.js';
import { createApp } from '../src/server/app.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { addOperator, sessionFor, type ApiClient } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { importSeeds } from './helpers/import-seeds.js';

/** The importer's small Telegram export, with a pinned message (an entry that is passed over, and says why). */
function telegramExport(): string {
  const doc = importSeeds()['telegram-json'].json as { messages: unknown[] };
  doc.messages.push({ id: 7, type: 'service', date: '2024-01-03T13:00:00', date_unixtime: '1704286800', actor: 'Ann', actor_id: 'user10', action: 'pin_message', message_id: 5, text: '' });
  return JSON.stringify(doc, null, 1);
}

interface ImportView {
  id: number;
  status: string;
  fileName: string;
  progress: { bytes: number; totalBytes: number; events: number };
  report: { groups: { title: string; events: number }[]; events: number; stored: number; duplicates: number; skipped: Record<string, number> } | null;
  error: string | null;
}

describe.each(backends)('importing an export through the API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function world(maxBytes = 64 * 1024) {
    const made = backend.create();
    const runtime = await HearthRuntime.open(made.target);
    const uploads = mkdtempSync(join(tmpdir(), 'hearth-import-api-'));
    cleanups.push(async () => {
      await runtime.close();
      await made.cleanup();
      rmSync(uploads, { recursive: true, force: true });
    });
    const workspace = await ensureWorkspace(runtime.store.db, 'acme');
    const app = createApp({ runtime, clock: Date.now, sandbox: (ws) => new SandboxService(runtime, ws, realTimeClock), logError: (e) => console.error(e), imports: { dir: uploads, maxBytes } });
    const owner = await addOperator(runtime.store.db, { email: 'owner@acme.test', workspaceId: workspace.id, role: 'owner' });
    const client = await sessionFor(app, runtime.store.db, owner.id, Date.now());
    const events = async () => (await runtime.store.db.selectFrom('event').select('id').execute()).length;
    const jobs = async () => (await runtime.store.db.selectFrom('import_job').select('id').execute()).length;
    return { app, runtime, client, uploads, events, jobs };
  }

  /** Uploads a file as the dashboard does (the body is the file) and waits for its import to end. */
  async function upload(client: ApiClient, name: string, text: string): Promise<ImportView> {
    const res = await client.request('POST', `/api/imports?format=telegram-json&name=${encodeURIComponent(name)}`, text, { headers: { 'content-type': 'application/octet-stream' } });
    expect(res.status, await res.clone().text()).toBe(202);
    const { import: queued } = (await res.json()) as { import: ImportView };
    expect(queued).toMatchObject({ status: 'queued', fileName: name });
    let seen: ImportView = queued;
    await expect
      .poll(
        async () => {
          seen = ((await client.json(`/api/imports/${queued.id}`)) as { import: ImportView }).import;
          return seen.status;
        },
        { timeout: 30_000, interval: 50 },
      )
      .toMatch(/^(done|failed)$/);
    return seen;
  }

  it('imports an uploaded Telegram export with its report; the same file again stores nothing new', async () => {
    const w = await world();
    // An upload a stopped server left behind two days ago.
    const leftover = join(w.uploads, 'b7f0c1de-left-behind');
    mkdirSync(leftover);
    writeFileSync(join(leftover, 'result.json'), '{}');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(leftover, twoDaysAgo, twoDaysAgo);
    const text = telegramExport();
    const first = await upload(w.client, 'result.json', text);
    expect(first.error).toBeNull();
    expect(first).toMatchObject({ status: 'done', progress: { events: 7 } });
    expect(first.report).toMatchObject({ events: 7, stored: 7, duplicates: 0, groups: [{ title: 'Bakers', events: 7 }], skipped: { 'service entries (pin_message)': 1 } });
    expect(await w.events()).toBe(7);

    const again = await upload(w.client, 'result.json', text);
    expect(again.report).toMatchObject({ events: 7, stored: 0, duplicates: 7 });
    expect(await w.events()).toBe(7);

    // Both are listed, newest first, and the uploads are gone from disk (the one left behind too).
    const list = (await w.client.json('/api/imports')) as { imports: ImportView[]; maxBytes: number };
    expect(list.imports.map((i) => [i.id, i.status])).toEqual([
      [again.id, 'done'],
      [first.id, 'done'],
    ]);
    expect(list.maxBytes).toBe(64 * 1024);
    expect(readdirSync(w.uploads)).toEqual([]);
  });

  it('stores nothing of a broken file, and its error names the file, the entry and what is wrong', async () => {
    const w = await world();
    const broken = await upload(w.client, 'broken-export.json', telegramExport().slice(0, -60));
    expect(broken.status).toBe('failed');
    expect(broken.report).toBeNull();
    expect(broken.error).toMatch(/^broken-export\.json \(.+\): not valid JSON: .+; nothing of it was stored$/);
    expect(broken.error).not.toContain(w.uploads);
    expect(await w.events()).toBe(0);
    expect(await w.runtime.store.db.selectFrom('chat_group').select('id').execute()).toEqual([]);
  });

  it('refuses an upload over the limit with 413, chunked or not, and keeps nothing of it', async () => {
    const w = await world(64 * 1024);
    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    let sent = 0;
    const chunked = (count: number) =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ >= count) controller.close();
          else controller.enqueue(chunk);
        },
      });
    const headers = (c: ApiClient) => {
      const creds = c.credentials as { cookie: string; csrf: string };
      return { cookie: `hearth_session=${creds.cookie}`, 'x-csrf-token': creds.csrf, 'content-type': 'application/octet-stream' };
    };
    // 160 KB in chunks, no Content-Length: counted as it arrives, refused past 64 KB.
    const res = await w.app.request(
      new Request('http://localhost/api/imports?format=telegram-json&name=big.json', { method: 'POST', headers: headers(w.client), body: chunked(10), duplex: 'half' } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/larger than the 64 KB this server takes/);
    expect(sent).toBeLessThan(10);
    expect(await w.jobs()).toBe(0);
    expect(await w.events()).toBe(0);
    expect(readdirSync(w.uploads)).toEqual([]);

    // A declared length over the limit is refused before the caller is even looked at.
    const declared = await w.app.request('/api/imports?format=telegram-json&name=big.json', { method: 'POST', headers: { 'content-length': String(1024 * 1024) }, body: 'x' });
    expect(declared.status).toBe(413);

    // Every other route takes 1 MB, also counted while a chunked body streams, before authentication.
    sent = 0;
    const json = await w.app.request(
      new Request('http://localhost/api/webhooks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: chunked(100), duplex: 'half' } as RequestInit),
    );
    expect(json.status).toBe(413);
    expect(sent).toBeLessThan(100);
    // Under the limits, the same routes answer as usual.
    const small = await w.app.request(
      new Request('http://localhost/api/webhooks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: chunked(2), duplex: 'half' } as RequestInit),
    );
    expect(small.status).toBe(401);
    expect(await w.jobs()).toBe(0);
  });

  it('checks what it is told before reading the file: format, name, time zone, workspace', async () => {
    const w = await world();
    for (const [query, message] of [
      ['format=excel&name=a.json', /format/],
      ['format=telegram-json', /name/],
      ['format=telegram-json&name=a.json&tz=Mars/Olympus', /tz: must be an IANA time zone/],
      ['format=telegram-json&name=a.json&workspace=nowhere', /no workspace "nowhere"/],
    ] as const) {
      const res = await w.client.request('POST', `/api/imports?${query}`, telegramExport());
      expect(res.status, query).toBe(query.includes('nowhere') ? 404 : 400);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    const empty = await w.client.request('POST', '/api/imports?format=telegram-json&name=a.json', '');
    expect(empty.status).toBe(400);
    expect(await w.jobs()).toBe(0);
    expect((await w.client.get('/api/imports/999')).status).toBe(404);
  });
});
