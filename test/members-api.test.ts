import { afterEach, describe, expect, it } from 'vitest';
import type { EventInput } from '../src/core/event.js';
import type { LinkSuggestionRecord, MemberDetailRecord, MemberSearchPage } from '../src/shared/member-records.js';
import { addOperator, signIn } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { diffSnapshots, snapshot, T0, twoWorkspaces } from './helpers/world-fixture.js';

const HOSTILE = '<img src=x onerror=alert(1)>';

/** A message on Telegram, as the importer or the bot would hand it to ingest. */
const telegramMessage = (who: { id: string; name: string; username?: string }, n: number): EventInput => ({
  platform: 'telegram',
  kind: 'message',
  dedupKey: `telegram:old-tea:${n}`,
  occurredAt: new Date(T0 - 86_400_000 + n * 60_000).toISOString(),
  group: { id: '-100777', title: 'Old Tea Chat' },
  actor: who,
  messageId: `m${n}`,
  text: 'hello from the old chat',
});

describe.each(backends)('members directory API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('searches across groups and platforms in pages, opens a member, links a suggested pair; roles and group scope hold', { timeout: 60_000 }, async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const crowd = Array.from({ length: 12 }, (_, i) => ({ id: String(6000 + i), name: `Guest ${String(i).padStart(2, '0')}` }));
    await w.runtime.ingest(
      [
        telegramMessage({ id: '5001', name: 'Ann', username: 'ann_tea' }, 0),
        telegramMessage({ id: '5002', name: HOSTILE }, 1),
        telegramMessage({ id: '5003', name: '100%_real' }, 2),
        ...crowd.map((who, i) => telegramMessage(who, 10 + i)),
      ],
      { workspaceId: w.acme.id },
    );
    const owner = await signIn(w.app, 'owner@acme.test');
    const search = (query: string, client = owner) => client.json<MemberSearchPage>(`/api/members?workspace=acme&${query}`);
    const names = (page: MemberSearchPage) => page.members.map((m) => m.displayName);

    // By name on any platform, case-insensitive; by platform; by group.
    const anns = await search('q=ANN');
    expect(names(anns)).toEqual(['ann', 'Ann']);
    expect(anns.members.map((m) => m.identities.map((i) => i.platform))).toEqual([['sandbox'], ['telegram']]);
    expect(anns.members[0]).toMatchObject({ groups: 1, messages: 1, lastSeenAt: expect.any(String) });
    expect(names(await search('q=@ann_tea'))).toEqual(['Ann']);
    expect(names(await search('q=ann&platform=telegram'))).toEqual(['Ann']);
    expect(names(await search(`group=${w.books.id}`))).toEqual(['cy']);
    // LIKE's own characters are matched as themselves.
    expect(names(await search(`q=${encodeURIComponent('%_')}`))).toEqual(['100%_real']);
    // `_` is an underscore, not any one character: Ann is found by her handle ann_tea.
    expect(names(await search('q=_'))).toEqual(['Ann', '100%_real']);
    // A hostile name comes back as the text it is.
    const hostile = await owner.get(`/api/members?workspace=acme&q=${encodeURIComponent('<img')}`);
    expect(hostile.headers.get('content-type')).toContain('application/json');
    expect(names((await hostile.json()) as MemberSearchPage)).toEqual([HOSTILE]);
    // Another workspace's group is not a filter the caller can use.
    expect((await owner.get(`/api/members?workspace=acme&group=${w.zetaLounge.id}`)).status).toBe(404);

    // Pages: every member once, in order, the last page says so.
    const everyone = await search('limit=200');
    expect(everyone.nextCursor).toBeNull();
    expect(names(everyone)).toEqual(expect.arrayContaining(['ann', 'bo', 'cy', 'Ann', HOSTILE, 'Guest 00', 'Guest 11']));
    expect(names(everyone)).not.toContain('zeta-member-xq');
    const paged: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page: MemberSearchPage = await search(`limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.members.length).toBeLessThanOrEqual(4);
      paged.push(...names(page));
      cursor = page.nextCursor;
      pages++;
    }
    expect(paged).toEqual(names(everyone));
    expect(pages).toBe(Math.ceil(everyone.members.length / 4));
    expect((await owner.get('/api/members?workspace=acme&limit=5000')).status).toBe(400);

    // Suggested: the sandbox ann and the Telegram Ann.
    const [sandboxAnn, telegramAnn] = anns.members.map((m) => m.id) as [number, number];
    const { suggestions } = await owner.json<{ suggestions: LinkSuggestionRecord[] }>('/api/members/link-suggestions?workspace=acme');
    expect(suggestions).toEqual([expect.objectContaining({ memberId: sandboxAnn, otherMemberId: telegramAnn, platforms: ['sandbox', 'telegram'], reasons: ['same display name'] })]);
    expect((await owner.json<{ suggestions: unknown[] }>(`/api/members/link-suggestions?workspace=acme&member=${w.books.id + 1000}`)).suggestions).toEqual([]);

    // Opened: identities, stays, figures from the rollups.
    const opened = await owner.json<MemberDetailRecord>(`/api/members/${sandboxAnn}`);
    expect(opened.identities).toEqual([expect.objectContaining({ platform: 'sandbox', displayName: 'ann' })]);
    expect(opened.stays).toEqual([expect.objectContaining({ group: { id: w.tea.id, name: 'Tea Lovers', platform: 'sandbox' }, leftAt: null })]);
    expect(opened.figures).toEqual([expect.objectContaining({ group: { id: w.tea.id, name: 'Tea Lovers' }, messages: 1, activeDays: 1 })]);
    expect(opened.totals).toMatchObject({ messages: 1, activeDays: 1, lastSeenAt: expect.any(String) });
    const zetaMember = (await w.db.selectFrom('member').select('id').where('workspace_id', '=', w.zeta.id).executeTakeFirstOrThrow()).id;
    expect((await owner.get(`/api/members/${zetaMember}`)).status).toBe(404);

    // An analyst reads the directory and changes nothing: no link, no export, no erasure.
    await addOperator(w.db, { email: 'analyst@acme.test', workspaceId: w.acme.id, role: 'analyst' }, T0);
    const analyst = await signIn(w.app, 'analyst@acme.test');
    expect(names(await search('q=ann', analyst))).toEqual(['ann', 'Ann']);
    expect((await analyst.get(`/api/members/${telegramAnn}`)).status).toBe(200);
    const before = await snapshot(w.db);
    expect((await analyst.post(`/api/members/${telegramAnn}/erase`, {})).status).toBe(403);
    expect((await analyst.post('/api/members/links', { keep: sandboxAnn, merge: telegramAnn })).status).toBe(403);
    expect((await analyst.get(`/api/members/${telegramAnn}/export`)).status).toBe(403);
    expect(diffSnapshots(before, await snapshot(w.db))).toEqual({});

    // An operator limited to the book club finds only its members and cannot open others.
    await addOperator(w.db, { email: 'books@acme.test', workspaceId: w.acme.id, role: 'operator', groups: [w.books.id] }, T0);
    const books = await signIn(w.app, 'books@acme.test');
    expect(names(await search('limit=200', books))).toEqual(['cy']);
    expect((await books.get(`/api/members/${sandboxAnn}`)).status).toBe(404);
    expect((await books.json<{ suggestions: unknown[] }>('/api/members/link-suggestions?workspace=acme')).suggestions).toEqual([]);

    // The owner accepts the suggestion: one member with both identities, audited, suggestion gone.
    expect((await owner.post('/api/members/links', { keep: sandboxAnn, merge: sandboxAnn })).status).toBe(400);
    expect((await owner.post('/api/members/links', { keep: sandboxAnn, merge: zetaMember })).status).toBe(404);
    const linked = await owner.post('/api/members/links', { keep: sandboxAnn, merge: telegramAnn });
    expect(linked.status).toBe(200);
    const merged = (await linked.json()) as MemberDetailRecord & { merged: number };
    expect(merged.merged).toBe(telegramAnn);
    expect(merged.identities.map((i) => i.platform)).toEqual(['sandbox', 'telegram']);
    expect(merged.stays.map((s) => s.group.name).sort()).toEqual(['Old Tea Chat', 'Tea Lovers']);
    expect(merged.totals.messages).toBe(2);
    expect((await owner.get(`/api/members/${telegramAnn}`)).status).toBe(404);
    expect(names(await search('q=ann'))).toEqual(['ann']);
    expect((await owner.json<{ suggestions: unknown[] }>('/api/members/link-suggestions?workspace=acme')).suggestions).toEqual([]);
    const audit = await owner.json<{ entries: { action: string; target: { id: string }; detail: { merged: number } }[] }>('/api/audit?action=member.linked');
    expect(audit.entries).toEqual([expect.objectContaining({ target: { kind: 'member', id: String(sandboxAnn) }, detail: { merged: telegramAnn } })]);
  });
});
