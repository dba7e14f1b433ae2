import type { OutboxEntry, OutboxStatus, RuleProblemInfo as RuleProblem } from '../../src/shared/api-records.js';
import type { AlertRecord } from '../../src/shared/alert-records.js';
import type { ModerationRecord } from '../../src/shared/moderation-records.js';
import type { GroupLayersRecord } from './health/layers-api.js';
import type { GroupHealthRecord } from './health/health-api.js';
import type { ChainRecord, ChainSummary, NewChainInput } from './chains/chain-api.js';

export type { OutboxEntry, OutboxStatus, RuleProblem };

/**
 * Typed client for Hearth's JSON API. Every function throws {@link ApiError} on
 * failure, whose message names the method, route and HTTP status so the pages can
 * say exactly what failed.
 */

/** A workspace as listed by `GET /api/workspaces`, with the caller's role in it. */
export interface Workspace {
  id: number;
  slug: string;
  name: string;
  role?: string;
}

/** Who is signed in (`GET /api/auth/session`, and the answer to a sign-in). */
export interface SessionInfo {
  operator: { id: number; email: string };
  via: 'session' | 'token';
  csrfToken: string | null;
  expiresAt: string | null;
  workspaces: Array<Workspace & { role: string; permissions: string[]; groups: 'all' | number[] }>;
}

/** One audit log entry. Labels and details are attacker-influenced text: render them as text only. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: { kind: 'operator' | 'token' | 'rule' | 'system'; id: number | null; label: string };
  action: string;
  target: { kind: string; id: string } | null;
  groupId: number | null;
  detail: Record<string, unknown>;
}

/** The audit log's filters, as the search and the export take them. */
export interface AuditFilters {
  q?: string;
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
}

/** Per-day counters; the same four figures appear for "today" and "last 7 days". */
export interface ActivityFigures {
  messages: number;
  activeMembers: number;
  joins: number;
  leaves: number;
}

/** Daily series aligned with a `days` array (oldest first, last entry is today). */
export interface ActivitySeries {
  messages: number[];
  activeMembers: number[];
  joins: number[];
  leaves: number[];
}

/** One row of the overview's group table. */
export interface GroupSummary {
  id: number;
  name: string;
  platform: string;
  type: string | null;
  timezone: string;
  members: number;
  lastMessageAt: string | null;
  today: ActivityFigures;
  last7: ActivityFigures;
  /** Messages per day, aligned with the overview's `days`. */
  daily: number[];
}

/** Workspace totals for the current day. */
export interface OverviewTotals {
  groups: number;
  members: number;
  messagesToday: number;
  activeToday: number;
  joinsToday: number;
  leavesToday: number;
}

/** `GET /api/workspaces/:ws/overview`. */
export interface Overview {
  workspace: Workspace;
  asOf: string;
  days: string[];
  totals: OverviewTotals;
  series: ActivitySeries;
  groups: GroupSummary[];
}

/** A group's profile as shown on its page. */
export interface GroupProfile {
  id: number;
  name: string;
  platform: string;
  type: string | null;
  purpose: string | null;
  theme: string | null;
  audience: string | null;
  timezone: string;
  members: number;
}

/** A group's positioning and sets (`GET /api/groups/:id`), as its profile card shows and edits them. */
export interface GroupDetail {
  id: number;
  name: string;
  platform: string;
  purpose: string | null;
  type: string | null;
  theme: string | null;
  audience: string | null;
  promise: string | null;
  namingRule: string | null;
  timezone: string;
  sets: string[];
}

/** What the profile card sends: the fields changed, null clearing one. */
export type GroupProfileChange = Partial<Pick<GroupDetail, 'purpose' | 'type' | 'theme' | 'audience' | 'promise' | 'namingRule' | 'timezone'>>;

/** `GET /api/groups/:id/activity`. */
export interface GroupActivity {
  group: GroupProfile;
  days: string[];
  series: ActivitySeries;
  today: ActivityFigures;
  last7: ActivityFigures;
}

/** A sandbox group the operator can chat in. */
export interface SandboxGroup {
  id: number;
  name: string;
}

/** What a sandbox log entry records. */
export type SandboxEntryKind = 'message' | 'join' | 'leave' | 'reaction' | 'rename';

/** One line of a sandbox group's conversation (oldest first). */
export interface SandboxEntry {
  id: string;
  at: string;
  kind: SandboxEntryKind;
  from: { id: string; name: string; bot: boolean };
  text: string | null;
  replyTo: string | null;
}

