import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../src/audit/audit-log.js';
import { applyCleanupAction, groupCleanup } from '../src/health/cleanup-queries.js';
import { createInviteCode } from '../src/growth/code-store.js';
import { setMemberRoles } from '../src/groups/member-roles.js';
import { addOperator, signIn } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { T0, twoWorkspaces } from './helpers/world-fixture.js';

const DAY = 86_400_000;

describe.each(backends)('retention cohorts and the cleanup list over the API on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('lists who to clean up with the figures, removes the chosen through the outbox (audited) and keeps them off the list', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const tea = w.tea.id;
    const code = await createInviteCode(w.db, { workspaceId: w.acme.id, name: 'Poster', groupId: tea, channel: 'poster' }, T0 - 130 * DAY);
    // quietus joined 120 days ago and never spoke; boss too, but administers the group;
    // spammer had a message taken to the moderation queue; breaker two enforcements; chatty speaks
    await w.sandbox.join(tea, 'quietus', { at: T0 - 120 * DAY, code: code.code });
    await w.sandbox.join(tea, 'boss', { at: T0 - 120 * DAY });
    await w.sandbox.join(tea, 'spammer', { at: T0 - 10 * DAY });
    await w.sandbox.say(tea, 'spammer', 'cheap coins, add me', T0 - 3 * DAY);
    await w.sandbox.join(tea, 'breaker', { at: T0 - 30 * DAY });
    await w.sandbox.say(tea, 'breaker', 'buy now', T0 - 2 * DAY);
    await w.sandbox.join(tea, 'chatty', { at: T0 - 120 * DAY, code: code.code });
    await w.sandbox.say(tea, 'chatty', 'morning all', T0 - DAY);
    await w.sandbox.leave(tea, 'chatty', T0 - DAY / 2);
    await w.sandbox.join(tea, 'chatty', { at: T0 - DAY / 4 });
    w.clock.t = T0;
    const id = async (name: string) => (await w.db.selectFrom('member').select('id').where('workspace_id', '=', w.acme.id).where('display_name', '=', name).executeTakeFirstOrThrow()).id;
    const [quietus, boss, spammer, breaker, chatty] = [await id('quietus'), await id('boss'), await id('spammer'), await id('breaker'), await id('chatty')];
    await setMemberRoles(w.db, { id: tea, workspaceId: w.acme.id }, boss, ['administrator'], null, T0);
    const spamEvent = await w.db.selectFrom('event').select('id').where('member_id', '=', spammer).where('kind', '=', 'message').executeTakeFirstOrThrow();
    await w.db
      .insertInto('moderation_item')
      .values({
        workspace_id: w.acme.id,
        group_id: tea,
        member_id: spammer,
        event_id: spamEvent.id,
        message_id: 'm',
        text: 'cheap coins, add me',
        score: 0.96,
        reasons: '[]',
        planned: '[]',
        status: 'pending',
        created_at: T0 - 3 * DAY,
        decided_at: null,
        decided_by: null,
      })
      .execute();
    for (const daysAgo of [20, 2]) {
      await w.db
        .insertInto('enforcement')
        .values({
          workspace_id: w.acme.id,
          group_id: tea,
          member_id: breaker,
          event_id: null,
          violation: 'link',
          reasons: '[]',
          step: 1,
          step_kind: 'warn',
          step_seconds: null,
          strike: 1,
          text: 'buy now',
          message_id: null,
          planned: '[]',
          fallback: null,
          group_ids: `[${tea}]`,
          status: 'active',
          created_at: T0 - daysAgo * DAY,
          expires_at: T0 + 30 * DAY,
          undone_at: null,
          undone_by: null,
        })
        .execute();
    }
    const owner = await signIn(w.app, 'owner@acme.test');

    const list = await owner.json(`/api/groups/${tea}/cleanup`);
    expect(list.removable).toBe(true);
    expect(list.entries.map((e: { memberId: number; reasons: string[] }) => [e.memberId, e.reasons])).toEqual([
      [spammer, ['adSuspect']],
      [breaker, ['ruleBreaker']],
      [quietus, ['silent']],
    ]);
    expect(list.entries[2].evidence.silent).toMatchObject({ days: 120, lastMessageAt: null });
    expect(list.counts).toEqual({ adSuspect: 1, ruleBreaker: 1, silent: 1 });
    expect((await owner.get(`/api/groups/${tea}/cleanup?silentDays=0`)).status).toBe(400);

    // a member not on the list (staff) makes the whole request fail, storing nothing
    const refused = await owner.post(`/api/groups/${tea}/cleanup/actions`, { action: 'remove', memberIds: [quietus, boss] });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(`${boss}`);
    expect(await w.db.selectFrom('outbox').select('id').where('action', 'like', '%remove_member%').execute()).toEqual([]);

    const removed = await owner.post(`/api/groups/${tea}/cleanup/actions`, { action: 'remove', memberIds: [quietus, spammer] });
    expect(removed.status).toBe(200);
    expect((await removed.json()).outcomes.map((o: { memberId: number; decision: string; planned: string[] }) => [o.memberId, o.decision, o.planned])).toEqual([
      [quietus, 'removed', ['remove_member']],
      [spammer, 'removed', ['remove_member']],
    ]);
    const queued = await w.db.selectFrom('outbox').select(['group_id', 'action', 'status']).where('action', 'like', '%remove_member%').orderBy('id').execute();
    expect(queued.map((r) => ({ ...JSON.parse(r.action), status: r.status }))).toEqual([
      { type: 'remove_member', groupId: tea, memberId: quietus, rule: 'cleanup', status: 'pending' },
      { type: 'remove_member', groupId: tea, memberId: spammer, rule: 'cleanup', status: 'pending' },
    ]);
    const audit = await w.db.selectFrom('audit_log').select(['action', 'actor_label', 'target_id', 'group_id', 'detail']).where('action', 'like', 'cleanup.%').orderBy('id').execute();
    expect(audit.map((a) => [a.action, a.actor_label, a.target_id, a.group_id])).toEqual([
      ['cleanup.removed', 'owner@acme.test', String(quietus), tea],
      ['cleanup.removed', 'owner@acme.test', String(spammer), tea],
    ]);
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ reasons: ['silent'], planned: ['remove_member'] });

    const dismissed = await owner.post(`/api/groups/${tea}/cleanup/actions`, { action: 'dismiss', memberIds: [breaker] });
    expect(dismissed.status).toBe(200);
    expect((await owner.json(`/api/groups/${tea}/cleanup`)).entries).toEqual([]);
    // after 90 days the dismissal is over (and the enforcements out of the period): breaker is silent by then
    const later = await groupCleanup(w.db, { id: tea, workspace_id: w.acme.id, platform: 'sandbox' }, T0 + 91 * DAY);
    expect(later.entries.find((e) => e.memberId === breaker)?.reasons).toEqual(['silent']);

    // an analyst may read, not act; another workspace's caller sees nothing
    await addOperator(w.db, { email: 'analyst@acme.test', workspaceId: w.acme.id, role: 'analyst' }, T0);
    const analyst = await signIn(w.app, 'analyst@acme.test');
    expect((await analyst.get(`/api/groups/${tea}/cleanup`)).status).toBe(200);
    expect((await analyst.post(`/api/groups/${tea}/cleanup/actions`, { action: 'dismiss', memberIds: [chatty] })).status).toBe(403);
    expect((await owner.post(`/api/groups/${tea}/cleanup/actions`, { action: 'purge', memberIds: [chatty] })).status).toBe(400);

    // cohorts: the join weeks, and by channel the poster code's joins apart
    const cohorts = await owner.json(`/api/groups/${tea}/cohorts?weeks=20&by=channel`);
    expect(cohorts).toMatchObject({ group: { id: tea }, asOf: '2026-07-10', weeks: 20, by: 'channel' });
    const first = cohorts.cohorts[0];
    // quietus, boss and chatty joined on 2026-03-12 (ISO week 11); the code's two came through "poster"
    expect(cohorts.cohorts.filter((c: { week: string }) => c.week === '2026-W11').map((c: { channel: string | null; size: number }) => [c.channel, c.size])).toEqual([
      ['poster', 2],
      [null, 1],
    ]);
    expect(first.cells[0]).toMatchObject({ week: 0, retained: 2, retainedShare: 1 });
    const byWeek = await owner.json(`/api/groups/${tea}/cohorts?weeks=20`);
    expect(byWeek.cohorts.reduce((n: number, c: { size: number }) => n + c.size, 0)).toBe(6); // ann and the five above; chatty counted once
    expect(byWeek.churn.at(-1)).toMatchObject({ week: '2026-W28', leaves: 1, churned: 0 }); // chatty left and came back
    expect((await owner.get(`/api/groups/${tea}/cohorts?weeks=0`)).status).toBe(400);
    expect((await owner.get(`/api/groups/${tea}/cohorts?by=month`)).status).toBe(400);
    const workspace = await owner.json('/api/cohorts?weeks=20');
    expect(workspace.groups).toBe(3);
    expect(workspace.cohorts.reduce((n: number, c: { size: number }) => n + c.size, 0)).toBe(8); // bo and cy in their own groups
    expect((await w.zetaClient.get(`/api/groups/${tea}/cohorts`)).status).toBe(404);
  });

  it('where the platform cannot remove members, a removal becomes an alert asking the operator to do it by hand', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    await w.sandbox.join(w.quiet.id, 'sleeper', { at: T0 - 100 * DAY });
    const sleeper = (await w.db.selectFrom('member').select('id').where('display_name', '=', 'sleeper').executeTakeFirstOrThrow()).id;
    const group = { id: w.quiet.id, workspace_id: w.acme.id, platform: 'sandbox' };
    const [outcome] = await applyCleanupAction(w.db, group, { memberIds: [sleeper], action: 'remove' }, { actor: SYSTEM_ACTOR('cli'), now: T0, traitsOf: () => ({ capabilities: new Set(['send']) }) });
    expect(outcome).toMatchObject({ decision: 'removed', planned: ['alert_operator'] });
    expect(outcome!.fallback).toContain('remove');
    const row = await w.db.selectFrom('outbox').select('action').where('group_id', '=', w.quiet.id).where('action', 'like', '%alert_operator%').executeTakeFirstOrThrow();
    expect(JSON.parse(row.action).text).toBe('cannot remove members on sandbox: please remove sleeper by hand');
  });
});
