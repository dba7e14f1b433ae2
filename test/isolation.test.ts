import { afterEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { startChain } from '../src/conversion/chains/chain-store.js';
import { createDraw } from '../src/activation/draws/draw-store.js';
import { startVote } from '../src/activation/votes/vote-store.js';
import { claimCoupon, createCoupon } from '../src/conversion/coupons/coupon-store.js';
import { createLink } from '../src/conversion/links/link-store.js';
import { createCampaign } from '../src/growth/campaigns/campaign-store.js';
import { createPosterTemplate } from '../src/growth/posters/poster-store.js';
import { DEFAULT_POSTER_DESIGN } from '../src/shared/poster-records.js';
import type { Database } from '../src/store/schema.js';
import { createBroadcast } from '../src/activation/broadcasts/broadcast-store.js';
import { createLiveCode } from '../src/growth/code-store.js';
import { createInvitation } from '../src/auth/invitations.js';
import { sessionFor, TEST_PASSWORD, type ApiClient } from './helpers/auth-fixture.js';
import { backends } from './helpers/backends.js';
import { diffSnapshots, snapshot, T0, twoWorkspaces, ZETA_MARKERS } from './helpers/world-fixture.js';

const DAY = 86_400_000;

/** A coupon of zeta's with one claim by its member. */
async function zetaCoupon(db: Kysely<Database>, workspaceId: number): Promise<{ couponId: number; couponClaimId: number }> {
  const coupon = await createCoupon(
    db,
    { workspaceId, title: 'Zeta secret offer', uses: 'single', value: { kind: 'amount', amountMinor: 1999, currency: 'CNY' }, stock: 5, perMemberLimit: 1, expiresAt: null },
    T0,
  );
  const member = await db.selectFrom('member').select('id').where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  const claim = await claimCoupon(db, { workspaceId, couponId: coupon.id, memberId: member.id }, T0);
  return { couponId: coupon.id, couponClaimId: claim.id };
}

/** The ids of the other workspace ("zeta") that acme's callers try to reach. */
interface ZetaIds {
  slug: string;
  /** Zeta's owner (an operator id). */
  ownerId: number;
  /** A pending invitation to zeta's team. */
  invitationId: number;
  workspaceId: number;
  lounge: number;
  room: number;
  tokenId: number;
  connectionId: number;
  automationId: number;
  /** A member of zeta's groups. */
  memberId: number;
  /** An action in zeta's outbox (its welcome). */
  outboxId: number;
  /** Zeta's outgoing webhook. */
  webhookId: number;
  /** A chain sign-up in zeta's room. */
  chainId: number;
  /** A lucky draw in zeta's room. */
  drawId: number;
  /** A vote in zeta's room. */
  voteId: number;
  /** Zeta's coupon, and a member's claim of it. */
  couponId: number;
  couponClaimId: number;
  /** Zeta's tracked link. */
  linkId: number;
  /** Zeta's fission campaign. */
  campaignId: number;
  /** Zeta's poster template. */
  posterTemplateId: number;
  /** A broadcast of zeta's, scheduled for tomorrow. */
  broadcastId: number;
  /** Zeta's live code (its public code string). */
  code: string;
  /** An item in zeta's moderation queue. */
  moderationId: number;
  /** An import of zeta's, with its report. */
  importId: number;
  /** An enforcement in zeta's lounge. */
  enforcementId: number;
}

/** One request and what each kind of acme caller must get: the session of its owner, and a read+act+configure token. */
interface Probe {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  session: number;
  token: number;
}

interface Case {
  /** Requests aimed at the other workspace, or at lists that must not show it. */
  probes: (z: ZetaIds) => Probe[];
  /** Open to anyone (no 401 without a session). */
  public?: boolean;
  /** Routes that change the caller's own account: they may change acme's own rows, never zeta's. */
  ownAccount?: boolean;
}

const get = (path: string, session: number, token = session): Probe => ({ method: 'GET', path, session, token });
const post = (path: string, body: unknown, session: number, token = session): Probe => ({ method: 'POST', path, body, session, token });
const del = (path: string, session: number, token = session): Probe => ({ method: 'DELETE', path, session, token });
const patch = (path: string, body: unknown, session: number, token = session): Probe => ({ method: 'PATCH', path, body, session, token });
const put = (path: string, body: unknown, session: number, token = session): Probe => ({ method: 'PUT', path, body, session, token });

/**
 * Every API route, and how it is probed. The suite fails when the app has a route
 * that is not here (write its case) or this table names one the app lacks.
 */
const CASES: Record<string, Case> = {
  'POST /api/auth/login': {
    public: true,
    probes: () => [
      post('/api/auth/login', { email: 'zeta-owner@zeta.test', password: 'a guess at zeta' }, 401),
      post('/api/auth/login', { email: 'nobody@zeta.test', password: 'a guess at zeta' }, 401),
    ],
  },
  // First-run setup is over here (operators exist): the state says so, and a setup attempt is refused.
  'GET /api/setup': { public: true, probes: () => [get('/api/setup', 200)] },
  'POST /api/setup': {
    public: true,
    probes: () => [post('/api/setup', { token: 'a guessed setup token', email: 'intruder@zeta.test', password: 'zeta takeover attempt', workspace: 'Zeta Secret Works' }, 410)],
  },
  'GET /api/auth/session': { probes: () => [get('/api/auth/session', 200)] },
  'POST /api/auth/logout': { ownAccount: true, probes: () => [post('/api/auth/logout', {}, 200, 403)] },
  'POST /api/auth/logout-all': { ownAccount: true, probes: () => [post('/api/auth/logout-all', {}, 200, 403)] },
  'POST /api/auth/password': {
    ownAccount: true,
    probes: () => [
      post('/api/auth/password', { currentPassword: 'not the current one', newPassword: 'zeta takeover attempt' }, 403, 403),
      post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD }, 200, 403),
    ],
  },
  'GET /api/workspaces': { probes: () => [get('/api/workspaces', 200)] },
  'GET /api/platforms': { probes: () => [get('/api/platforms', 200)] },
  'GET /api/workspaces/:ws/groups': { probes: (z) => [get(`/api/workspaces/${z.slug}/groups`, 404), get(`/api/workspaces/${z.workspaceId}/groups`, 404)] },
  'GET /api/workspaces/:ws/overview': { probes: (z) => [get(`/api/workspaces/${z.slug}/overview`, 404), get(`/api/workspaces/${z.workspaceId}/overview?days=7`, 404)] },
  'GET /api/groups': { probes: (z) => [get('/api/groups', 200), get(`/api/groups?workspace=${z.slug}`, 404), get(`/api/groups?workspace=${z.workspaceId}`, 404)] },
  'GET /api/groups/:id': { probes: (z) => [get(`/api/groups/${z.lounge}`, 404), get(`/api/groups/${z.room}`, 404)] },
  'GET /api/groups/:id/activity': { probes: (z) => [get(`/api/groups/${z.lounge}/activity`, 404), get(`/api/groups/${z.room}/activity?days=7`, 404)] },
  'GET /api/sandbox/groups': { probes: (z) => [get('/api/sandbox/groups', 200), get(`/api/sandbox/groups?workspace=${z.slug}`, 404)] },
  'GET /api/sandbox/groups/:id/log': { probes: (z) => [get(`/api/sandbox/groups/${z.lounge}/log`, 404), get(`/api/sandbox/groups/${z.room}/log?limit=5`, 404)] },
  'POST /api/sandbox/groups/:id/say': { probes: (z) => [post(`/api/sandbox/groups/${z.lounge}/say`, { member: 'intruder', text: 'hello zeta' }, 404)] },
  'POST /api/sandbox/groups/:id/join': { probes: (z) => [post(`/api/sandbox/groups/${z.lounge}/join`, { member: 'intruder' }, 404)] },
  'POST /api/sandbox/groups/:id/leave': { probes: (z) => [post(`/api/sandbox/groups/${z.lounge}/leave`, { member: 'zeta-member-xq' }, 404)] },
  // Tokens never hold `manage`: the token caller is refused before any id is looked at.
  'GET /api/tokens': { probes: (z) => [get('/api/tokens', 200, 403), get(`/api/tokens?workspace=${z.slug}`, 404, 403)] },
  'POST /api/tokens': {
    probes: (z) => [
      post('/api/tokens', { workspace: z.slug, name: 'intruder', scopes: ['read'] }, 404, 403),
      post('/api/tokens', { workspace: String(z.workspaceId), name: 'intruder', scopes: ['read'] }, 404, 403),
    ],
  },
  'POST /api/tokens/:id/revoke': { probes: (z) => [post(`/api/tokens/${z.tokenId}/revoke`, {}, 404, 403)] },
  // Tokens never hold `manage`; another workspace's operators and invitations are not found.
  'GET /api/team': { probes: (z) => [get('/api/team', 200, 403), get(`/api/team?workspace=${z.slug}`, 404, 403)] },
  'POST /api/team/invitations': { probes: (z) => [post('/api/team/invitations', { workspace: z.slug, email: 'intruder@acme.test', role: 'owner' }, 404, 403)] },
  'POST /api/team/invitations/:id/revoke': { probes: (z) => [post(`/api/team/invitations/${z.invitationId}/revoke`, {}, 404, 403)] },
  'PATCH /api/team/members/:id': {
    probes: (z) => [patch(`/api/team/members/${z.ownerId}`, { role: 'analyst' }, 404, 403), patch(`/api/team/members/${z.ownerId}`, { workspace: z.slug, role: 'analyst' }, 404, 403)],
  },
  'POST /api/team/members/:id/disable': {
    probes: (z) => [post(`/api/team/members/${z.ownerId}/disable`, {}, 404, 403), post(`/api/team/members/${z.ownerId}/disable`, { workspace: z.slug }, 404, 403)],
  },
  'POST /api/team/members/:id/enable': { probes: (z) => [post(`/api/team/members/${z.ownerId}/enable`, { workspace: z.slug }, 404, 403)] },
  // The link's secret is the credential: an unknown or malformed one opens nothing.
  'GET /api/invitations/:token': { public: true, probes: () => [get(`/api/invitations/hti_${'x'.repeat(43)}`, 404), get('/api/invitations/zeta', 404)] },
  'POST /api/invitations/:token/accept': { public: true, probes: () => [post(`/api/invitations/hti_${'x'.repeat(43)}/accept`, { password: 'a long enough password' }, 404)] },
  'POST /api/invitations/:token/join': { ownAccount: true, probes: () => [post(`/api/invitations/hti_${'x'.repeat(43)}/join`, {}, 404, 403)] },
  'GET /api/audit': { probes: (z) => [get('/api/audit', 200), get(`/api/audit?workspace=${z.slug}`, 404), get(`/api/audit?workspace=${z.workspaceId}&q=zeta`, 404)] },
  'GET /api/audit/export': { probes: (z) => [get(`/api/audit/export?workspace=${z.slug}&format=csv`, 404), get(`/api/audit/export?workspace=${z.workspaceId}&format=json`, 404)] },
  'GET /api/connections': { probes: (z) => [get('/api/connections', 200), get(`/api/connections?workspace=${z.slug}`, 404)] },
  'POST /api/connections': {
    probes: (z) => [post('/api/connections', { workspace: z.slug, platform: 'telegram', name: 'intruder', settings: { token: '123456789:AAintruder', mode: 'polling' } }, 404)],
  },
  'GET /api/connections/:id/groups': { probes: (z) => [get(`/api/connections/${z.connectionId}/groups`, 404)] },
  'POST /api/connections/:id/pause': { probes: (z) => [post(`/api/connections/${z.connectionId}/pause`, {}, 404)] },
  'POST /api/connections/:id/resume': { probes: (z) => [post(`/api/connections/${z.connectionId}/resume`, {}, 404)] },
  'DELETE /api/connections/:id': { probes: (z) => [del(`/api/connections/${z.connectionId}`, 404)] },
  'GET /api/automations': { probes: (z) => [get('/api/automations', 200), get(`/api/automations?workspace=${z.slug}`, 404)] },
  'GET /api/automations/problems': { probes: (z) => [get('/api/automations/problems', 200), get(`/api/automations/problems?workspace=${z.slug}`, 404)] },
  'POST /api/automations': {
    probes: (z) => [
      post('/api/automations', { workspace: z.slug, kind: 'welcome', config: { template: 'intruder' } }, 404),
      post('/api/automations', { groupId: z.lounge, kind: 'welcome', config: { template: 'intruder' } }, 404),
    ],
  },
  'PATCH /api/automations/:id': { probes: (z) => [patch(`/api/automations/${z.automationId}`, { enabled: false }, 404)] },
  'DELETE /api/automations/:id': { probes: (z) => [del(`/api/automations/${z.automationId}`, 404)] },
  // Tokens never hold `manage`: refused before the member is looked up.
  'GET /api/members/:id/export': { probes: (z) => [get(`/api/members/${z.memberId}/export`, 404, 403), get('/api/members/999999/export', 404, 403)] },
  'POST /api/members/:id/erase': { probes: (z) => [post(`/api/members/${z.memberId}/erase`, {}, 404, 403), post('/api/members/999999/erase', {}, 404, 403)] },
  'GET /api/members': { probes: (z) => [get('/api/members', 200), get(`/api/members?workspace=${z.slug}`, 404), get(`/api/members?workspace=${z.workspaceId}&q=zeta`, 404)] },
  'GET /api/members/link-suggestions': { probes: (z) => [get('/api/members/link-suggestions', 200), get(`/api/members/link-suggestions?workspace=${z.slug}`, 404)] },
  'GET /api/members/:id': { probes: (z) => [get(`/api/members/${z.memberId}`, 404), get('/api/members/999999', 404)] },
  // Linking needs `manage`, which tokens never hold.
  'POST /api/members/links': { probes: (z) => [post('/api/members/links', { keep: z.memberId, merge: z.memberId }, 404, 403)] },
  'GET /api/outbox': { probes: (z) => [get('/api/outbox', 200), get(`/api/outbox?workspace=${z.slug}`, 404), get(`/api/outbox?workspace=${z.workspaceId}&status=parked`, 404)] },
  'POST /api/outbox/:id/requeue': { probes: (z) => [post(`/api/outbox/${z.outboxId}/requeue`, {}, 404)] },
  'POST /api/outbox/:id/discard': { probes: (z) => [post(`/api/outbox/${z.outboxId}/discard`, {}, 404)] },
  'GET /api/webhooks': { probes: (z) => [get('/api/webhooks', 200), get(`/api/webhooks?workspace=${z.slug}`, 404)] },
  'POST /api/webhooks': { probes: (z) => [post('/api/webhooks', { workspace: z.slug, url: 'http://127.0.0.1:9/in', events: ['*'] }, 404)] },
  'GET /api/webhooks/:id': { probes: (z) => [get(`/api/webhooks/${z.webhookId}`, 404)] },
  'PATCH /api/webhooks/:id': { probes: (z) => [patch(`/api/webhooks/${z.webhookId}`, { enabled: false }, 404)] },
  'DELETE /api/webhooks/:id': { probes: (z) => [del(`/api/webhooks/${z.webhookId}`, 404)] },
  'POST /api/webhooks/:id/deliveries/:delivery/redeliver': { probes: (z) => [post(`/api/webhooks/${z.webhookId}/deliveries/1/redeliver`, {}, 404)] },
  'POST /api/webhooks/:id/ping': { probes: (z) => [post(`/api/webhooks/${z.webhookId}/ping`, {}, 404)] },
  'GET /api/imports': { probes: (z) => [get('/api/imports', 200), get(`/api/imports?workspace=${z.slug}`, 404)] },
  'POST /api/imports': { probes: (z) => [post(`/api/imports?workspace=${z.slug}&format=telegram-json&name=intruder.json`, { name: 'Intruder', type: 'private_group', id: 1, messages: [] }, 404)] },
  'GET /api/imports/:id': { probes: (z) => [get(`/api/imports/${z.importId}`, 404)] },
  'GET /api/groups/:id/health': { probes: (z) => [get(`/api/groups/${z.lounge}/health`, 404), get(`/api/groups/${z.room}/health?to=2026-07-01`, 404)] },
  'GET /api/groups/:id/members/figures': { probes: (z) => [get(`/api/groups/${z.lounge}/members/figures`, 404)] },
  'GET /api/groups/:id/layers': { probes: (z) => [get(`/api/groups/${z.lounge}/layers`, 404), get(`/api/groups/${z.room}/layers?to=2026-07-01`, 404)] },
  'GET /api/groups/:id/cohorts': { probes: (z) => [get(`/api/groups/${z.lounge}/cohorts`, 404), get(`/api/groups/${z.room}/cohorts?by=channel`, 404)] },
  'GET /api/cohorts': { probes: (z) => [get('/api/cohorts', 200), get(`/api/cohorts?workspace=${z.slug}`, 404)] },
  'GET /api/groups/:id/cleanup': { probes: (z) => [get(`/api/groups/${z.lounge}/cleanup`, 404)] },
  'POST /api/groups/:id/cleanup/actions': { probes: (z) => [post(`/api/groups/${z.lounge}/cleanup/actions`, { action: 'remove', memberIds: [z.memberId] }, 404)] },
  'PATCH /api/groups/:id/profile': { probes: (z) => [patch(`/api/groups/${z.lounge}/profile`, { theme: 'intruder' }, 404)] },
  'PUT /api/groups/:id/sets': { probes: (z) => [put(`/api/groups/${z.lounge}/sets`, { sets: ['intruder'] }, 404)] },
  'GET /api/groups/:id/roles': { probes: (z) => [get(`/api/groups/${z.lounge}/roles`, 404)] },
  'PUT /api/groups/:id/roles/:memberId': { probes: (z) => [put(`/api/groups/${z.lounge}/roles/${z.memberId}`, { roles: ['administrator'] }, 404)] },
  'GET /api/group-sets': { probes: (z) => [get('/api/group-sets', 200), get(`/api/group-sets?workspace=${z.slug}`, 404)] },
  'POST /api/groups/select': {
    probes: (z) => [post('/api/groups/select', { selector: { groups: [z.lounge, z.room] } }, 200), post('/api/groups/select', { workspace: z.slug, selector: {} }, 404)],
  },
  'GET /api/growth/codes': { probes: (z) => [get('/api/growth/codes', 200), get(`/api/growth/codes?workspace=${z.slug}`, 404)] },
  'GET /api/growth/codes/:code': { probes: (z) => [get(`/api/growth/codes/${z.code}`, 404)] },
  'POST /api/growth/codes': { probes: (z) => [post('/api/growth/codes', { workspace: z.slug, kind: 'live', name: 'intruder', groupIds: [z.lounge] }, 404)] },
  'POST /api/growth/codes/:code/groups': { probes: (z) => [post(`/api/growth/codes/${z.code}/groups`, { groupId: z.room }, 404)] },
  'PUT /api/growth/groups/:id/qr': { probes: (z) => [put(`/api/growth/groups/${z.lounge}/qr`, { mime: 'image/png', image: 'iVBORw0KGgo=' }, 404)] },
  'GET /api/moderation': { probes: (z) => [get('/api/moderation', 200), get(`/api/moderation?workspace=${z.slug}`, 404)] },
  'GET /api/moderation/settings': { probes: (z) => [get('/api/moderation/settings', 200), get(`/api/moderation/settings?workspace=${z.slug}`, 404)] },
  'PUT /api/moderation/settings': { probes: (z) => [put(`/api/moderation/settings?workspace=${z.slug}`, { enabled: true }, 404)] },
  'POST /api/moderation/:id/approve': { probes: (z) => [post(`/api/moderation/${z.moderationId}/approve`, {}, 404)] },
  'POST /api/moderation/:id/dismiss': { probes: (z) => [post(`/api/moderation/${z.moderationId}/dismiss`, {}, 404)] },
  'GET /api/enforcement/ladder': {
    probes: (z) => [get('/api/enforcement/ladder', 200), get(`/api/enforcement/ladder?workspace=${z.slug}`, 404), get(`/api/enforcement/ladder?group=${z.lounge}`, 404)],
  },
  'PUT /api/enforcement/ladder': { probes: (z) => [put(`/api/enforcement/ladder?group=${z.lounge}`, { enabled: true }, 404)] },
  'GET /api/enforcement': { probes: (z) => [get('/api/enforcement', 200), get(`/api/enforcement?workspace=${z.slug}`, 404), get(`/api/enforcement?group=${z.lounge}`, 404)] },
  'POST /api/enforcement/:id/undo': { probes: (z) => [post(`/api/enforcement/${z.enforcementId}/undo`, {}, 404)] },
  'GET /api/chains': { probes: (z) => [get('/api/chains', 200), get(`/api/chains?workspace=${z.slug}`, 404)] },
  'GET /api/groups/:id/chains': { probes: (z) => [get(`/api/groups/${z.room}/chains`, 404)] },
  'POST /api/groups/:id/chains': { probes: (z) => [post(`/api/groups/${z.room}/chains`, { title: 'intruder' }, 404)] },
  'GET /api/chains/:id': { probes: (z) => [get(`/api/chains/${z.chainId}`, 404)] },
  'POST /api/chains/:id/close': { probes: (z) => [post(`/api/chains/${z.chainId}/close`, {}, 404)] },
  'GET /api/chains/:id/export.csv': { probes: (z) => [get(`/api/chains/${z.chainId}/export.csv`, 404)] },
  'GET /api/draws': { probes: (z) => [get('/api/draws', 200), get(`/api/draws?workspace=${z.slug}`, 404)] },
  'POST /api/draws': { probes: (z) => [post('/api/draws', { groupId: z.room, total: 10, shares: 2 }, 404)] },
  'GET /api/draws/:id': { probes: (z) => [get(`/api/draws/${z.drawId}`, 404)] },
  'POST /api/draws/:id/cancel': { probes: (z) => [post(`/api/draws/${z.drawId}/cancel`, {}, 404)] },
  'GET /api/votes': { probes: (z) => [get('/api/votes', 200), get(`/api/votes?workspace=${z.slug}`, 404), get(`/api/votes?group=${z.room}`, 200)] },
  'POST /api/votes': { probes: (z) => [post('/api/votes', { groupId: z.room, question: 'q', options: ['a', 'b'] }, 404)] },
  'GET /api/votes/:id': { probes: (z) => [get(`/api/votes/${z.voteId}`, 404)] },
  'POST /api/votes/:id/close': { probes: (z) => [post(`/api/votes/${z.voteId}/close`, {}, 404)] },
  'POST /api/votes/:id/veto': { probes: (z) => [post(`/api/votes/${z.voteId}/veto`, { reason: 'x' }, 404)] },
  'GET /api/coupons': { probes: (z) => [get('/api/coupons', 200), get(`/api/coupons?workspace=${z.slug}`, 404)] },
  'POST /api/coupons': { probes: (z) => [post('/api/coupons', { workspace: z.slug, title: 'intruder', value: { kind: 'percent', basisPoints: 100 } }, 404)] },
  'GET /api/coupons/:id': { probes: (z) => [get(`/api/coupons/${z.couponId}`, 404)] },
  'POST /api/coupons/:id/claims': { probes: (z) => [post(`/api/coupons/${z.couponId}/claims`, { memberId: z.memberId }, 404)] },
  'POST /api/coupons/:id/claims/:claimId/redeem': { probes: (z) => [post(`/api/coupons/${z.couponId}/claims/${z.couponClaimId}/redeem`, {}, 404)] },
  'GET /api/points/groups': { probes: (z) => [get('/api/points/groups', 200), get(`/api/points/groups?workspace=${z.slug}`, 404)] },
  'GET /api/points/groups/:id': { probes: (z) => [get(`/api/points/groups/${z.lounge}`, 404), get(`/api/points/groups/${z.room}?month=2026-01`, 404)] },
  'PUT /api/points/groups/:id/settings': { probes: (z) => [put(`/api/points/groups/${z.lounge}/settings`, { enabled: true }, 404)] },
  'GET /api/points/members/:id': { probes: (z) => [get(`/api/points/members/${z.memberId}`, 404)] },
  'POST /api/points/members/:id/adjust': { probes: (z) => [post(`/api/points/members/${z.memberId}/adjust`, { points: 5, reason: 'intruder' }, 404)] },
  'GET /api/poster-templates': { probes: (z) => [get('/api/poster-templates', 200), get(`/api/poster-templates?workspace=${z.slug}`, 404)] },
  'POST /api/poster-templates': { probes: (z) => [post('/api/poster-templates', { workspace: z.slug, name: 'intruder', design: DEFAULT_POSTER_DESIGN }, 404)] },
  'POST /api/poster-templates/preview': { probes: (z) => [post('/api/poster-templates/preview', { workspace: z.slug, design: DEFAULT_POSTER_DESIGN }, 404)] },
  'GET /api/poster-templates/:id': { probes: (z) => [get(`/api/poster-templates/${z.posterTemplateId}`, 404)] },
  'PUT /api/poster-templates/:id': { probes: (z) => [put(`/api/poster-templates/${z.posterTemplateId}`, { name: 'intruder', design: DEFAULT_POSTER_DESIGN }, 404)] },
  'DELETE /api/poster-templates/:id': { probes: (z) => [del(`/api/poster-templates/${z.posterTemplateId}`, 404)] },
  'GET /api/poster-templates/:id/poster.png': { probes: (z) => [get(`/api/poster-templates/${z.posterTemplateId}/poster.png?member=${z.memberId}`, 404)] },
  'GET /api/campaigns': { probes: (z) => [get('/api/campaigns', 200), get(`/api/campaigns?workspace=${z.slug}`, 404)] },
  'POST /api/campaigns': { probes: (z) => [post('/api/campaigns', { workspace: z.slug, name: 'intruder', form: 'invite', targets: {}, goal: 3 }, 404)] },
  'GET /api/campaigns/:id': { probes: (z) => [get(`/api/campaigns/${z.campaignId}`, 404)] },
  'GET /api/campaigns/:id/tree': { probes: (z) => [get(`/api/campaigns/${z.campaignId}/tree`, 404)] },
  'POST /api/campaigns/:id/codes': { probes: (z) => [post(`/api/campaigns/${z.campaignId}/codes`, { memberId: z.memberId }, 404)] },
  'GET /api/campaigns/:id/completed': { probes: (z) => [get(`/api/campaigns/${z.campaignId}/completed?format=csv`, 404)] },
  'POST /api/campaigns/:id/completed/set': { probes: (z) => [post(`/api/campaigns/${z.campaignId}/completed/set`, { set: 'intruder' }, 404)] },
  'POST /api/campaigns/:id/rewards/:rewardId/fulfil': { probes: (z) => [post(`/api/campaigns/${z.campaignId}/rewards/1/fulfil`, {}, 404)] },
  'GET /api/links': { probes: (z) => [get('/api/links', 200), get(`/api/links?workspace=${z.slug}`, 404)] },
  'POST /api/links': { probes: (z) => [post('/api/links', { workspace: z.slug, campaign: 'intruder', targetUrl: 'https://example.com/' }, 404)] },
  'POST /api/links/:id/children': { probes: (z) => [post(`/api/links/${z.linkId}/children`, { memberId: z.memberId }, 404)] },
  'GET /api/conversions': { probes: (z) => [get('/api/conversions', 200), get(`/api/conversions?workspace=${z.slug}`, 404)] },
  'GET /api/conversions/report': { probes: (z) => [get('/api/conversions/report?by=member', 200), get(`/api/conversions/report?workspace=${z.slug}`, 404)] },
  'POST /api/conversions/import': { probes: (z) => [post('/api/conversions/import', { workspace: z.slug, csv: 'id,amountMinor,currency\nx1,100,CNY\n' }, 404)] },
  'GET /api/conversions/settings': { probes: (z) => [get('/api/conversions/settings', 200), get(`/api/conversions/settings?workspace=${z.slug}`, 404)] },
  'PUT /api/conversions/settings': { probes: (z) => [put('/api/conversions/settings', { workspace: z.slug, windowDays: 7 }, 404)] },
  'POST /api/conversions/secret': { probes: (z) => [post('/api/conversions/secret', { workspace: z.slug }, 404, 403)] },
  'GET /api/broadcasts': { probes: (z) => [get('/api/broadcasts', 200), get(`/api/broadcasts?workspace=${z.slug}`, 404)] },
  'POST /api/broadcasts': {
    probes: (z) => [post('/api/broadcasts', { text: 'intruder', selector: { groups: [z.room, z.lounge] } }, 400), post('/api/broadcasts', { workspace: z.slug, text: 'intruder', selector: {} }, 404)],
  },
  'GET /api/broadcasts/:id': { probes: (z) => [get(`/api/broadcasts/${z.broadcastId}`, 404)] },
  'POST /api/broadcasts/:id/cancel': { probes: (z) => [post(`/api/broadcasts/${z.broadcastId}/cancel`, {}, 404)] },
  'GET /api/alerts': { probes: (z) => [get('/api/alerts', 200), get(`/api/alerts?workspace=${z.slug}`, 404)] },
  'GET /api/openapi.json': { public: true, probes: () => [get('/api/openapi.json', 200)] },
  'GET /api/docs': { public: true, probes: () => [get('/api/docs', 200)] },
  'ALL /api/*': { public: true, probes: (z) => [get(`/api/workspaces/${z.slug}/members`, 404), post(`/api/groups/${z.lounge}/delete`, {}, 404)] },
};

