import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { recordAccountEvent } from '../../auth/account-audit.js';
import { recordAudit } from '../../audit/audit-log.js';
import { publicRoute, workspaceAccess, type AuthEnv, type Authorize } from '../../auth/authorize.js';
import {
  claimInvitation,
  createInvitation,
  findLiveInvitation,
  getInvitation,
  invitationPath,
  listInvitations,
  MAX_INVITATION_DAYS,
  revokeInvitation,
  setInvitationAcceptedBy,
  type InvitationInfo,
} from '../../auth/invitations.js';
import { createOperator, findOperatorByEmail, OperatorError, setMembership } from '../../auth/operators.js';
import { checkNewPassword, MAX_PASSWORD_LENGTH, WeakPasswordError } from '../../auth/password.js';
import { actorOf, loadPrincipal, type Principal, type WorkspaceAccess } from '../../auth/principal.js';
import { ROLES } from '../../auth/roles.js';
import { setSessionCookie } from '../../auth/session-cookie.js';
import { createSession } from '../../auth/sessions.js';
import { changeTeamMember, disableOperator, enableOperator, findTeamMember, inviteRefusal, listTeam, membershipsOf, TeamError, teamRefusal, type TeamActor, type TeamMember } from '../../auth/team.js';
import { intParam, readJson } from '../http-errors.js';
import type { RouteDocs } from '../openapi/route-doc.js';
import type { ServerDeps } from '../server-deps.js';
import { presentPrincipal, requireJson } from './auth-routes.js';

const workspaceField = z.string().trim().min(1).max(100).optional();
const groupsField = z.union([z.literal('all'), z.array(z.number().int().positive()).min(1).max(1000)]);
const inviteBody = z.object({
  workspace: workspaceField,
  email: z.string().trim().min(1, 'is required').max(320),
  role: z.enum(ROLES),
  groups: groupsField.optional(),
  expiresInDays: z.number().int().min(1).max(MAX_INVITATION_DAYS).optional(),
});
const changeBody = z.object({ workspace: workspaceField, role: z.enum(ROLES), groups: groupsField.optional() });
const workspaceBody = z.object({ workspace: workspaceField });
const acceptBody = z.object({ password: z.string().min(1, 'is required').max(MAX_PASSWORD_LENGTH) });
const listQuery = z.object({ workspace: z.string().optional() });

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const NOT_LIVE = 'this invitation link does not work: it was used already, revoked, or has expired';

function presentMember(m: TeamMember) {
  return { id: m.operatorId, email: m.email, role: m.role, groups: m.groups, disabled: m.disabled, joinedAt: iso(m.joinedAt) };
}

function presentInvitation(i: InvitationInfo) {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    groups: i.groups,
    status: i.status,
    createdAt: iso(i.createdAt),
    expiresAt: iso(i.expiresAt),
    acceptedAt: iso(i.acceptedAt),
    revokedAt: iso(i.revokedAt),
  };
}

function teamActor(principal: Principal, access: WorkspaceAccess): TeamActor {
  return { kind: 'operator', operatorId: principal.operatorId, role: access.role };
}

/** Runs a team change, answering a TeamError or OperatorError with its status. */
async function teamChange<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TeamError) throw new HTTPException(error.status, { message: error.message });
    if (error instanceof OperatorError || error instanceof WeakPasswordError) throw new HTTPException(400, { message: error.message });
    throw error;
  }
}

/**
 * The team of a workspace: its operators and invitations; inviting (a one-time link),
 * changing a role and groups, disabling and enabling an account. Needs the manage
 * permission. Accepting an invitation is public: the link is the credential.
 */
