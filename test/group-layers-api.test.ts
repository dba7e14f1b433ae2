import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EventInput } from '../src/core/event.js';
import { addOperator, signIn } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const DAY = 86_400_000;
const room = { id: 'layers-room', title: 'Layers Room' };
// T0 is 2026-07-10 12:00 UTC; day offsets count back from it
const at = (daysBefore: number, minute = 0) => new Date(T0 - daysBefore * DAY - 2 * 3_600_000 + minute * 60_000).toISOString();

function say(member: string, id: string, daysBefore: number, minute: number, extra: { replyTo?: string; mentions?: string[] } = {}): EventInput {
  return {
    platform: 'sandbox',
    kind: 'message',
    dedupKey: `layers-${id}`,
    occurredAt: at(daysBefore, minute),
    group: room,
    actor: { id: member, name: member.toUpperCase() },
    messageId: id,
    text: 'a line',
    ...extra,
  } as EventInput;
}
function joined(member: string, daysBefore: number): EventInput {
  return {
    platform: 'sandbox',
    kind: 'member.joined',
    dedupKey: `layers-join-${member}`,
    occurredAt: at(daysBefore),
    group: room,
    member: { id: member, name: member.toUpperCase() },
    method: 'link',
  } as EventInput;
}

/**
 * A room as of 2026-07-10: "poster" speaks on 20 of the last 28 days but is never answered;
 * "sage" speaks once a week and is answered by five members; "gone" spoke every week of
 * days 29–56 and not since; "lurk" joined and never spoke; the answerers speak a little.
 */
function history(): EventInput[] {
  const events: EventInput[] = ['poster', 'sage', 'gone', 'lurk', 'a1', 'a2', 'a3', 'a4', 'a5'].map((m) => joined(m, 60));
  for (let d = 0; d < 20; d++) events.push(say('poster', `p${d}`, d, 0), say('poster', `pp${d}`, d, 1));
  for (const d of [30, 37, 44, 51]) events.push(say('gone', `g${d}`, d, 0));
  for (const d of [1, 8, 15]) events.push(say('sage', `s${d}`, d, 10));
  ['a1', 'a2', 'a3', 'a4', 'a5'].forEach((a, i) => events.push(say(a, `r-${a}`, 1, 20 + i, { replyTo: 's1' })));
  events.push(say('a1', 'm1', 1, 40, { mentions: ['sage', 'lurk'] }));
  return events;
}

describe.each(backends)('member layers over the API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('sorts a group’s present members into layers and names whom others answer as opinion leaders, to readers of the group only', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    await w.runtime.ingest(history(), { workspaceId: w.acme.id });
    const group = await w.db.selectFrom('chat_group').select('id').where('workspace_id', '=', w.acme.id).where('name', '=', room.title).executeTakeFirstOrThrow();
    await addOperator(w.db, { email: 'two@acme.test', workspaceId: w.acme.id, role: 'operator', groups: [w.tea.id] }, T0);
    const owner = await signIn(w.app, 'owner@acme.test');

    const body = await owner.json(`/api/groups/${group.id}/layers`);
    expect(body).toMatchObject({ group: { id: group.id, name: 'Layers Room' }, asOf: '2026-07-10' });
    expect(body.counts).toEqual({ core: 0, active: 1, normal: 6, atRisk: 1, lurker: 1 });
    const names = (layer: string) => body.members[layer].map((m: { displayName: string }) => m.displayName);
    expect(names('active')).toEqual(['POSTER']);
    expect(names('atRisk')).toEqual(['GONE']);
    expect(names('lurker')).toEqual(['LURK']);
    expect(body.members.active[0]).toMatchObject({ messages28: 40, activeDays28: 20, repliesReceived28: 0 });
    expect(body.members.normal[0]).toMatchObject({ displayName: 'SAGE', messages28: 3, repliesReceived28: 5 });
    // sage, answered by five members and mentioned by one, leads; the poster nobody answers is no candidate
    expect(body.candidates).toEqual([{ memberId: expect.any(Number), displayName: 'SAGE', layer: 'normal', score: 100, answeredBy: 5, answered: 0, repliesReceived: 5, mentionsReceived: 1 }]);

    // two months later the quiet ones have moved: only the lurkers are left besides the at risk
    const later = await owner.json(`/api/groups/${group.id}/layers?to=2026-08-20&limit=1`);
    expect(later.counts).toEqual({ core: 0, active: 0, normal: 0, atRisk: 1, lurker: 8 });
    expect(later.members.lurker).toHaveLength(1);
    expect(later.candidates).toEqual([]);

    const op = await signIn(w.app, 'two@acme.test');
    expect((await op.get(`/api/groups/${group.id}/layers`)).status).toBe(404);
    expect((await op.get(`/api/groups/${w.zetaLounge.id}/layers`)).status).toBe(404);
    expect((await owner.get(`/api/groups/${group.id}/layers?to=soon`)).status).toBe(400);
    expect((await w.app.request(`/api/groups/${group.id}/layers`)).status).toBe(401);
  });
});

describe('hearth group layers (CLI)', { timeout: 120_000 }, () => {
  const run = promisify(execFile);
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-cli-layers-'));
  const env = { ...process.env, HEARTH_DATA_DIR: dataDir, HEARTH_DEMO: '0', DATABASE_URL: '', REDIS_URL: '', HEARTH_LOG_LEVEL: 'warn' };
  const hearth = async (...args: string[]) => (await run('node', ['bin/hearth.js', ...args], { env, cwd: process.cwd() })).stdout;
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints a group’s layers and candidates as JSON', async () => {
    await hearth('sandbox', 'group', 'add', 'Bakers');
    await hearth('sandbox', 'say', 'Bakers', 'ann', 'fresh bread today');
    await hearth('sandbox', 'join', 'Bakers', 'bo');
    const out = JSON.parse(await hearth('group', 'layers', 'Bakers', '--json'));
    expect(out).toMatchObject({ group: { name: 'Bakers' }, counts: { core: 0, active: 0, normal: 1, atRisk: 0, lurker: 1 }, candidates: [] });
    expect(out.members.lurker.map((m: { displayName: string }) => m.displayName)).toEqual(['bo']);
  });
});
