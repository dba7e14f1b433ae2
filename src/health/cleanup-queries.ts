import type { Kysely } from 'kysely';
import { type AuditActor, recordAudit } from '../audit/audit-log.js';
import type { PlatformTraits } from '../core/capabilities.js';
import { queueEnforcementActions } from '../enforcement/enforcement-outbox.js';
import { STAFF_ROLES } from '../groups/staffing-checks.js';
import type { CleanupAction, CleanupOutcome, GroupCleanup } from '../shared/retention-records.js';
import type { Database } from '../store/schema.js';
import { type CleanupCandidate, type CleanupCriteria, cleanupCounts, cleanupList, DEFAULT_CLEANUP_CRITERIA, DISMISS_DAYS } from './cleanup-list.js';

export type { CleanupAction, CleanupOutcome, GroupCleanup } from '../shared/retention-records.js';

const DAY_MS = 86_400_000;

/** A group as the cleanup list needs it. */
export interface CleanupGroup {
  id: number;
  workspace_id: number;
  platform: string;
}

/**
 * A group's cleanup list as of `now` (docs/metrics.md, "Cleanup list"): the members in
 * the group now (bots left out) with their last message, their enforcements in the
 * group not undone and their messages in the moderation queue not overturned, both in
 * the period; staff (owner, administrator, official account) and members removed or
 * dismissed within the last 90 days are left out.
 */
export async function groupCleanup(db: Kysely<Database>, group: CleanupGroup, now: number, criteria: CleanupCriteria = DEFAULT_CLEANUP_CRITERIA, limit = 200): Promise<GroupCleanup> {
  const since = now - criteria.periodDays * DAY_MS;
  const [present, enforcements, spam, staff, decisions] = await Promise.all([
    db
      .selectFrom('membership as s')
      .innerJoin('member as m', 'm.id', 's.member_id')
      .leftJoin('member_group_total as t', (j) => j.onRef('t.group_id', '=', 's.group_id').onRef('t.member_id', '=', 's.member_id'))
      .select(['s.member_id', 's.joined_at', 'm.display_name', 't.last_message_at'])
      .where('s.group_id', '=', group.id)
      .where('s.left_at', 'is', null)
      .where('m.is_bot', '=', 0)
      .execute(),
    db.selectFrom('enforcement').select(['member_id', 'violation', 'created_at']).where('group_id', '=', group.id).where('status', '=', 'active').where('created_at', '>=', since).execute(),
    db
      .selectFrom('moderation_item')
      .select(['member_id', 'score', 'created_at'])
      .where('group_id', '=', group.id)
      .where('status', '!=', 'dismissed')
      .where('member_id', 'is not', null)
      .where('created_at', '>=', since)
      .execute(),
    db.selectFrom('group_member_role').select('member_id').where('group_id', '=', group.id).where('role', 'in', STAFF_ROLES).execute(),
    db.selectFrom('cleanup_decision').select(['member_id', 'until']).where('group_id', '=', group.id).where('until', '>', now).execute(),
  ]);
  const candidates = new Map<number, CleanupCandidate & { enforcements: { violation: string; at: number }[]; spamHits: { score: number; at: number }[] }>();
  const staffIds = new Set(staff.map((s) => s.member_id));
  const dismissed = new Map<number, number>();
  for (const d of decisions) dismissed.set(d.member_id, Math.max(dismissed.get(d.member_id) ?? 0, Number(d.until)));
  for (const p of present) {
    const existing = candidates.get(p.member_id);
    // two open stays cannot happen, but if they did the later one decides
    if (existing && existing.joinedAt >= Number(p.joined_at)) continue;
    candidates.set(p.member_id, {
      memberId: p.member_id,
      displayName: p.display_name,
      joinedAt: Number(p.joined_at),
      lastMessageAt: p.last_message_at === null ? null : Number(p.last_message_at),
      enforcements: [],
      spamHits: [],
      staff: staffIds.has(p.member_id),
      dismissedUntil: dismissed.get(p.member_id) ?? null,
    });
  }
  for (const e of enforcements) candidates.get(e.member_id)?.enforcements.push({ violation: e.violation, at: Number(e.created_at) });
  for (const s of spam) if (s.member_id !== null) candidates.get(s.member_id)?.spamHits.push({ score: Number(s.score), at: Number(s.created_at) });
  const entries = cleanupList([...candidates.values()], now, criteria);
  return { groupId: group.id, criteria, counts: cleanupCounts(entries), total: entries.length, entries: entries.slice(0, limit) };
}