export function teamRoutes(deps: ServerDeps, authorize: Authorize) {
  const app = new Hono<AuthEnv>();
  const { db } = deps.runtime.store;

  app.get('/team', authorize('manage'), async (c) => {
    const query = listQuery.parse(c.req.query());
    const access = workspaceAccess(c.var.principal, query.workspace, 'manage');
    const [members, invitations] = await Promise.all([listTeam(db, access.workspace.id), listInvitations(db, access.workspace.id, deps.clock())]);
    return c.json({ workspace: access.workspace, you: c.var.principal.operatorId, members: members.map(presentMember), invitations: invitations.map(presentInvitation) });
  });

  app.post('/team/invitations', authorize('manage'), async (c) => {
    const body = await readJson(c, inviteBody);
    const principal = c.var.principal;
    const access = workspaceAccess(principal, body.workspace, 'manage');
    const refusal = inviteRefusal(teamActor(principal, access), body.role);
    if (refusal) throw new HTTPException(403, { message: `not allowed: ${refusal}` });
    const now = deps.clock();
    const groups = body.groups === undefined || body.groups === 'all' ? undefined : body.groups;
    const { token, info } = await teamChange(() =>
      createInvitation(db, { workspaceId: access.workspace.id, email: body.email, role: body.role, groups, invitedBy: principal.operatorId, expiresInDays: body.expiresInDays }, now),
    );
    await recordAudit(
      db,
      {
        workspaceId: access.workspace.id,
        actor: actorOf(principal),
        action: 'team.invited',
        target: { kind: 'invitation', id: info.id },
        detail: { email: info.email, role: info.role, groups: info.groups, expiresAt: iso(info.expiresAt) },
      },
      now,
    );
    const path = invitationPath(token);
    // The only time the link leaves the server.
    return c.json({ link: new URL(path, new URL(c.req.url).origin).toString(), path, invitation: presentInvitation(info) }, 201);
  });

  app.post('/team/invitations/:id/revoke', authorize('manage'), async (c) => {
    const id = intParam(c.req.param('id'), 'invitation id');
    const principal = c.var.principal;
    const now = deps.clock();
    const found = await getInvitation(db, id, now);
    if (!found || !principal.workspaces.has(found.workspaceId)) throw new HTTPException(404, { message: `no invitation ${id}` });
    workspaceAccess(principal, found.workspaceId, 'manage');
    const revoked = await revokeInvitation(db, id, now);
    if (revoked) {
      await recordAudit(db, { workspaceId: found.workspaceId, actor: actorOf(principal), action: 'team.invitation_revoked', target: { kind: 'invitation', id }, detail: { email: found.email } }, now);
    }
    return c.json({ invitation: presentInvitation((await getInvitation(db, id, now))!), revoked });
  });

  /** The member a route names, in the workspace the caller names (or their only one), and the caller's role there. */
  async function memberFor(c: Context<AuthEnv>, workspace: string | undefined) {
    const id = intParam(c.req.param('id'), 'operator id');
    const principal = c.var.principal;
    const access = workspaceAccess(principal, workspace, 'manage');
    const member = await findTeamMember(db, access.workspace.id, id);
    if (!member) throw new HTTPException(404, { message: `no operator ${id} in ${access.workspace.slug}` });
    return { principal, access, member, actor: teamActor(principal, access) };
  }

  app.patch('/team/members/:id', authorize('manage'), async (c) => {
    const body = await readJson(c, changeBody);
    const { principal, access, member, actor } = await memberFor(c, body.workspace);
    const refusal = teamRefusal(actor, member, body.role);
    if (refusal) throw new HTTPException(403, { message: `not allowed: ${refusal}` });
    const now = deps.clock();
    const { before, after } = await teamChange(() =>
      changeTeamMember(db, { workspaceId: access.workspace.id, operatorId: member.operatorId, role: body.role, ...(body.groups ? { groups: body.groups } : {}) }, now),
    );
    await recordAudit(
      db,
      {
        workspaceId: access.workspace.id,
        actor: actorOf(principal),
        action: 'team.role_changed',
        target: { kind: 'operator', id: member.operatorId },
        detail: { email: member.email, from: { role: before.role, groups: before.groups }, to: { role: after.role, groups: after.groups } },
      },
      now,
    );
    return c.json({ member: presentMember(after) });
  });

  app.post('/team/members/:id/disable', authorize('manage'), async (c) => {
    const body = await readJson(c, workspaceBody);
    const { principal, member, actor } = await memberFor(c, body.workspace);
    const refusal = teamRefusal(actor, member);
    if (refusal) throw new HTTPException(403, { message: `not allowed: ${refusal}` });
    // An account is one across workspaces: disabling it needs the right to in every workspace it is in.
    for (const m of await membershipsOf(db, member.operatorId)) {
      const there = principal.workspaces.get(m.workspaceId);
      const refused = !there?.permissions.has('manage') || teamRefusal(teamActor(principal, there), { operatorId: member.operatorId, role: m.role }) !== null;
      if (refused) throw new HTTPException(403, { message: 'not allowed: they also belong to a workspace you do not manage; its owner can disable them' });
    }
    const now = deps.clock();
    const result = await teamChange(() => disableOperator(db, member.operatorId, now));
    if (result.changed) {
      await recordAccountEvent(
        db,
        {
          operatorId: member.operatorId,
          actor: actorOf(principal),
          action: 'team.disabled',
          detail: { email: member.email, sessionsEnded: result.sessionsEnded, tokensRevoked: result.tokensRevoked },
        },
        now,
      );
    }
    return c.json({ member: presentMember({ ...member, disabled: true }), sessionsEnded: result.sessionsEnded, tokensRevoked: result.tokensRevoked });
  });

  app.post('/team/members/:id/enable', authorize('manage'), async (c) => {
    const body = await readJson(c, workspaceBody);
    const { principal, member, actor } = await memberFor(c, body.workspace);
    const refusal = teamRefusal(actor, member);
    if (refusal) throw new HTTPException(403, { message: `not allowed: ${refusal}` });
    const now = deps.clock();
    if (await enableOperator(db, member.operatorId)) {
      await recordAccountEvent(db, { operatorId: member.operatorId, actor: actorOf(principal), action: 'team.enabled', detail: { email: member.email } }, now);
    }
    return c.json({ member: presentMember({ ...member, disabled: false }) });
  });

  app.get('/invitations/:token', publicRoute(), async (c) => {
    const now = deps.clock();
    const invitation = await findLiveInvitation(db, c.req.param('token'), now);
    if (!invitation) throw new HTTPException(404, { message: NOT_LIVE });
    const workspace = await db.selectFrom('workspace').select(['name']).where('id', '=', invitation.workspaceId).executeTakeFirstOrThrow();
    const account = await findOperatorByEmail(db, invitation.email);
    return c.json({ email: invitation.email, workspace: workspace.name, role: invitation.role, expiresAt: iso(invitation.expiresAt), hasAccount: account !== undefined });
  });

  /** Gives the invited operator their role, once: the invitation is claimed in the same transaction. */
  async function takeUp(invitation: InvitationInfo, account: { id: number } | { password: string }, now: number): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const existing = 'id' in account ? account.id : null;
      if (!(await claimInvitation(trx, invitation.id, existing, now))) throw new HTTPException(404, { message: NOT_LIVE });
      const id = existing ?? (await createOperator(trx, { email: invitation.email, password: (account as { password: string }).password }, now)).id;
      if (existing === null) await setInvitationAcceptedBy(trx, invitation.id, id);
      await setMembership(trx, { operatorId: id, workspaceId: invitation.workspaceId, role: invitation.role, ...(invitation.groups === 'all' ? {} : { groups: invitation.groups }) }, now);
      await recordAudit(
        trx,
        {
          workspaceId: invitation.workspaceId,
          actor: { kind: 'operator', id, label: invitation.email },
          action: 'team.invitation_accepted',
          target: { kind: 'invitation', id: invitation.id },
          detail: { email: invitation.email, role: invitation.role, groups: invitation.groups, newAccount: existing === null },
        },
        now,
      );
      return id;
    });
  }

  app.post('/invitations/:token/accept', publicRoute(), async (c) => {
    requireJson(c);
    const body = await readJson(c, acceptBody);
    const now = deps.clock();
    const invitation = await findLiveInvitation(db, c.req.param('token'), now);
    if (!invitation) throw new HTTPException(404, { message: NOT_LIVE });
    // An existing account signs in first (with the sign-in rate limit) and joins with POST …/join.
    if (await findOperatorByEmail(db, invitation.email)) throw new HTTPException(409, { message: `${invitation.email} has an account already: sign in, then take up the invitation` });
    try {
      checkNewPassword(body.password);
    } catch (error) {
      if (error instanceof WeakPasswordError) throw new HTTPException(400, { message: `password: ${error.message}` });
      throw error;
    }
    const operatorId = await teamChange(() => takeUp(invitation, { password: body.password }, now));
    const { token, session } = await createSession(db, operatorId, now, deps.auth?.sessionPolicy);
    const principal = await loadPrincipal(db, operatorId, { kind: 'session', session });
    if (!principal) throw new HTTPException(401, { message: 'this account cannot sign in' });
    setSessionCookie(c, token, session.expiresAt, now);
    return c.json(presentPrincipal(principal), 201);
  });

  app.post('/invitations/:token/join', authorize('account'), async (c) => {
    const principal = c.var.principal;
    const now = deps.clock();
    const invitation = await findLiveInvitation(db, c.req.param('token'), now);
    if (!invitation) throw new HTTPException(404, { message: NOT_LIVE });
    if (invitation.email !== principal.email) throw new HTTPException(403, { message: `this invitation is for another email; sign in as ${invitation.email}` });
    if (principal.workspaces.has(invitation.workspaceId)) throw new HTTPException(409, { message: 'you are on this workspace’s team already' });
    await takeUp(invitation, { id: principal.operatorId }, now);
    const after = principal.via.kind === 'session' ? await loadPrincipal(db, principal.operatorId, principal.via) : undefined;
    return c.json(presentPrincipal(after ?? principal));
  });

  return app;
}

