import type { Transaction } from 'kysely';
import { judgeMessage } from '../antispam/spam-judge.js';
import { SpamModelCache } from '../antispam/spam-model-store.js';
import type { Action } from '../core/action.js';
import type { AutomationContext } from '../core/automation-context.js';
import { ALL_CAPABILITIES, type PlatformTraits } from '../core/capabilities.js';
import { holdsStaffRole } from '../groups/member-roles.js';
import type { Database } from '../store/schema.js';
import { needsCapabilityReason } from '../shared/rule-problem-reasons.js';
import { queueEnforcementActions, type TargetGroup } from './enforcement-outbox.js';
import { activeStrikes, groupsOfMember, isBanned, loadLadderRows } from './enforcement-store.js';
import { enforcementNotice } from './enforcement-words.js';
import { effectiveSettings, type EnforcementSettings, type StepKind, stepFor } from './ladder.js';
import { burstReached, findContactDetails, findKeywords, findLinks, repeatKey, type Violation } from './violation-detectors.js';

type Trx = Transaction<Database>;

/** The rule name outbox rows and the audit trail carry. */
export const ENFORCEMENT_RULE = 'enforcement';

const DAY_MS = 86_400_000;

/** What a message broke, and what was seen. */
export interface Finding {
  violation: Violation;
  reasons: string[];
}

/** Violations about what a message says: the message is deleted too. */
const CONTENT: ReadonlySet<Violation> = new Set(['spam', 'link', 'qr', 'contact', 'keyword']);

/**
 * Enforcement with an escalation ladder, run by ingest on each new event inside the
 * batch's transaction (it counts strikes and writes the enforcement with the outbox
 * rows, so both commit with the event or not at all). In a workspace where it is on,
 * a message from a member who is not staff (the ladder's staff list, or the group's
 * owner, administrators and official accounts) is checked by the detectors (contact
 * details, links and QR codes from new members, banned keywords, the spam verdict
 * unless the spam guard is on and the spam rule handles spam itself,
 * repeated messages, flooding); the first violation found takes the ladder's step for
 * the member's unexpired strikes: the message deleted, the member told why, and
 * warned, muted, removed or banned in every group of the workspace — each action
 * through its platform's capabilities, with the ladder's fallback where one is
 * missing, recorded with the enforcement. A banned member who joins any group of the
 * workspace again is removed again.
 */
export class EnforcementRule {
  readonly #settings = new Map<number, { rows: Awaited<ReturnType<typeof loadLadderRows>>; spamGuard: boolean; readAt: number }>();
  readonly #models = new SpamModelCache();

  constructor(
    private readonly traitsOf: (platform: string) => PlatformTraits,
    private readonly maxAgeMs = 30_000,
  ) {}

  /** Forget cached settings and models (after an operator changed them in this process). */
  invalidate(): void {
    this.#settings.clear();
    this.#models.invalidate();
  }

