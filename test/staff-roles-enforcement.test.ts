import { afterEach, describe, expect, it } from 'vitest';
import { saveWorkspaceLadder } from '../src/enforcement/enforcement-store.js';
import { DEFAULT_ENFORCEMENT, parseLadder } from '../src/enforcement/ladder.js';
import { setMemberRoles } from '../src/groups/member-roles.js';
import { backends } from './helpers/backends.js';
import { sandboxFixture } from './helpers/sandbox-fixture.js';

const T0 = Date.parse('2026-12-01T09:00:00Z');

describe.each(backends)('in-group staff roles and the enforcement ladder on $name', (backend) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it("a group's owner, administrators and official accounts are never caught there; an extra is, and so is the administrator in another group", async () => {
    const { target, cleanup } = backend.create();
    cleanups.push(cleanup);
    const { runtime, workspace: ws, sandbox } = await sandboxFixture(target, T0);
    cleanups.push(() => runtime.close());
    const { db } = runtime.store;
    const books = await sandbox.addGroup('Book Club');
    const films = await sandbox.addGroup('Film Club');
    for (const name of ['ann', 'oli', 'eve']) await sandbox.join(books.id, name, { at: T0 });
    await sandbox.join(films.id, 'ann', { at: T0 });
    const member = async (name: string) => (await db.selectFrom('member').select('id').where('display_name', '=', name).executeTakeFirstOrThrow()).id;
    const group = { id: books.id, workspaceId: ws.id };
    await setMemberRoles(db, group, await member('ann'), ['administrator'], 'cli', T0);
    await setMemberRoles(db, group, await member('oli'), ['official', 'expert'], 'cli', T0);
    await setMemberRoles(db, group, await member('eve'), ['extra'], 'cli', T0);
    await saveWorkspaceLadder(db, ws.id, { ...DEFAULT_ENFORCEMENT, enabled: true, language: 'en', steps: parseLadder('warn, ban') }, T0);
    runtime.enforcementRule.invalidate();

    // New members posting links: the administrator and the official account are left alone in their group.
    expect(await sandbox.say(books.id, 'ann', 'the reading list: https://books.example.org/list', T0 + 60_000)).toEqual([]);
    expect(await sandbox.say(books.id, 'oli', 'our shop: https://shop.example.com', T0 + 61_000)).toEqual([]);
    const extra = await sandbox.say(books.id, 'eve', 'cheap books at https://cheap.example.com', T0 + 62_000);
    expect(extra.map((o) => [o.rule, o.type])).toEqual([
      ['enforcement', 'delete_message'],
      ['enforcement', 'send_message'],
    ]);
    // Ann's role is Book Club's: in Film Club she is a new member like any other.
    const elsewhere = await sandbox.say(films.id, 'ann', 'see https://books.example.org/list', T0 + 63_000);
    expect(elsewhere.map((o) => o.type)).toEqual(['delete_message', 'send_message']);
  });
});
