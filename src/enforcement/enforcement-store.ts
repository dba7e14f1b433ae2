import type { Kysely, Transaction } from 'kysely';
import type { Action } from '../core/action.js';
import type { PlatformTraits } from '../core/capabilities.js';
import type { EnforcementRecord } from '../shared/enforcement-records.js';
import type { Database } from '../store/schema.js';
import { queueEnforcementActions } from './enforcement-outbox.js';
import { effectiveSettings, type EnforcementOverride, enforcementOverrideSchema, type EnforcementSettings, enforcementSettingsSchema } from './ladder.js';

type Db = Kysely<Database> | Transaction<Database>;

export type { EnforcementRecord };

/** The rule name an undo's outbox rows carry. */
export const ENFORCEMENT_UNDO_RULE = 'enforcement-undo';

export class EnforcementNotFoundError extends Error {
  override readonly name = 'EnforcementNotFound';
}

/** The enforcement was undone already. */
export class EnforcementAlreadyUndoneError extends Error {
  override readonly name = 'EnforcementAlreadyUndone';
}

/** A workspace's stored settings and its groups' overrides (a row that no longer reads is ignored, not fatal). */
export async function loadLadderRows(db: Db, workspaceId: number): Promise<{ workspace: EnforcementSettings | null; groups: Map<number, EnforcementOverride> }> {
  const rows = await db.selectFrom('enforcement_ladder').select(['scope_group_id', 'settings']).where('workspace_id', '=', workspaceId).execute();
  let workspace: EnforcementSettings | null = null;
  const groups = new Map<number, EnforcementOverride>();
  for (const row of rows) {
    const json = safeJson(row.settings);
    if (Number(row.scope_group_id) === 0) {
      const parsed = enforcementSettingsSchema.safeParse(json);
      if (parsed.success) workspace = parsed.data;
    } else {
      const parsed = enforcementOverrideSchema.safeParse(json);
      if (parsed.success) groups.set(Number(row.scope_group_id), parsed.data);
    }
  }
  return { workspace, groups };
}

/** What applies in a workspace, or in one of its groups: the settings, and the group's own override when it has one. */
export async function readLadder(db: Db, workspaceId: number, groupId?: number): Promise<{ settings: EnforcementSettings; override: EnforcementOverride | null }> {
  const rows = await loadLadderRows(db, workspaceId);
  const override = groupId !== undefined ? (rows.groups.get(groupId) ?? null) : null;
  return { settings: effectiveSettings(rows.workspace, override), override };
}

/** Replaces the workspace's settings. */
export async function saveWorkspaceLadder(db: Db, workspaceId: number, settings: EnforcementSettings, now: number): Promise<void> {
  await upsert(db, workspaceId, 0, JSON.stringify(settings), now);
}

/** Sets a group's override, or removes it (null) so the workspace's settings apply there again. */
export async function saveGroupLadder(db: Db, workspaceId: number, groupId: number, override: EnforcementOverride | null, now: number): Promise<void> {
  if (override === null) {
    await db.deleteFrom('enforcement_ladder').where('workspace_id', '=', workspaceId).where('scope_group_id', '=', groupId).execute();
    return;
  }
  await upsert(db, workspaceId, groupId, JSON.stringify(override), now);
}

async function upsert(db: Db, workspaceId: number, scope: number, settings: string, now: number): Promise<void> {
  await db
    .insertInto('enforcement_ladder')
    .values({ workspace_id: workspaceId, scope_group_id: scope, settings, updated_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'scope_group_id']).doUpdateSet({ settings, updated_at: now }))
    .execute();
}

/** A member's strikes that still count (active, not expired), across the workspace. */
export async function activeStrikes(db: Db, workspaceId: number, memberId: number, now: number): Promise<number> {
  const row = await db
    .selectFrom('enforcement')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('member_id', '=', memberId)
    .where('status', '=', 'active')
    .where('strike', '=', 1)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Whether a member is banned from the workspace: an active ban enforcement, until an operator undoes it. */
export async function isBanned(db: Db, workspaceId: number, memberId: number): Promise<boolean> {
  const row = await db
    .selectFrom('enforcement')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('member_id', '=', memberId)
    .where('status', '=', 'active')
    .where('step_kind', '=', 'ban')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The groups of the workspace a member is in now (their open stays), with each group's platform. */
export async function groupsOfMember(db: Db, workspaceId: number, memberId: number): Promise<{ id: number; platform: string }[]> {
  const rows = await db
    .selectFrom('membership as m')
    .innerJoin('chat_group as g', 'g.id', 'm.group_id')
    .select(['g.id', 'g.platform'])
    .distinct()
    .where('g.workspace_id', '=', workspaceId)
    .where('m.member_id', '=', memberId)
    .where('m.left_at', 'is', null)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), platform: r.platform }));
}

