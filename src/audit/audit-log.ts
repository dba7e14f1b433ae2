import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AuditLogTable, Database } from '../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;
type AuditRow = Selectable<AuditLogTable>;

/** Who did it: an operator (dashboard), a token (script), a rule (automation), or Hearth itself (CLI, start-up). */
export interface AuditActor {
  kind: AuditLogTable['actor_kind'];
  id: number | null;
  label: string;
}

/** One thing that happened, as recorded. */
export interface AuditRecord {
  workspaceId: number | null;
  actor: AuditActor;
  /** Dotted verb: `sandbox.say`, `token.created`, `moderation.ban_member`… */
  action: string;
  target?: { kind: string; id: string | number } | null;
  groupId?: number | null;
  /** Evidence and parameters; never secrets (no passwords, no tokens). */
  detail?: Record<string, unknown>;
}

/** The system actor for work done by Hearth's own commands. */
export const SYSTEM_ACTOR = (label: string): AuditActor => ({ kind: 'system', id: null, label });

/**
 * Appends entries to the audit log. There is no update or delete anywhere in the code,
 * and the database refuses them (triggers, see migration 0002).
 */
export async function recordAudit(db: Db, records: AuditRecord | readonly AuditRecord[], at: number): Promise<void> {
  const list = Array.isArray(records) ? (records as readonly AuditRecord[]) : [records as AuditRecord];
  if (list.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      list.map((r) => ({
        workspace_id: r.workspaceId,
        at,
        actor_kind: r.actor.kind,
        actor_id: r.actor.id,
        actor_label: r.actor.label.slice(0, 300),
        action: r.action,
        target_kind: r.target?.kind ?? null,
        target_id: r.target ? String(r.target.id).slice(0, 300) : null,
        group_id: r.groupId ?? null,
        detail: JSON.stringify(r.detail ?? {}),
      })),
    )
    .execute();
}

/** What to search for; every field narrows. */
export interface AuditQuery {
  workspaceId: number;
  /** Null: every group and workspace-wide entries; a list: only entries about those groups. */
  groupIds: readonly number[] | null;
  /** Matches the actor's label (email, token, rule name) or `kind:id`. */
  actor?: string;
  /** Exact action, or a prefix ending in `.` (`sandbox.`). */
  action?: string;
  /** `kind:id` or just an id or kind. */
  target?: string;
  group?: number;
  from?: number;
  to?: number;
  /** Free text over action, actor, target and evidence, case-insensitive. */
  text?: string;
  /** Entries older than this id (the previous page's `next`). */
  before?: number;
  limit: number;
}

/** The newest entries matching a query, and the cursor of the next (older) page. */
export async function searchAudit(db: Db, query: AuditQuery): Promise<{ entries: AuditRow[]; next: number | null }> {
  let q = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', query.workspaceId);
  if (query.groupIds) q = q.where('group_id', 'in', query.groupIds.length ? [...query.groupIds] : [-1]);
  if (query.group !== undefined) q = q.where('group_id', '=', query.group);
  if (query.actor) {
    const actor = query.actor;
    const byRef = /^(operator|token|rule|system):(\d+)$/.exec(actor);
    q = byRef ? q.where('actor_kind', '=', byRef[1] as AuditActor['kind']).where('actor_id', '=', Number(byRef[2])) : q.where(sql<boolean>`lower(actor_label) like ${likePattern(actor)} escape '\\'`);
  }
  if (query.action) q = query.action.endsWith('.') ? q.where(sql<boolean>`action like ${`${escapeLike(query.action)}%`} escape '\\'`) : q.where('action', '=', query.action);
  if (query.target) {
    const [kind, ...rest] = query.target.split(':');
    const id = rest.join(':');
    if (rest.length && kind) q = q.where('target_kind', '=', kind).where('target_id', '=', id);
    else q = q.where((eb) => eb.or([eb('target_id', '=', query.target!), eb('target_kind', '=', query.target!)]));
  }
  if (query.from !== undefined) q = q.where('at', '>=', query.from);
  if (query.to !== undefined) q = q.where('at', '<', query.to);
  if (query.text) {
    const p = likePattern(query.text);
    q = q.where(
      sql<boolean>`(lower(action) like ${p} escape '\\' or lower(actor_label) like ${p} escape '\\' or lower(coalesce(target_kind, '') || ':' || coalesce(target_id, '')) like ${p} escape '\\' or lower(detail) like ${p} escape '\\')`,
    );
  }
  if (query.before !== undefined) q = q.where('id', '<', query.before);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const entries = rows.slice(0, query.limit);
  return { entries, next: rows.length > query.limit ? entries.at(-1)!.id : null };
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function likePattern(value: string): string {
  return `%${escapeLike(value.toLowerCase())}%`;
}

/** An entry as the API and exports present it. */
export interface PresentedAuditEntry {
  id: number;
  at: string;
  actor: AuditActor;
  action: string;
  target: { kind: string; id: string } | null;
  groupId: number | null;
  detail: Record<string, unknown>;
}

export function presentAuditEntry(row: AuditRow): PresentedAuditEntry {
  let detail: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(row.detail);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) detail = parsed as Record<string, unknown>;
  } catch {
    // Stored by recordAudit as JSON; an unreadable one is shown empty rather than failing the page.
  }
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    actor: { kind: row.actor_kind, id: row.actor_id, label: row.actor_label },
    action: row.action,
    target: row.target_kind !== null ? { kind: row.target_kind, id: row.target_id ?? '' } : null,
    groupId: row.group_id,
    detail,
  };
}

const CSV_COLUMNS = ['id', 'at', 'actor_kind', 'actor_id', 'actor', 'action', 'target_kind', 'target_id', 'group_id', 'detail'] as const;

/**
 * Entries as CSV (RFC 4180, UTF-8 with a BOM so spreadsheet programs read Chinese
 * correctly). Cells that a spreadsheet would run as a formula are prefixed with `'`.
 */
export function auditCsv(entries: readonly PresentedAuditEntry[]): string {
  const cell = (value: unknown): string => {
    let s = value === null || value === undefined ? '' : String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of entries) {
    lines.push([e.id, e.at, e.actor.kind, e.actor.id, e.actor.label, e.action, e.target?.kind, e.target?.id, e.groupId, JSON.stringify(e.detail)].map(cell).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
