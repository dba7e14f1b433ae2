import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { MAX_OPTION, MAX_OPTIONS, MAX_QUESTION, MAX_REASON, MIN_OPTIONS } from '../../activation/votes/vote-message.js';
import { closeVote, getVote, InvalidVoteError, listVotes, startVote, VoteConflictError, VoteNotFoundError, vetoVote } from '../../activation/votes/vote-store.js';
import { recordAudit } from '../../audit/audit-log.js';
import { groupAccess, workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import { actorOf, groupFilter, inGroupScope } from '../../auth/principal.js';
import type { Permission } from '../../auth/roles.js';
import type { ServerDeps } from '../server-deps.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';

const createBody = z
  .object({
    groupId: z.number().int().positive(),
    question: z.string().max(MAX_QUESTION * 2),
    options: z
      .array(z.string().max(MAX_OPTION * 2))
      .min(MIN_OPTIONS)
      .max(MAX_OPTIONS),
    /** ISO 8601: when the vote closes (default: in 24 hours; at most 30 days away). */
    until: z.iso.datetime({ offset: true }).optional(),
    /** Only the counts are ever shown, never who voted for what. */
    anonymous: z.boolean().optional(),
    language: z.enum(['zh', 'en']).optional(),
  })
  .strict();

const vetoBody = z.object({ reason: z.string().trim().min(1, 'a veto needs a reason').max(MAX_REASON) }).strict();

/**
 * Votes (投票): start one in a group, list a workspace's (or a group's) with their
 * tallies, show one with who voted for what (unless anonymous), close one now, veto one
 * (before or after it closes). Callers limited to some groups see and touch only those
 * groups' votes; starting, closing and vetoing are audit-logged.
 */
export function voteRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  /** A vote the caller may see (404 otherwise), with the permission checked (403). */
  const voteOf = async (c: Context<AuthEnv>, permission: Permission) => {
    const id = intParam(c.req.param('id'), 'vote id');
    const row = await db.selectFrom('vote').select(['workspace_id', 'group_id']).where('id', '=', id).executeTakeFirst();
    const access = row ? c.var.principal.workspaces.get(row.workspace_id) : undefined;
    if (!row || !access || !inGroupScope(access, row.group_id)) throw new HTTPException(404, { message: `no vote ${id}` });
    if (!access.permissions.has(permission)) throw new HTTPException(403, { message: `not allowed: your role (${access.role}) lacks the ${permission} permission` });
    return { id, workspaceId: row.workspace_id, groupId: row.group_id };
  };
  const refused = (error: unknown): never => {
    if (error instanceof InvalidVoteError) throw new HTTPException(400, { message: error.message });
    if (error instanceof VoteNotFoundError) throw new HTTPException(404, { message: error.message });
    if (error instanceof VoteConflictError) throw new HTTPException(409, { message: error.message });
    throw error;
  };

  app.get('/votes', authorize('read'), async (c) => {
    const access = workspaceAccess(c.var.principal, c.req.query('workspace'), 'read');
    const group = c.req.query('group');
    const groupId = group === undefined ? undefined : intParam(group, 'group');
    return c.json({ votes: await listVotes(db, access.workspace.id, deps.clock(), { groupIds: groupFilter(access), ...(groupId !== undefined ? { groupId } : {}) }) });
  });

  app.post('/votes', authorize('act'), async (c) => {
    const body = await readJson(c, createBody);
    const { access, group } = await groupAccess(db, c.var.principal, body.groupId, 'act');
    const now = deps.clock();
    const actor = actorOf(c.var.principal);
    const vote = await startVote(
      db,
      {
        workspaceId: access.workspace.id,
        groupId: group.id,
        question: body.question,
        options: body.options,
        deadline: body.until !== undefined ? Date.parse(body.until) : null,
        anonymous: body.anonymous ?? false,
        ...(body.language ? { language: body.language } : {}),
        createdBy: actor.label,
      },
      now,
    ).catch(refused);
    deps.runtime.voteRule.invalidate();
    deps.runtime.wakeDispatcher();
    await recordAudit(
      db,
      {
        workspaceId: access.workspace.id,
        actor,
        action: 'vote.started',
        target: { kind: 'vote', id: vote.id },
        groupId: group.id,
        detail: { question: vote.question, options: vote.options.map((o) => o.text), deadline: vote.deadline, anonymous: vote.anonymous },
      },
      now,
    );
    return c.json(vote, 201);
  });

  app.get('/votes/:id', authorize('read'), async (c) => {
    const vote = await voteOf(c, 'read');
    return c.json(await getVote(db, vote.workspaceId, vote.id, deps.clock()).catch(refused));
  });

  app.post('/votes/:id/close', authorize('act'), async (c) => {
    const vote = await voteOf(c, 'act');
    const now = deps.clock();
    const before = await getVote(db, vote.workspaceId, vote.id, now).catch(refused);
    const closed = await closeVote(db, vote.workspaceId, vote.id, now).catch(refused);
    deps.runtime.voteRule.invalidate();
    deps.runtime.wakeDispatcher();
    if (!before.resultsPosted)
      await recordAudit(
        db,
        { workspaceId: vote.workspaceId, actor: actorOf(c.var.principal), action: 'vote.closed', target: { kind: 'vote', id: vote.id }, groupId: vote.groupId, detail: { voters: closed.voters } },
        now,
      );
    return c.json(closed);
  });

  app.post('/votes/:id/veto', authorize('act'), async (c) => {
    const vote = await voteOf(c, 'act');
    const body = await readJson(c, vetoBody);
    const now = deps.clock();
    const actor = actorOf(c.var.principal);
    const vetoed = await vetoVote(db, vote.workspaceId, vote.id, { by: actor.label, reason: body.reason }, now).catch(refused);
    deps.runtime.voteRule.invalidate();
    deps.runtime.wakeDispatcher();
    await recordAudit(db, { workspaceId: vote.workspaceId, actor, action: 'vote.vetoed', target: { kind: 'vote', id: vote.id }, groupId: vote.groupId, detail: { reason: body.reason } }, now);
    return c.json(vetoed);
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const voteRouteDocs: RouteDocs = {
  tag: 'votes',
  routes: [
    {
      method: 'get',
      path: '/votes',
      summary: 'A workspace’s votes (投票), optionally one group’s, newest first, each with its tally (counts and percentages per option), state and veto',
      access: 'read',
      query: z.object({ workspace: z.string().optional(), group: z.string().optional() }),
    },
    { method: 'post', path: '/votes', summary: 'Start a vote in a group: a question, 2–10 options, a deadline, anonymous or not; its opening post goes to the group', access: 'act', body: createBody },
    { method: 'get', path: '/votes/:id', summary: 'One vote with its tally and, unless anonymous, who voted for what', access: 'read' },
    { method: 'post', path: '/votes/:id/close', summary: 'Close a vote now and post its results (closing a closed vote changes nothing)', access: 'act' },
    {
      method: 'post',
      path: '/votes/:id/veto',
      summary: 'Veto a vote, open or closed: marked vetoed with who and why, the results posted saying so (409 when already vetoed)',
      access: 'act',
      body: vetoBody,
    },
  ],
};