/** The workspace's enforcements, newest first; `groupIds` limits them to an operator's groups. */
export async function listEnforcements(
  db: Db,
  q: { workspaceId: number; groupIds?: number[] | null; group?: number; member?: number; status?: 'active' | 'undone' | 'all'; limit?: number },
): Promise<EnforcementRecord[]> {
  let query = db
    .selectFrom('enforcement as e')
    .innerJoin('chat_group as g', 'g.id', 'e.group_id')
    .leftJoin('member as p', 'p.id', 'e.member_id')
    .selectAll('e')
    .select(['g.name as group_name', 'g.platform', 'p.display_name as member_name'])
    .where('e.workspace_id', '=', q.workspaceId);
  if (q.status && q.status !== 'all') query = query.where('e.status', '=', q.status);
  if (q.group !== undefined) query = query.where('e.group_id', '=', q.group);
  if (q.member !== undefined) query = query.where('e.member_id', '=', q.member);
  if (q.groupIds) query = q.groupIds.length ? query.where('e.group_id', 'in', q.groupIds) : query.where(({ lit }) => lit(false));
  const rows = await query
    .orderBy('e.id', 'desc')
    .limit(q.limit ?? 200)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    groupId: Number(r.group_id),
    groupName: r.group_name,
    platform: r.platform,
    memberId: Number(r.member_id),
    memberName: r.member_name ?? null,
    violation: r.violation,
    reasons: stringList(r.reasons),
    step: Number(r.step) + 1,
    stepKind: r.step_kind as EnforcementRecord['stepKind'],
    stepSeconds: r.step_seconds === null ? null : Number(r.step_seconds),
    strike: Number(r.strike) === 1,
    text: r.text,
    messageId: r.message_id,
    planned: stringList(r.planned),
    fallback: r.fallback,
    groupIds: numberList(r.group_ids),
    status: r.status,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    undoneAt: r.undone_at === null ? null : Number(r.undone_at),
    undoneBy: r.undone_by,
  }));
}

/** The workspace and group an enforcement belongs to, for access checks. */
export async function enforcementOwner(db: Db, id: number): Promise<{ workspaceId: number; groupId: number } | null> {
  const row = await db.selectFrom('enforcement').select(['workspace_id', 'group_id']).where('id', '=', id).executeTakeFirst();
  return row ? { workspaceId: Number(row.workspace_id), groupId: Number(row.group_id) } : null;
}

/**
 * An operator undoes an enforcement: the strike stops counting, a mute is lifted and a
 * ban is lifted in every group it was carried out in (through the outbox, each through
 * its platform's capabilities), and the member is told in the group. A removal cannot
 * be reversed by Hearth: the member may join again. One transaction.
 */
export async function undoEnforcement(
  db: Kysely<Database>,
  id: number,
  options: { by: string; now: number; traitsOf: (platform: string) => PlatformTraits },
): Promise<{ id: number; planned: string[]; fallbacks: string[] }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('enforcement as e')
      .innerJoin('chat_group as g', 'g.id', 'e.group_id')
      .leftJoin('member as p', 'p.id', 'e.member_id')
      .selectAll('e')
      .select(['g.platform', 'p.display_name as member_name'])
      .where('e.id', '=', id)
      .executeTakeFirst();
    if (!row) throw new EnforcementNotFoundError(`no enforcement ${id}`);
    if (row.status !== 'active') throw new EnforcementAlreadyUndoneError(`enforcement ${id} was undone already`);
    const updated = await trx
      .updateTable('enforcement')
      .set({ status: 'undone', undone_at: options.now, undone_by: options.by })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new EnforcementAlreadyUndoneError(`enforcement ${id} was undone already`);

    const memberId = Number(row.member_id);
    const workspaceId = Number(row.workspace_id);
    const groupId = Number(row.group_id);
    const items: { group: { id: number; platform: string }; action: Action }[] = [];
    const planned = stringList(row.planned);
    // A mute that ran (or that an operator was asked to do by hand), not one the ladder's fallback replaced by a removal.
    const muted = row.step_kind === 'mute' && !planned.includes('remove_member') && (planned.includes('mute_member') || planned.includes('alert_operator'));
    if (muted) items.push({ group: { id: groupId, platform: row.platform }, action: { type: 'unmute_member', groupId, memberId } });
    if (row.step_kind === 'ban') {
      const ids = numberList(row.group_ids);
      const groups = ids.length ? await trx.selectFrom('chat_group').select(['id', 'platform']).where('id', 'in', ids).execute() : [];
      for (const g of groups) items.push({ group: { id: Number(g.id), platform: g.platform }, action: { type: 'unban_member', groupId: Number(g.id), memberId } });
    }
    const name = row.member_name ?? `member #${memberId}`;
    const { settings } = await readLadder(trx, workspaceId, groupId);
    const text = settings.language === 'en' ? `@${name} an operator has lifted the action taken against you; the warning no longer counts.` : `@${name} 管理员已撤销对你的处理，此次警告不再计入。`;
    items.push({ group: { id: groupId, platform: row.platform }, action: { type: 'send_message', groupId, text, mentions: [memberId] } });
    const queued = await queueEnforcementActions(
      trx,
      { workspaceId, keyPrefix: `enf-undo:${id}:`, rule: ENFORCEMENT_UNDO_RULE, now: options.now, traitsOf: options.traitsOf, memberName: (m) => (m === memberId ? name : undefined) },
      items,
    );
    return { id, planned: queued.planned, fallbacks: queued.fallbacks };
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function stringList(json: string): string[] {
  const v = safeJson(json);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function numberList(json: string): number[] {
  const v = safeJson(json);
  return Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
}
