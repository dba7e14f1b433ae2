import type { Transaction } from 'kysely';
import { enqueueAction } from '../outbox/enqueue-action.js';
import { type Action, checkAction } from '../core/action.js';
import type { AutomationContext } from '../core/automation-context.js';
import { ALL_CAPABILITIES } from '../core/capabilities.js';
import { planWithFallback } from '../core/capability-fallback.js';
import type { Database } from '../store/schema.js';
import { judgeMessage } from './spam-judge.js';
import { SpamModelCache } from './spam-model-store.js';

type Trx = Transaction<Database>;

/** The rule name outbox rows and the audit trail carry. */
export const SPAM_RULE = 'spam';

/** Han characters: the warning is written in Chinese for a Chinese message. */
const HAN = /\p{Script=Han}/u;

/** The public warning to the member whose message was taken down (the queue keeps the evidence). */
export function spamWarning(name: string, chinese: boolean): string {
  return chinese
    ? `@${name} 你的消息被判定为广告/垃圾信息，已删除。如有误判，管理员会复核并恢复。`
    : `@${name} your message looked like an ad or spam and was removed. If that is wrong, an operator will review it.`;
}

/**
 * The spam rule, run by ingest on each new message inside the batch's transaction
 * (it reads the workspace's model and writes the moderation queue): in a workspace
 * whose spam guard is on, a message the model judges spam — from a member who is not
 * staff (bots, the platform's own accounts) — is planned for deletion and a warning
 * to its sender through the outbox, each through the platform's capabilities (WeChat
 * cannot delete: the operator is alerted to do it by hand), and queued with its
 * evidence for an operator to approve or dismiss. A message delivered twice is
 * stored once by ingest, so it is judged and queued once.
 */
export class SpamRule {
  readonly #models = new SpamModelCache();
  readonly #guard = new Map<number, { on: boolean; readAt: number }>();

  constructor(private readonly guardMaxAgeMs = 30_000) {}

  /** Forget cached models and switches (after a training or a toggle in this process). */
  invalidate(): void {
    this.#models.invalidate();
    this.#guard.clear();
  }

  readonly onEvent = async (trx: Trx, ctx: AutomationContext, eventId: number): Promise<number> => {
    const { event, member, group, now } = ctx;
    if (event.kind !== 'message' || member.isBot || event.edited || !event.text.trim()) return 0;
    if (!(await this.#enabled(trx, group.workspaceId, now))) return 0;
    const model = await this.#models.get(trx, group.workspaceId, now);
    const verdict = judgeMessage(model, event.text);
    if (verdict.verdict !== 'spam') return 0;

    const capabilities = group.capabilities ?? ALL_CAPABILITIES;
    const names = { platform: group.platform, member: (id: number) => (id === member.id ? member.displayName : undefined) };
    const wanted: Action[] = [
      { type: 'delete_message', groupId: group.id, messageId: event.messageId },
      { type: 'send_message', groupId: group.id, text: spamWarning(member.displayName, HAN.test(event.text)), mentions: [member.id] },
    ];
    const planned = wanted.flatMap((a) => planWithFallback(a, capabilities, names));
    const queued = await trx
      .insertInto('moderation_item')
      .values({
        workspace_id: group.workspaceId,
        group_id: group.id,
        member_id: member.id,
        event_id: eventId,
        message_id: event.messageId,
        text: event.text.slice(0, 4000),
        score: verdict.score,
        reasons: JSON.stringify(verdict.reasons),
        planned: JSON.stringify(planned.map((a) => a.type)),
        status: 'pending',
        created_at: now,
      })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .executeTakeFirst();
    if (Number(queued.numInsertedOrUpdatedRows ?? 0) === 0) return 0;
    let written = 0;
    for (const [i, action] of planned.entries()) {
      const checked = checkAction(action, group.maxTextLength === undefined ? {} : { platform: group.platform, maxTextLength: group.maxTextLength });
      if (!checked.ok) continue;
      const target = { workspaceId: group.workspaceId, groupId: group.id, platform: group.platform, key: `evt:${eventId}:spam-${i}`, rule: SPAM_RULE, now };
      if (await enqueueAction(trx, target, checked.action)) written++;
    }
    return written;
  };

  async #enabled(trx: Trx, workspaceId: number, now: number): Promise<boolean> {
    const hit = this.#guard.get(workspaceId);
    if (hit && now >= hit.readAt && now - hit.readAt < this.guardMaxAgeMs) return hit.on;
    const row = await trx.selectFrom('spam_guard').select('enabled').where('workspace_id', '=', workspaceId).executeTakeFirst();
    const on = Number(row?.enabled ?? 0) === 1;
    this.#guard.set(workspaceId, { on, readAt: now });
    return on;
  }
}

/** Turns the spam rule on or off for a workspace. */
export async function setSpamGuard(db: Pick<Trx, 'insertInto'>, workspaceId: number, enabled: boolean, now: number): Promise<void> {
  await db
    .insertInto('spam_guard')
    .values({ workspace_id: workspaceId, enabled: enabled ? 1 : 0, updated_at: now })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ enabled: enabled ? 1 : 0, updated_at: now }))
    .execute();
}
