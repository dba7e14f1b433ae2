import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.js';
import { workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, groupFilter, type WorkspaceAccess } from '../../auth/principal.js';
import type { Permission } from '../../auth/roles.js';
import { resolveGroupSelector } from '../../groups/group-selector.js';
import { changeGroupTags, InvalidGroupTagError, normalizeTag } from '../../groups/group-sets.js';
import { InvalidGrowthCodeError } from '../../growth/code-store.js';
import { campaignInputSchema, InvalidCampaignError, isRunning } from '../../growth/campaigns/campaign-rules.js';
import {
  CampaignNotFoundError,
  campaignProgress,
  campaignTree,
  completedMembers,
  createCampaign,
  fulfilReward,
  getCampaign,
  listCampaigns,
  personalCode,
  rewardsOf,
  type Campaign,
} from '../../growth/campaigns/campaign-store.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const createBody = campaignInputSchema.extend({ workspace: z.string().optional() }).strict();
const codeBody = z.object({ memberId: z.number().int().positive() }).strict();
const completedQuery = z.object({ format: z.enum(['json', 'csv']).optional() });
const setBody = z.object({ set: z.string().trim().min(1).max(50) }).strict();

/** A CSV cell: quoted when it holds a separator, a quote or a line break; a leading formula sign defused. */
function cell(value: string | number): string {
  let s = String(value);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Fission campaigns: create one (form, target groups, goal, fraud rules, reward tiers,
 * start and end), list them with their figures, show one with each member's progress
 * (top inviters first) and the rewards granted and clawed back, its invite tree, a
 * member's personal code, the members who completed the task (JSON or CSV, with the
 * groups they are in as a selector a broadcast takes), and a manual reward marked
 * fulfilled. A group-limited caller reaches the campaigns whose targets are in their
 * groups. Every change is audit-logged.
 */
