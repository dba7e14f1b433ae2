import { alertRouteDocs } from '../routes/alert-routes.js';
import { auditRouteDocs } from '../routes/audit-routes.js';
import { authRouteDocs } from '../routes/auth-routes.js';
import { automationRouteDocs } from '../routes/automation-routes.js';
import { chainRouteDocs } from '../routes/chain-routes.js';
import { couponRouteDocs } from '../routes/coupon-routes.js';
import { drawRouteDocs } from '../routes/draw-routes.js';
import { voteRouteDocs } from '../routes/vote-routes.js';
import { pointsRouteDocs } from '../routes/points-routes.js';
import { linkRouteDocs } from '../routes/link-routes.js';
import { campaignRouteDocs } from '../routes/campaign-routes.js';
import { broadcastRouteDocs } from '../routes/broadcast-routes.js';
import { connectionRouteDocs } from '../routes/connection-routes.js';
import { groupProfileRouteDocs } from '../routes/group-profile-routes.js';
import { groupRolesRouteDocs } from '../routes/group-roles-routes.js';
import { groupRouteDocs } from '../routes/group-routes.js';
import { growthRouteDocs } from '../routes/growth-routes.js';
import { posterRouteDocs } from '../routes/poster-routes.js';
import { healthRouteDocs } from '../routes/health-routes.js';
import { retentionRouteDocs } from '../routes/retention-routes.js';
import { importRouteDocs } from '../routes/import-routes.js';
import { moderationRouteDocs } from '../routes/moderation-routes.js';
import { enforcementRouteDocs } from '../routes/enforcement-routes.js';
import { outboxRouteDocs } from '../routes/outbox-routes.js';
import { platformRouteDocs } from '../routes/platform-routes.js';
import { privacyRouteDocs } from '../routes/privacy-routes.js';
import { memberRouteDocs } from '../routes/member-routes.js';
import { sandboxRouteDocs } from '../routes/sandbox-routes.js';
import { setupRouteDocs } from '../routes/setup-routes.js';
import { teamRouteDocs } from '../routes/team-routes.js';
import { tokenRouteDocs } from '../routes/token-routes.js';
import { webhookRouteDocs } from '../routes/webhook-routes.js';
import { workspaceRouteDocs } from '../routes/workspace-routes.js';
import type { RouteDocs } from './route-doc.js';

/** The reference's own two routes. */
export const referenceRouteDocs: RouteDocs = {
  tag: 'reference',
  routes: [
    { method: 'get', path: '/openapi.json', summary: 'This API as an OpenAPI 3 document', access: 'public' },
    { method: 'get', path: '/docs', summary: 'This API as a readable reference page', access: 'public', produces: 'text/html' },
  ],
};

/**
 * Every route file's descriptions, in the reference's order. A route file added to
 * the app adds its `…RouteDocs` here (test/openapi.test.ts fails until it does).
 */
export const API_ROUTE_DOCS: readonly RouteDocs[] = [
  authRouteDocs,
  setupRouteDocs,
  workspaceRouteDocs,
  groupRouteDocs,
  groupProfileRouteDocs,
  groupRolesRouteDocs,
  healthRouteDocs,
  retentionRouteDocs,
  sandboxRouteDocs,
  chainRouteDocs,
  couponRouteDocs,
  drawRouteDocs,
  voteRouteDocs,
  pointsRouteDocs,
  linkRouteDocs,
  campaignRouteDocs,
  broadcastRouteDocs,
  tokenRouteDocs,
  teamRouteDocs,
  auditRouteDocs,
  connectionRouteDocs,
  automationRouteDocs,
  memberRouteDocs,
  privacyRouteDocs,
  outboxRouteDocs,
  moderationRouteDocs,
  enforcementRouteDocs,
  alertRouteDocs,
  growthRouteDocs,
  posterRouteDocs,
  platformRouteDocs,
  webhookRouteDocs,
  importRouteDocs,
  referenceRouteDocs,
];