describe.each(backends)('workspace isolation of every API route on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('has a case for every route the app serves, and no case for a route it lacks', async () => {
    const w = await twoWorkspaces(backend, cleanups);
    const served = [...new Set(w.app.routes.filter((r) => r.path === '/api' || r.path.startsWith('/api/')).map((r) => `${r.method} ${r.path}`))].sort();
    expect(served).toEqual(Object.keys(CASES).sort());
  });

  it("reads and writes nothing across workspaces: with another workspace's ids, with no session, with an expired one", { timeout: 120_000 }, async () => {
    const w = await twoWorkspaces(backend, cleanups);
    // The comparison covers every table of this database, the new ones included.
    expect([...(await snapshot(w.db)).keys()]).toEqual(expect.arrayContaining(['audit_log', 'chat_group', 'event', 'operator', 'outbox', 'session', 'workspace_member']));
    const z: ZetaIds = {
      ownerId: w.zetaOwner.id,
      invitationId: (await createInvitation(w.db, { workspaceId: w.zeta.id, email: 'zeta-invitee@zeta.test', role: 'analyst', invitedBy: w.zetaOwner.id }, T0)).info.id,
      slug: w.zeta.slug,
      workspaceId: w.zeta.id,
      lounge: w.zetaLounge.id,
      room: w.zetaRoom.id,
      tokenId: w.zetaToken.info.id,
      connectionId: w.zetaConnection.id,
      automationId: (await w.db.selectFrom('automation').select('id').where('workspace_id', '=', w.zeta.id).executeTakeFirstOrThrow()).id,
      memberId: (await w.db.selectFrom('member').select('id').where('workspace_id', '=', w.zeta.id).where('display_name', '=', 'zeta-member-xq').executeTakeFirstOrThrow()).id,
      outboxId: (await w.db.selectFrom('outbox').select('id').where('workspace_id', '=', w.zeta.id).orderBy('id').executeTakeFirstOrThrow()).id,
      webhookId: w.zetaWebhook.id,
      broadcastId: (
        await createBroadcast(
          w.db,
          { workspaceId: w.zeta.id, text: 'zeta secret words', link: null, selector: { groups: [w.zetaRoom.id] }, groupIds: [w.zetaRoom.id], sendAt: T0 + DAY, createdBy: null },
          T0,
        )
      ).id,
      chainId: (await startChain(w.db, { workspaceId: w.zeta.id, groupId: w.zetaRoom.id, title: 'Zeta secret words buy' }, T0)).id,
      drawId: (await createDraw(w.db, { workspaceId: w.zeta.id, groupId: w.zetaRoom.id, currency: null, total: 10, shares: 2, title: 'Zeta secret words draw' }, T0)).id,
      voteId: (await startVote(w.db, { workspaceId: w.zeta.id, groupId: w.zetaRoom.id, question: 'Zeta secret words vote', options: ['Zeta yes', 'Zeta no'], createdBy: 'zeta' }, T0)).id,
      ...(await zetaCoupon(w.db, w.zeta.id)),
      linkId: (await createLink(w.db, { workspaceId: w.zeta.id, campaign: 'Zeta secret words sale', channel: 'poster', targetUrl: 'https://zeta.example/zeta-ws' }, T0)).id,
      posterTemplateId: (await createPosterTemplate(w.db, { workspaceId: w.zeta.id, name: 'zeta secret words poster', design: DEFAULT_POSTER_DESIGN, createdBy: null }, T0)).id,
      campaignId: (await createCampaign(w.db, w.zeta.id, { name: 'zeta secret words fission', form: 'invite', targets: { groups: [w.zetaRoom.id] }, goal: 3 }, null, T0)).id,
      code: (await createLiveCode(w.db, { workspaceId: w.zeta.id, name: 'zeta-live', groupIds: [w.zetaLounge.id, w.zetaRoom.id] }, T0)).code,
      enforcementId: (
        await w.db
          .insertInto('enforcement')
          .values({
            workspace_id: w.zeta.id,
            group_id: w.zetaLounge.id,
            member_id: (await w.db.selectFrom('member').select('id').where('workspace_id', '=', w.zeta.id).where('display_name', '=', 'zeta-member-xq').executeTakeFirstOrThrow()).id,
            event_id: null,
            violation: 'contact',
            reasons: '[]',
            step: 0,
            step_kind: 'warn',
            step_seconds: null,
            strike: 1,
            text: 'zeta secret words',
            message_id: null,
            planned: '[]',
            fallback: null,
            group_ids: '[]',
            status: 'active',
            created_at: T0,
            expires_at: T0 + DAY,
            undone_at: null,
            undone_by: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
      moderationId: (
        await w.db
          .insertInto('moderation_item')
          .values({
            workspace_id: w.zeta.id,
            group_id: w.zetaLounge.id,
            member_id: null,
            event_id: (await w.db.selectFrom('event').select('id').where('workspace_id', '=', w.zeta.id).orderBy('id').executeTakeFirstOrThrow()).id,
            message_id: 'zeta-m1',
            text: 'zeta secret words',
            score: 0.9,
            reasons: '[]',
            planned: '[]',
            status: 'pending',
            created_at: T0,
            decided_at: null,
            decided_by: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
      importId: (
        await w.db
          .insertInto('import_job')
          .values({
            workspace_id: w.zeta.id,
            format: 'telegram-json',
            file_name: 'zeta-ws-export.json',
            file_bytes: 10,
            sha256: '0'.repeat(64),
            options: '{}',
            status: 'done',
            progress_bytes: 10,
            total_bytes: 10,
            events: 1,
            report: JSON.stringify({ groups: [{ title: 'Zeta Hidden Lounge' }] }),
            error: null,
            created_by: 'zeta-owner@zeta.test',
            created_at: T0,
            updated_at: T0,
            finished_at: T0,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    };
    const acmeOperators = new Set([w.acmeOwner.id]);
    const token = await w.tokenClient(w.acmeOwner.id, ['read', 'act', 'configure']);
    const expired = await sessionFor(w.app, w.db, w.acmeOwner.id, T0 - 31 * DAY);

    /** A change a call made with acme's own account may cause: acme's rows only. */
    const isAcmeOwn = (table: string, row: Record<string, unknown>) =>
      (table === 'session' && acmeOperators.has(row.operator_id as number)) ||
      (table === 'operator' && acmeOperators.has(row.id as number)) ||
      (table === 'audit_log' && row.workspace_id === w.acme.id) ||
      (table === 'login_attempt' && row.email === 'owner@acme.test');

    let calls = 0;
    async function probe(label: string, key: string, p: Probe, call: () => Response | Promise<Response>, expected: number, own: boolean) {
      const before = await snapshot(w.db);
      const res = await call();
      const text = await res.text();
      calls++;
      expect(res.status, `${label}: ${key} → ${text}`).toBe(expected);
      // What the caller sent may be echoed back ("no workspace \"zeta-ws\""); anything else of zeta's is a leak.
      const sent = `${p.path} ${JSON.stringify(p.body ?? '')}`;
      for (const marker of ZETA_MARKERS.filter((m) => !sent.includes(m))) expect(text, `${label}: ${key} leaked ${marker}`).not.toContain(marker);
      const changes = diffSnapshots(before, await snapshot(w.db));
      if (own) {
        for (const [table, { added, removed }] of Object.entries(changes)) {
          for (const row of [...added, ...removed]) expect(isAcmeOwn(table, row as Record<string, unknown>), `${label}: ${key} changed ${table} ${JSON.stringify(row)}`).toBe(true);
        }
      } else if (key === 'POST /api/auth/login') {
        // A failed sign-in is counted (rate limit) and, for a real account, audited in its own workspaces.
        for (const [table, { added, removed }] of Object.entries(changes)) {
          expect(removed, `${label}: ${key} removed from ${table}`).toEqual([]);
          expect(['login_attempt', 'audit_log'], `${label}: ${key} wrote ${table}`).toContain(table);
          if (table === 'audit_log') expect(added).toEqual([expect.objectContaining({ action: 'auth.login_failed', actor_kind: 'system' })]);
        }
      } else {
        expect(changes, `${label}: ${key} changed rows`).toEqual({});
      }
    }

    const send = (client: ApiClient | null, p: Probe) => () =>
      client
        ? client.request(p.method, p.path, p.body)
        : w.app.request(p.path, { method: p.method, ...(p.body !== undefined ? { body: JSON.stringify(p.body), headers: { 'content-type': 'application/json' } } : {}) });

    for (const [key, c] of Object.entries(CASES)) {
      for (const p of c.probes(z)) {
        if (c.public) {
          await probe('anonymous', key, p, send(null, p), p.session, false);
          continue;
        }
        // A fresh session for each call: some calls sign it out.
        const session = await sessionFor(w.app, w.db, w.acmeOwner.id, w.clock.t);
        await probe('acme owner session', key, p, send(session, p), p.session, c.ownAccount === true);
        await probe('acme token', key, p, send(token, p), p.token, false);
        await probe('no session', key, p, send(null, p), 401, false);
        await probe('expired session', key, p, send(expired, p), 401, false);
      }
    }
    expect(calls).toBeGreaterThan(100);
    // And zeta's own owner still sees all of zeta, untouched.
    expect((await w.zetaClient.json('/api/groups')).groups.map((g: { name: string }) => g.name)).toEqual(['Zeta Hidden Lounge', 'Zeta Private Room']);
  });
});