export function campaignRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  /** Whether a group-limited caller's groups cover the campaign's targets. */
  const reaches = async (access: WorkspaceAccess, campaign: Campaign): Promise<boolean> => {
    const scope = groupFilter(access);
    if (scope === null) return true;
    const targets = await resolveGroupSelector(db, campaign.workspaceId, campaign.targets);
    return targets.length > 0 && targets.every((id) => scope.includes(id));
  };

  /** A campaign the caller may see (404 otherwise), with the permission checked (403). */
  const campaignOf = async (c: Context<AuthEnv>, permission: Permission) => {
    const id = intParam(c.req.param('id'), 'campaign id');
    const row = await db.selectFrom('campaign').select(['workspace_id']).where('id', '=', id).executeTakeFirst();
    const access = row ? c.var.principal.workspaces.get(Number(row.workspace_id)) : undefined;
    if (!row || !access) throw new HTTPException(404, { message: `no campaign ${id}` });
    const campaign = await getCampaign(db, Number(row.workspace_id), id);
    if (!(await reaches(access, campaign))) throw new HTTPException(404, { message: `no campaign ${id}` });
    if (!access.permissions.has(permission)) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) lacks the ${permission} permission` });
    return { campaign, access };
  };
  const refused = (error: unknown): never => {
    if (error instanceof InvalidCampaignError || error instanceof InvalidGrowthCodeError) throw new HTTPException(400, { message: error.message });
    if (error instanceof CampaignNotFoundError) throw new HTTPException(404, { message: error.message });
    throw error;
  };

  app.get('/campaigns', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    const all = await listCampaigns(db, access.workspace.id, deps.clock());
    const shown = [];
    for (const campaign of all) if (await reaches(access, campaign)) shown.push(campaign);
    return c.json({ campaigns: shown });
  });

  app.post('/campaigns', authorize('act'), async (c) => {
    const { workspace, ...body } = await readJson(c, createBody);
    const access = workspaceAccess(c.var.principal, workspace, 'act');
    const scope = groupFilter(access);
    if (scope !== null) {
      const all = await resolveGroupSelector(db, access.workspace.id, body.targets);
      if (all.some((id) => !scope.includes(id))) throw new HTTPException(403, { message: 'not allowed: the targets take groups outside your groups' });
    }
    const now = deps.clock();
    const actor = actorOf(c.var.principal);
    const campaign = await createCampaign(db, access.workspace.id, body, actor.label, now).catch(refused);
    await recordAudit(
      db,
      {
        workspaceId: access.workspace.id,
        actor,
        action: 'campaign.created',
        target: { kind: 'campaign', id: campaign.id },
        detail: { name: campaign.name, form: campaign.form, goal: campaign.goal, tiers: campaign.tiers.length },
      },
      now,
    );
    return c.json(campaign, 201);
  });

  app.get('/campaigns/:id', authorize('read'), async (c) => {
    const { campaign } = await campaignOf(c, 'read');
    const now = deps.clock();
    return c.json({ ...campaign, running: isRunning(campaign, now), progress: await campaignProgress(db, campaign, now), rewards: await rewardsOf(db, campaign.id) });
  });

  app.get('/campaigns/:id/tree', authorize('read'), async (c) => {
    const { campaign } = await campaignOf(c, 'read');
    return c.json(await campaignTree(db, campaign, deps.clock()));
  });

  app.post('/campaigns/:id/codes', authorize('act'), async (c) => {
    const { campaign } = await campaignOf(c, 'act');
    const body = await readJson(c, codeBody);
    const now = deps.clock();
    const made = await personalCode(db, campaign, body.memberId, now).catch(refused);
    if (made.created) {
      await recordAudit(
        db,
        {
          workspaceId: campaign.workspaceId,
          actor: actorOf(c.var.principal),
          action: 'campaign.code_issued',
          target: { kind: 'campaign', id: campaign.id },
          detail: { memberId: body.memberId, code: made.code },
        },
        now,
      );
    }
    return c.json({ ...made, link: `/j/${made.code}` }, made.created ? 201 : 200);
  });

  app.get('/campaigns/:id/completed', authorize('read'), async (c) => {
    const { campaign } = await campaignOf(c, 'read');
    const query = completedQuery.safeParse(c.req.query());
    if (!query.success) throw new HTTPException(400, { message: 'format must be json or csv' });
    const done = await completedMembers(db, campaign, deps.clock());
    if (query.data.format === 'csv') {
      const lines = ['member_id,name,friends_counted,group_ids', ...done.members.map((m) => [m.memberId, cell(m.name), m.counted, cell(m.groups.join(' '))].join(','))];
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="campaign-${campaign.id}-completed.csv"`);
      return c.body(`${lines.join('\n')}\n`);
    }
    return c.json(done);
  });

  // "Group users who have completed tasks together" (004): their groups put in a set, which a broadcast takes.
  app.post('/campaigns/:id/completed/set', authorize('act'), async (c) => {
    const { campaign } = await campaignOf(c, 'act');
    const body = await readJson(c, setBody);
    let set: string;
    try {
      set = normalizeTag(body.set);
    } catch (error) {
      if (error instanceof InvalidGroupTagError) throw new HTTPException(400, { message: error.message });
      throw error;
    }
    const now = deps.clock();
    const { members, selector } = await completedMembers(db, campaign, now);
    const groups = selector.groups ?? [];
    if (groups.length === 0)
      throw new HTTPException(409, { message: members.length === 0 ? 'no member has completed the task yet' : 'the members who completed the task are in none of its groups now' });
    for (const id of groups) await changeGroupTags(db, { id, workspaceId: campaign.workspaceId }, { add: [set] }, now);
    await recordAudit(
      db,
      {
        workspaceId: campaign.workspaceId,
        actor: actorOf(c.var.principal),
        action: 'campaign.completed_set',
        target: { kind: 'campaign', id: campaign.id },
        detail: { set, groups, members: members.length },
      },
      now,
    );
    return c.json({ set, groups, members: members.length });
  });

  app.post('/campaigns/:id/rewards/:rewardId/fulfil', authorize('act'), async (c) => {
    const { campaign } = await campaignOf(c, 'act');
    const rewardId = intParam(c.req.param('rewardId'), 'reward id');
    const now = deps.clock();
    const actor = actorOf(c.var.principal);
    await fulfilReward(db, campaign.id, rewardId, actor.label, now).catch(refused);
    await recordAudit(db, { workspaceId: campaign.workspaceId, actor, action: 'campaign.reward_fulfilled', target: { kind: 'campaign', id: campaign.id }, detail: { rewardId } }, now);
    return c.json({ rewards: await rewardsOf(db, campaign.id) });
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const campaignRouteDocs: RouteDocs = {
  tag: 'campaigns',
  routes: [
    { method: 'get', path: '/campaigns', summary: 'A workspace’s fission campaigns with their figures', access: 'read', query: z.object({ workspace: z.string().optional() }) },
    { method: 'post', path: '/campaigns', summary: 'Create a campaign: form, target groups, goal, fraud rules, reward tiers, start and end', access: 'act', body: createBody, status: 201 },
    { method: 'get', path: '/campaigns/:id', summary: 'One campaign with each member’s progress (top inviters first) and the rewards granted and clawed back', access: 'read' },
    { method: 'get', path: '/campaigns/:id/tree', summary: 'The invite tree: who invited whom, depth, and whether each friend counts and why', access: 'read' },
    { method: 'post', path: '/campaigns/:id/codes', summary: 'A member’s personal code in the campaign (made once; 201 when new)', access: 'act', body: codeBody },
    {
      method: 'get',
      path: '/campaigns/:id/completed',
      summary: 'The members who completed the task, with the groups they are in as a broadcast selector (JSON or CSV)',
      access: 'read',
      query: completedQuery,
    },
    {
      method: 'post',
      path: '/campaigns/:id/completed/set',
      summary: 'Put the groups of the members who completed the task in a group set, for a later broadcast (409 when none completed)',
      access: 'act',
      body: setBody,
    },
    { method: 'post', path: '/campaigns/:id/rewards/:rewardId/fulfil', summary: 'Mark a reward handed over (a manual reward an operator fulfils)', access: 'act' },
  ],
};