/** An action the bot took in response; only `type` (and usually `text`) is relied on. */
export interface BotAction {
  type: string;
  text?: string;
  [key: string]: unknown;
}

/** Response of the sandbox say/join/leave endpoints. */
export interface SandboxActionsResponse {
  actions: BotAction[];
}

/** The kinds of automation the dashboard edits. */
export type AutomationKind = 'welcome' | 'keyword-reply';

/**
 * One automation of a workspace (`GET /api/automations`). `config` is stored JSON as the
 * server validated it; older rows may omit fields that have defaults, so read it through
 * the normalizers in automation-config.ts.
 */
export interface Automation {
  id: number;
  workspaceId: number;
  /** Null: every group of the workspace (a group's own rule of the same kind replaces it there). */
  groupId: number | null;
  kind: string;
  config: unknown;
  enabled: boolean;
}

/** A group as `GET /api/groups` lists it. */
export interface GroupListItem {
  id: number;
  name: string;
  platform: string;
  type: string | null;
  timezone: string;
  workspace: { id: number; slug: string };
  purpose?: string | null;
  /** The group sets it is in. */
  sets?: string[];
}

/** A failed API call: which request, which status, and the server's own message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly method: string,
    readonly route: string,
    /** HTTP status, or 0 when no response arrived (network down, server stopped). */
    readonly status: number,
    readonly statusText: string,
    /** The server's `{ "error": … }` message, if it sent one. */
    readonly detail: string | null,
  ) {
    const what = status === 0 ? 'network error' : `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
    super(`${method} ${route} → ${what}${detail ? `: ${detail}` : ''}`);
  }
}

/** The session's CSRF token, sent back on every state-changing request. */
let csrfToken: string | null = null;

/** The session's CSRF token, for a request this module does not make itself (an upload that reports its progress). */
export function currentCsrfToken(): string | null {
  return csrfToken;
}

/** Fired on `window` when the server answers 401: the session ended, the app shows the sign-in page. */
export const UNAUTHORIZED_EVENT = 'hearth:unauthorized';

export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', route: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  const headers: Record<string, string> = body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' };
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  try {
    response = await fetch(route, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
      // Same-origin API; never send credentials elsewhere.
      credentials: 'same-origin',
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError(method, route, 0, '', cause instanceof Error ? cause.message : null);
  }
  const text = await response.text();
  let json: unknown;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      // A proxy error page or an unbuilt route answers HTML; report the status instead.
    }
  }
  if (response.status === 401 && route !== '/api/auth/login') window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
  if (!response.ok) {
    const detail = json && typeof json === 'object' && typeof (json as { error?: unknown }).error === 'string' ? (json as { error: string }).error : null;
    throw new ApiError(method, route, response.status, response.statusText, detail);
  }
  if (json === undefined || json === null || typeof json !== 'object') {
    throw new ApiError(method, route, response.status, response.statusText, 'response is not a JSON object');
  }
  return json as T;
}

const enc = encodeURIComponent;

/** Who is signed in; a 401 means nobody (the sign-in page is shown). Remembers the CSRF token. */
export async function fetchSession(signal?: AbortSignal): Promise<SessionInfo> {
  const session = await request<SessionInfo>('GET', '/api/auth/session', undefined, signal);
  csrfToken = session.csrfToken;
  return session;
}

/** Signs in; the server sets the session cookie (HttpOnly: this code never sees it). */
export async function signIn(email: string, password: string): Promise<SessionInfo> {
  const session = await request<SessionInfo>('POST', '/api/auth/login', { email, password });
  csrfToken = session.csrfToken;
  return session;
}

/** Whether the first-run setup is needed: nobody can sign in yet. */
export function fetchSetupState(signal?: AbortSignal): Promise<{ needed: boolean }> {
  return request<{ needed: boolean }>('GET', '/api/setup', undefined, signal);
}

/** The first run: creates the owner and the workspace with the printed token, and signs the owner in. */
export async function completeSetup(input: { token: string; email: string; password: string; workspace: string }): Promise<SessionInfo & { workspace: Workspace }> {
  const session = await request<SessionInfo & { workspace: Workspace }>('POST', '/api/setup', input);
  csrfToken = session.csrfToken;
  return session;
}

/** Signs out this browser (`everywhere`: every session of the operator). */
export async function signOut(everywhere = false): Promise<void> {
  try {
    await request('POST', everywhere ? '/api/auth/logout-all' : '/api/auth/logout', {});
  } finally {
    csrfToken = null;
  }
}

function auditQuery(ws: string, filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams({ workspace: ws });
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  return params;
}

/** Searches a workspace's audit log, newest first; `before` pages to older entries. */
export function fetchAudit(ws: string, filters: AuditFilters, before: number | null, signal?: AbortSignal): Promise<{ entries: AuditEntry[]; next: number | null }> {
  const params = auditQuery(ws, filters);
  params.set('limit', '50');
  if (before !== null) params.set('before', String(before));
  return request('GET', `/api/audit?${params.toString()}`, undefined, signal);
}

/** The download link of the audit log with these filters (a plain GET, so the browser saves the file). */
export function auditExportHref(ws: string, filters: AuditFilters, format: 'csv' | 'json'): string {
  const params = auditQuery(ws, filters);
  params.set('format', format);
  return `/api/audit/export?${params.toString()}`;
}

/** Lists the workspaces this server hosts. */
export function fetchWorkspaces(signal?: AbortSignal): Promise<{ workspaces: Workspace[] }> {
  return request('GET', '/api/workspaces', undefined, signal);
}

/** Loads a workspace's totals, daily series and group table. */
export function fetchOverview(ws: string, days: number, signal?: AbortSignal): Promise<Overview> {
  return request('GET', `/api/workspaces/${enc(ws)}/overview?days=${days}`, undefined, signal);
}

/** Loads one group's profile and activity. */
export function fetchGroupActivity(groupId: number, days: number, signal?: AbortSignal): Promise<GroupActivity> {
  return request('GET', `/api/groups/${groupId}/activity?days=${days}`, undefined, signal);
}

/** A group's life-cycle stage, health score and the daily figures behind them (docs/metrics.md). */
export function fetchGroupHealth(groupId: number, signal?: AbortSignal): Promise<GroupHealthRecord> {
  return request('GET', `/api/groups/${groupId}/health`, undefined, signal);
}

/** A group's member layers and opinion-leader candidates as of today (docs/metrics.md, "Member layers"). */
export function fetchGroupLayers(groupId: number, signal?: AbortSignal): Promise<GroupLayersRecord> {
  return request('GET', `/api/groups/${groupId}/layers?limit=20`, undefined, signal);
}

/** A group's chain sign-ups, newest first. */
export function fetchGroupChains(groupId: number, signal?: AbortSignal): Promise<{ chains: ChainSummary[] }> {
  return request('GET', `/api/groups/${groupId}/chains`, undefined, signal);
}

/** One chain with its entries in order. */
export function fetchChain(id: number, signal?: AbortSignal): Promise<ChainRecord> {
  return request('GET', `/api/chains/${id}`, undefined, signal);
}

/** Starts a chain in a group; the bot posts its list. */
export function startChain(groupId: number, input: NewChainInput): Promise<ChainRecord> {
  return request('POST', `/api/groups/${groupId}/chains`, input);
}

/** Closes a chain; the bot posts the final list. */
export function closeChain(id: number): Promise<ChainRecord> {
  return request('POST', `/api/chains/${id}/close`, {});
}

/** Lists the sandbox groups the operator can chat in. */
export function fetchSandboxGroups(signal?: AbortSignal): Promise<{ groups: SandboxGroup[] }> {
  return request('GET', '/api/sandbox/groups', undefined, signal);
}

/** Loads the latest entries of a sandbox group's conversation, oldest first. */
export function fetchSandboxLog(groupId: number, limit: number, signal?: AbortSignal): Promise<{ entries: SandboxEntry[] }> {
  return request('GET', `/api/sandbox/groups/${groupId}/log?limit=${limit}`, undefined, signal);
}

/** Posts a message as a (simulated) member; resolves to what the bot did. */
export function sandboxSay(groupId: number, member: string, text: string): Promise<SandboxActionsResponse> {
  return request('POST', `/api/sandbox/groups/${groupId}/say`, { member, text });
}

/** Makes a member join, optionally with an invite code. */
export function sandboxJoin(groupId: number, member: string, code?: string): Promise<SandboxActionsResponse> {
  return request('POST', `/api/sandbox/groups/${groupId}/join`, code ? { member, code } : { member });
}

/** Makes a member leave. */
export function sandboxLeave(groupId: number, member: string): Promise<SandboxActionsResponse> {
  return request('POST', `/api/sandbox/groups/${groupId}/leave`, { member });
}

/** Lists a workspace's groups (only those the caller may see). */
export function fetchGroups(ws: string, signal?: AbortSignal): Promise<{ groups: GroupListItem[] }> {
  return request('GET', `/api/groups?workspace=${enc(ws)}`, undefined, signal);
}

/** Lists a workspace's automations: the welcome message, keyword replies, and groups' own rules. */
export function fetchAutomations(ws: string, signal?: AbortSignal): Promise<{ automations: Automation[] }> {
  return request('GET', `/api/automations?workspace=${enc(ws)}`, undefined, signal);
}

/** What went wrong in the workspace's rules, most recent first (the caller's groups only). */
export function fetchAutomationProblems(ws: string, signal?: AbortSignal): Promise<{ problems: RuleProblem[] }> {
  return request('GET', `/api/automations/problems?workspace=${enc(ws)}`, undefined, signal);
}

/** Adds an automation to a workspace, or to one of its groups; the server validates the config (400 names the field). */
export function addAutomation(input: { workspace: string; groupId?: number; kind: AutomationKind; config: unknown }): Promise<{ automation: Automation }> {
  return request('POST', '/api/automations', input);
}

/** Changes an automation's config and/or switches it on or off. */
export function changeAutomation(id: number, change: { config?: unknown; enabled?: boolean }): Promise<{ automation: Automation }> {
  return request('PATCH', `/api/automations/${id}`, change);
}

/** Removes an automation. */
export function removeAutomation(id: number): Promise<{ removed: number }> {
  return request('DELETE', `/api/automations/${id}`);
}

/** A workspace's outbox rows of one status, newest first; `before` pages to older rows. */
export function fetchOutbox(ws: string, status: OutboxStatus, before: number | null, signal?: AbortSignal): Promise<{ entries: OutboxEntry[]; next: number | null }> {
  const params = new URLSearchParams({ workspace: ws, status, limit: '50' });
  if (before !== null) params.set('before', String(before));
  return request('GET', `/api/outbox?${params}`, undefined, signal);
}

export type { AlertRecord };

/** A workspace's alerts, newest first (silence…); `kind` and `group` narrow them. */
export function fetchAlerts(ws: string, filters: { kind?: string; group?: number }, signal?: AbortSignal): Promise<{ alerts: AlertRecord[] }> {
  const params = new URLSearchParams({ workspace: ws });
  if (filters.kind) params.set('kind', filters.kind);
  if (filters.group !== undefined) params.set('group', String(filters.group));
  return request('GET', `/api/alerts?${params}`, undefined, signal);
}

/** Puts a parked row back in line (`requeue`) or gives it up (`discard`). */
export function decideParked(id: number, decision: 'requeue' | 'discard'): Promise<{ id: number; status: OutboxStatus }> {
  return request('POST', `/api/outbox/${enc(String(id))}/${decision}`, {});
}

export function fetchGroup(groupId: number, signal?: AbortSignal): Promise<{ group: GroupDetail }> {
  return request('GET', `/api/groups/${groupId}`, undefined, signal);
}

export function changeGroupProfile(groupId: number, change: GroupProfileChange): Promise<{ profile: Omit<GroupDetail, 'id' | 'name' | 'platform' | 'sets'> }> {
  return request('PATCH', `/api/groups/${groupId}/profile`, change);
}

export function setGroupSets(groupId: number, sets: string[]): Promise<{ sets: string[] }> {
  return request('PUT', `/api/groups/${groupId}/sets`, { sets });
}

export function fetchGroupSets(ws: string, signal?: AbortSignal): Promise<{ sets: { tag: string; groups: number }[] }> {
  return request('GET', `/api/group-sets?workspace=${enc(ws)}`, undefined, signal);
}

export type { ModerationRecord };

/** The moderation queue: messages the spam rule took down (`status`: pending by default, or all). */
export function fetchModeration(ws: string, status: 'pending' | 'approved' | 'dismissed' | 'all', signal?: AbortSignal): Promise<{ items: ModerationRecord[] }> {
  return request('GET', `/api/moderation?workspace=${encodeURIComponent(ws)}&status=${status}`, undefined, signal);
}

/** Confirms (approve: it was spam) or overturns (dismiss: it was not) a queued message. */
export function decideModerationItem(id: number, verb: 'approve' | 'dismiss'): Promise<{ id: number; status: string }> {
  return request('POST', `/api/moderation/${id}/${verb}`);
}

export type { CodeStatus as GrowthCode } from '../../src/shared/growth-records.js';
import type { CodeStatus as GrowthCodeRecord } from '../../src/shared/growth-records.js';

/** A workspace's invitation codes and live codes, newest first, with scans, joins and fill. */
export function fetchGrowthCodes(ws: string, signal?: AbortSignal): Promise<{ codes: GrowthCodeRecord[] }> {
  return request('GET', `/api/growth/codes?${new URLSearchParams({ workspace: ws })}`, undefined, signal);
}