/** This file's routes as the API reference describes them (src/server/openapi). */
export const teamRouteDocs: RouteDocs = {
  tag: 'team',
  routes: [
    { method: 'get', path: '/team', summary: 'The workspace’s operators (role, groups, disabled) and its invitations', access: 'manage', query: listQuery },
    {
      method: 'post',
      path: '/team/invitations',
      summary: 'Invite someone with a role; answers the one-time link this once',
      access: 'manage',
      body: inviteBody,
      status: 201,
      description: 'Only an owner invites an owner. The link works once, until it expires (7 days unless expiresInDays says otherwise).',
    },
    { method: 'post', path: '/team/invitations/:id/revoke', summary: 'Revoke a pending invitation: its link stops working', access: 'manage' },
    {
      method: 'patch',
      path: '/team/members/:id',
      summary: 'Change an operator’s role and assigned groups',
      access: 'manage',
      body: changeBody,
      description: 'Nobody changes their own role; only an owner makes or changes an owner; a workspace keeps an owner.',
    },
    {
      method: 'post',
      path: '/team/members/:id/disable',
      summary: 'Disable an operator: every session and API token of theirs ends at once',
      access: 'manage',
      body: workspaceBody,
    },
    { method: 'post', path: '/team/members/:id/enable', summary: 'Let a disabled operator sign in again', access: 'manage', body: workspaceBody },
    { method: 'get', path: '/invitations/:token', summary: 'What an invitation link offers (email, workspace, role), while it works', access: 'public' },
    { method: 'post', path: '/invitations/:token/accept', summary: 'Take up an invitation with a new account: set its password and be signed in', access: 'public', body: acceptBody, status: 201 },
    { method: 'post', path: '/invitations/:token/join', summary: 'Take up an invitation with the signed-in account (its email must be the invited one)', access: 'account' },
  ],
};