/** Some of the members asked for are not on the group's cleanup list (any more): nothing was done. */
export class NotOnCleanupListError extends Error {
  override readonly name = 'NotOnCleanupListError';
  constructor(readonly memberIds: readonly number[]) {
    super(`member${memberIds.length === 1 ? '' : 's'} ${memberIds.join(', ')} ${memberIds.length === 1 ? 'is' : 'are'} not on this group's cleanup list (staff, dismissed, gone or no reason holds)`);
  }
}

/**
 * Removes or dismisses members on a group's cleanup list, all or nothing: each must
 * be on the list as it stands (with `criteria`), else {@link NotOnCleanupListError} and
 * nothing is stored. A removal queues `remove_member` in the outbox, through the
 * platform's capabilities (WeChat cannot remove: an alert asking the operator to do it
 * by hand is queued instead, and the outcome says so); each member's decision keeps
 * them off the list for 90 days and is audited, in one transaction.
 */
export async function applyCleanupAction(
  db: Kysely<Database>,
  group: CleanupGroup,
  input: { memberIds: readonly number[]; action: CleanupAction; criteria?: CleanupCriteria },
  options: { actor: AuditActor; now: number; traitsOf: (platform: string) => PlatformTraits },
): Promise<CleanupOutcome[]> {
  const { now, actor } = options;
  const list = await groupCleanup(db, group, now, input.criteria ?? DEFAULT_CLEANUP_CRITERIA, Number.MAX_SAFE_INTEGER);
  const byId = new Map(list.entries.map((e) => [e.memberId, e]));
  const ids = [...new Set(input.memberIds)];
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new NotOnCleanupListError(missing);
  const until = now + DISMISS_DAYS * DAY_MS;
  return db.transaction().execute(async (trx) => {
    const outcomes: CleanupOutcome[] = [];
    for (const id of ids) {
      const entry = byId.get(id)!;
      let planned: string[] = [];
      let fallback: string | null = null;
      if (input.action === 'remove') {
        const queued = await queueEnforcementActions(
          trx,
          {
            workspaceId: group.workspace_id,
            keyPrefix: `cleanup:${group.id}:${id}:${now}:`,
            rule: 'cleanup',
            now,
            traitsOf: options.traitsOf,
            memberName: (m) => (m === id ? entry.displayName : undefined),
          },
          [{ group: { id: group.id, platform: group.platform }, action: { type: 'remove_member', groupId: group.id, memberId: id } }],
        );
        planned = queued.planned;
        fallback = queued.fallbacks[0] ?? null;
      }
      const decision = input.action === 'remove' ? 'removed' : 'dismissed';
      await trx
        .insertInto('cleanup_decision')
        .values({
          workspace_id: group.workspace_id,
          group_id: group.id,
          member_id: id,
          decision,
          reasons: JSON.stringify({ reasons: entry.reasons, evidence: entry.evidence }),
          planned: JSON.stringify(planned),
          fallback,
          decided_by: actor.label,
          decided_at: now,
          until,
        })
        .execute();
      await recordAudit(
        trx,
        {
          workspaceId: group.workspace_id,
          actor,
          action: `cleanup.${decision}`,
          target: { kind: 'member', id },
          groupId: group.id,
          detail: { reasons: entry.reasons, evidence: entry.evidence, planned, ...(fallback ? { fallback } : {}), until },
        },
        now,
      );
      outcomes.push({ memberId: id, displayName: entry.displayName, decision, reasons: entry.reasons, planned, fallback, until });
    }
    return outcomes;
  });
}