  readonly onEvent = async (trx: Trx, ctx: AutomationContext, eventId: number): Promise<number> => {
    const { event, member, group, now } = ctx;
    if (member.isBot) return 0;
    if (event.kind !== 'message' && event.kind !== 'member.joined') return 0;
    if (event.kind === 'message' && (event.edited || !event.text.trim())) return 0;
    const { rows, spamGuard } = await this.#rows(trx, group.workspaceId, now);
    if (!rows.workspace?.enabled && ![...rows.groups.values()].some((g) => g.enabled)) return 0;
    const settings = effectiveSettings(rows.workspace, rows.groups.get(group.id) ?? null);
    // Staff: the ladder's own list, and whoever holds an owner, administrator or official role in this
    // group (asked only once there is something to enforce: not a query per message).
    if (!settings.enabled || settings.staff.includes(member.id)) return 0;

    let finding: Finding | null;
    if (event.kind === 'member.joined') {
      finding = (await isBanned(trx, group.workspaceId, member.id)) ? { violation: 'banned_rejoin', reasons: ['workspace-ban'] } : null;
    } else {
      // With the spam guard on, the spam rule owns spam (deleted, warned once, queued for review): not a second notice here.
      if (spamGuard && judgeMessage(await this.#models.get(trx, group.workspaceId, now), event.text).verdict === 'spam') return 0;
      finding = await this.#detect(trx, ctx, eventId, spamGuard ? { ...settings, detectors: { ...settings.detectors, spam: false } } : settings);
    }
    if (!finding || (await holdsStaffRole(trx, group.id, member.id))) return 0;
    return this.#enforce(trx, ctx, eventId, settings, finding);
  };

  async #rows(trx: Trx, workspaceId: number, now: number) {
    const hit = this.#settings.get(workspaceId);
    if (hit && now >= hit.readAt && now - hit.readAt < this.maxAgeMs) return hit;
    const rows = await loadLadderRows(trx, workspaceId);
    const guard = await trx.selectFrom('spam_guard').select('enabled').where('workspace_id', '=', workspaceId).executeTakeFirst();
    const read = { rows, spamGuard: Number(guard?.enabled ?? 0) === 1, readAt: now };
    this.#settings.set(workspaceId, read);
    return read;
  }

  async #detect(trx: Trx, ctx: AutomationContext, eventId: number, settings: EnforcementSettings): Promise<Finding | null> {
    const { event, member, group } = ctx;
    if (event.kind !== 'message') return null;
    const { detectors } = settings;
    const at = Date.parse(event.occurredAt);

    if (detectors.contact) {
      const reasons = findContactDetails(event.text);
      if (reasons.length > 0) return { violation: 'contact', reasons };
    }
    if (detectors.links && !settings.allowList.includes(member.id)) {
      const found = findLinks(event.text, event.media);
      if (found.length > 0 && (detectors.links.everyone || (await this.#joinedWithin(trx, group.id, member.id, at, detectors.links.newMemberDays)))) {
        return { violation: found.includes('qr') ? 'qr' : 'link', reasons: found };
      }
    }
    const keywords = findKeywords(event.text, detectors.keywords);
    if (keywords.length > 0) return { violation: 'keyword', reasons: keywords };
    if (detectors.spam) {
      const verdict = judgeMessage(await this.#models.get(trx, group.workspaceId, ctx.now), event.text);
      if (verdict.verdict === 'spam') return { violation: 'spam', reasons: verdict.reasons };
    }
    const { repeat, flood } = detectors;
    const key = repeat ? repeatKey(event.text) : null;
    if (!flood && key === null) return null;
    const windowMs = Math.max(flood ? flood.seconds * 1000 : 0, key !== null && repeat ? repeat.minutes * 60_000 : 0);
    // Events of the batch are all stored before the rules run: only this one and those before it count.
    const recent = await trx
      .selectFrom('event')
      .select(['occurred_at', 'payload'])
      .where('group_id', '=', group.id)
      .where('kind', '=', 'message')
      .where('member_id', '=', member.id)
      .where('occurred_at', '>=', at - windowMs)
      .where('occurred_at', '<=', at)
      .where('id', '<=', eventId)
      .orderBy('id', 'desc')
      .limit(500)
      .execute();
    if (key !== null && repeat) {
      const since = at - repeat.minutes * 60_000;
      const same = recent.filter((r) => Number(r.occurred_at) >= since && repeatKey(textOf(r.payload)) === key).length;
      if (burstReached(same, repeat.times)) return { violation: 'repeat', reasons: [`${same} times in ${repeat.minutes} min`] };
    }
    if (flood) {
      const since = at - flood.seconds * 1000;
      const count = recent.filter((r) => Number(r.occurred_at) >= since).length;
      if (burstReached(count, flood.messages)) return { violation: 'flood', reasons: [`${count} messages in ${flood.seconds} s`] };
    }
    return null;
  }

  /** Whether the member's current stay in the group began less than `days` ago (a stay this batch opened: just now). */
  async #joinedWithin(trx: Trx, groupId: number, memberId: number, at: number, days: number): Promise<boolean> {
    const stay = await trx
      .selectFrom('membership')
      .select('joined_at')
      .where('group_id', '=', groupId)
      .where('member_id', '=', memberId)
      .where('left_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return stay === undefined || at - Number(stay.joined_at) < days * DAY_MS;
  }

  async #enforce(trx: Trx, ctx: AutomationContext, eventId: number, settings: EnforcementSettings, finding: Finding): Promise<number> {
    const { event, member, group, now } = ctx;
    const workspaceId = group.workspaceId;
    const rejoin = finding.violation === 'banned_rejoin';
    const strikes = rejoin ? 0 : await activeStrikes(trx, workspaceId, member.id, now);
    const { index, step } = rejoin ? { index: settings.steps.length - 1, step: { kind: 'ban' as const } } : stepFor(settings.steps, strikes);
    const here: TargetGroup = { id: group.id, platform: group.platform };
    const capabilities = group.capabilities ?? ALL_CAPABILITIES;
    const messageId = event.kind === 'message' ? event.messageId : null;

    // The ladder's own fallback for a mute the platform cannot do; otherwise core's (an alert to do it by
    // hand; a ban becomes a removal and an alert, and a rejoin is removed again).
    let kind: StepKind = step.kind;
    const ladderFallbacks: string[] = [];
    if (step.kind === 'mute' && !capabilities.has('mute') && (step.fallback === 'warn' || step.fallback === 'remove')) {
      kind = step.fallback === 'remove' && capabilities.has('remove') ? 'remove' : 'warn';
      ladderFallbacks.push(
        kind === 'remove'
          ? needsCapabilityReason('mute_member', ['mute'], group.platform, 'removed')
          : `mute_member needs mute, which ${group.platform} cannot do: warned only (the ladder's fallback)`,
      );
    }

    const items: { group: TargetGroup; action: Action }[] = [];
    if (messageId !== null && CONTENT.has(finding.violation)) items.push({ group: here, action: { type: 'delete_message', groupId: group.id, messageId } });
    const text = enforcementNotice({
      name: member.displayName,
      violation: finding.violation,
      kind,
      ...(step.seconds !== undefined ? { seconds: step.seconds } : {}),
      strike: strikes + 1,
      strikeDays: settings.strikeDays,
      language: settings.language,
    });
    items.push({ group: here, action: { type: 'send_message', groupId: group.id, text, mentions: [member.id] } });
    let groups: TargetGroup[] = [here];
    if (kind === 'mute') items.push({ group: here, action: { type: 'mute_member', groupId: group.id, memberId: member.id, ...(step.seconds !== undefined ? { seconds: step.seconds } : {}) } });
    else if (kind === 'remove') items.push({ group: here, action: { type: 'remove_member', groupId: group.id, memberId: member.id } });
    else if (kind === 'ban') {
      // Ban everywhere: every group of the workspace the member (one person across platforms, by linked identity) is in.
      groups = rejoin ? [here] : [here, ...(await groupsOfMember(trx, workspaceId, member.id)).filter((g) => g.id !== group.id)];
      for (const g of groups) items.push({ group: g, action: { type: 'ban_member', groupId: g.id, memberId: member.id } });
    }

    const queued = await queueEnforcementActions(
      trx,
      { workspaceId, keyPrefix: `evt:${eventId}:enf-`, rule: ENFORCEMENT_RULE, now, traitsOf: this.traitsOf, memberName: (id) => (id === member.id ? member.displayName : undefined) },
      items,
    );
    const fallbacks = [...ladderFallbacks, ...queued.fallbacks];
    await trx
      .insertInto('enforcement')
      .values({
        workspace_id: workspaceId,
        group_id: group.id,
        member_id: member.id,
        event_id: eventId,
        violation: finding.violation,
        reasons: JSON.stringify(finding.reasons.slice(0, 20)),
        step: index,
        step_kind: step.kind,
        step_seconds: step.seconds ?? null,
        strike: rejoin ? 0 : 1,
        text: event.kind === 'message' ? event.text.slice(0, 4000) : '',
        message_id: messageId,
        planned: JSON.stringify(queued.planned),
        fallback: fallbacks.length > 0 ? fallbacks.join('; ') : null,
        group_ids: JSON.stringify(groups.map((g) => g.id)),
        status: 'active',
        created_at: now,
        expires_at: now + settings.strikeDays * DAY_MS,
      })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
    return queued.written;
  }
}

function textOf(payload: string): string {
  try {
    const text = (JSON.parse(payload) as { text?: unknown }).text;
    return typeof text === 'string' ? text : '';
  } catch {
    return '';
  }
}
