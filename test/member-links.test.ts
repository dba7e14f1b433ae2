import { afterEach, describe, expect, it } from 'vitest';
import { metricsReport } from '../src/analytics/metrics-report.js';
import type { EventInput } from '../src/core/event.js';
import { foldName, suggestLinks } from '../src/members/member-links.js';
import { HearthRuntime } from '../src/runtime/hearth-runtime.js';
import { ensureWorkspace } from '../src/store/workspaces.js';
import { backends } from './helpers/backends.js';

const at = (m: number) => new Date(Date.parse('2026-02-01T08:00:00Z') + m * 60_000).toISOString();
const msg = (platform: 'telegram' | 'discord', group: string, who: { id: string; name: string; username?: string }, id: string, m: number): EventInput => ({
  platform,
  kind: 'message',
  dedupKey: `${platform}:${id}`,
  occurredAt: at(m),
  group: { id: group, title: group },
  actor: who,
  messageId: id,
  text: 'hi',
});

describe.each(backends)('one member, many places, on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('the same person in several groups of a platform is one member; across platforms an operator links them', async () => {
    const made = backend.create();
    const runtime = await HearthRuntime.open(made.target);
    cleanups.push(made.cleanup, () => runtime.close());
    const ws = await ensureWorkspace(runtime.store.db, 'north');
    const tgMei = { id: '1001', name: 'Mei Lin', username: 'meilin' };
    const dcMei = { id: '77', name: 'mei lin!', username: 'MeiLin' };
    await runtime.ingest(
      [msg('telegram', 'tg-a', tgMei, 'a1', 0), msg('telegram', 'tg-b', tgMei, 'b1', 1), msg('discord', 'dc-a', dcMei, 'c1', 2), msg('discord', 'dc-a', { id: '78', name: 'Someone' }, 'c2', 3)],
      { workspaceId: ws.id },
    );
    const members = await runtime.store.db.selectFrom('member').select(['id', 'display_name']).orderBy('id').execute();
    expect(members.map((m) => m.display_name)).toEqual(['Mei Lin', 'mei lin!', 'Someone']);

    const [suggestion, ...rest] = await suggestLinks(runtime.store.db, ws.id);
    expect(rest).toEqual([]);
    expect(suggestion).toMatchObject({
      memberId: members[0]!.id,
      otherMemberId: members[1]!.id,
      platforms: ['telegram', 'discord'],
      reasons: expect.arrayContaining(['same username', 'same display name']),
    });

    await runtime.linkMembers(ws.id, members[0]!.id, members[1]!.id);
    // Later traffic from the Discord account lands on the linked member.
    await runtime.ingest([msg('discord', 'dc-a', dcMei, 'c3', 4)], { workspaceId: ws.id });
    const identities = await runtime.store.db.selectFrom('identity').select(['platform', 'member_id']).where('member_id', '=', members[0]!.id).execute();
    expect(identities.map((i) => i.platform).sort()).toEqual(['discord', 'telegram']);
    const dcGroup = (await metricsReport(runtime.store.db, { workspaceId: ws.id })).find((g) => g.name === 'dc-a')!;
    expect(dcGroup).toMatchObject({ messages: 3, senders: 2 });
    expect(await runtime.store.db.selectFrom('member').select('id').execute()).toHaveLength(2);
    await expect(runtime.linkMembers(ws.id, members[0]!.id, 999)).rejects.toThrow(/not both in this workspace/);
  });

  it('folds names for comparison', () => {
    expect(foldName('Ｍｅｉ　Lin 🌸')).toBe(foldName('mei-lin'));
  });
});
