import type { Transaction } from 'kysely';
import { recordAudit } from '../../audit/audit-log.js';
import type { AutomationContext } from '../../core/automation-context.js';
import type { Database } from '../../store/schema.js';
import { MAX_OPTION, matchOption, optionKey, parseVoteMessage, type VoteMessage } from './vote-message.js';
import { closeVoteIn, InvalidVoteError, isClosed, openVoteIndex, optionsOf, planVoteMessage, postTally, startVoteIn, VoteConflictError, type VoteRow, vetoIn } from './vote-store.js';
import { replies, type VoteLanguage } from './vote-tally.js';

type Trx = Transaction<Database>;

/** How long the index of groups with an open vote is trusted before it is read again (another process may have started one). */
const INDEX_FOR_MS = 30_000;
/** The in-group roles that may start a vote by command. */
export const STARTER_ROLES = ['owner', 'administrator', 'initiator'] as const;
/** The in-group role that may veto (seed 002: the initiator's veto). */
export const VETO_ROLE = 'initiator';
const HAN = /\p{Script=Han}/u;

/**
 * The votes rule, run by ingest on each new message inside the batch's transaction:
 * an initiator's "/vote question | A | B" starts a vote, a member's "1", "投2", "/vote 2"
 * or an option's text casts (or changes) their ballot, an initiator's "/veto 12 reason"
 * vetoes one; replies and the rolling tally go to the outbox. Every other message is
 * settled by a synchronous check of its first character; a bare number or an option's
 * text reaches the database only in a group with an open vote (the index of those is
 * read at most every 30 s of wall-clock time, and at once after `invalidate()`). The event is stored once
 * before the rules run, so a ballot delivered twice counts once; the ballot is unique
 * per vote and member in the database.
 */
export class VoteRule {
  #index: Map<number, Set<string>> | null = null;
  #readAt = 0;

  /** Forget the index of open votes (a vote was started or closed in this process). */
  invalidate(): void {
    this.#index = null;
  }

  /** Read on the wall clock, not the event's: a simulated week ingested in a minute reads the index twice, not 20,000 times. */
  async #openVotes(trx: Trx): Promise<Map<number, Set<string>>> {
    const wall = Date.now();
    if (this.#index === null || wall - this.#readAt > INDEX_FOR_MS || wall < this.#readAt) {
      this.#index = await openVoteIndex(trx);
      this.#readAt = wall;
    }
    return this.#index;
  }

  readonly onEvent = async (trx: Trx, ctx: AutomationContext, eventId: number): Promise<number> => {
    const { event, member, group, now } = ctx;
    if (member.isBot) return 0;
    let text: string;
    if (event.kind === 'message') text = event.text;
    else if (event.kind === 'command' && (event.name === 'vote' || event.name === 'veto')) text = `/${event.name} ${event.args}`;
    else return 0;
    let message: VoteMessage | { kind: 'cast-text' } | null = parseVoteMessage(text);
    if (message === null || (message.kind === 'cast' && !message.explicit)) {
      // A bare number or an option's text: only in a group with an open vote.
      if (text.length > MAX_OPTION * 2) return 0;
      const keys = (await this.#openVotes(trx)).get(group.id);
      if (!keys) return 0;
      if (message === null) {
        if (!keys.has(optionKey(text))) return 0;
        message = { kind: 'cast-text' };
      }
    }
    const language: VoteLanguage = HAN.test(group.name) ? 'zh' : 'en';
    const target = { id: group.id, workspace_id: group.workspaceId, platform: group.platform };
    let replies_ = 0;
    const reply = async (say: string) =>
      (await planVoteMessage(trx, target, `evt:${eventId}:vote-${replies_++}`, { text: say, ...(event.messageId ? { replyTo: event.messageId } : {}), mentions: [member.id] }, now)) ? 1 : 0;
    const actor = { kind: 'rule' as const, id: null, label: `vote: ${member.displayName} (member ${member.id})` };
    const roles = async () => (await trx.selectFrom('group_member_role').select('role').where('group_id', '=', group.id).where('member_id', '=', member.id).execute()).map((r) => r.role);

    if (message.kind === 'start' || message.kind === 'start-invalid') {
      const held = await roles();
      if (!held.some((r) => (STARTER_ROLES as readonly string[]).includes(r))) return reply(replies.notStarter(language, member.displayName));
      if (message.kind === 'start-invalid') return reply(replies.usage(language, member.displayName));
      let id: number;
      try {
        id = await startVoteIn(
          trx,
          {
            workspaceId: group.workspaceId,
            groupId: group.id,
            question: message.question,
            options: message.options,
            deadline: now + message.durationMs,
            anonymous: message.anonymous,
            createdBy: member.displayName,
            createdByMemberId: member.id,
          },
          now,
          eventId,
        );
      } catch (error) {
        if (error instanceof InvalidVoteError) return reply(replies.usage(language, member.displayName));
        throw error;
      }
      this.invalidate();
      await recordAudit(
        trx,
        { workspaceId: group.workspaceId, actor, action: 'vote.started', target: { kind: 'vote', id }, groupId: group.id, detail: { question: message.question, options: message.options } },
        now,
      );
      return 1;
    }

    if (message.kind === 'veto') {
      const vote = await this.#voteFor(trx, group.id, message.voteId, false);
      if (!vote) return reply(replies.noVote(language, member.displayName));
      const voteLanguage: VoteLanguage = vote.language === 'zh' ? 'zh' : 'en';
      if (!(await roles()).includes(VETO_ROLE)) return reply(replies.notInitiator(voteLanguage, member.displayName));
      let written: number;
      try {
        written = await vetoIn(trx, vote, { by: member.displayName, memberId: member.id, reason: message.reason }, now, eventId);
      } catch (error) {
        if (error instanceof VoteConflictError) return reply(replies.alreadyVetoed(voteLanguage, member.displayName, vote.id));
        throw error;
      }
      this.invalidate();
      await recordAudit(
        trx,
        { workspaceId: group.workspaceId, actor, action: 'vote.vetoed', target: { kind: 'vote', id: vote.id }, groupId: group.id, detail: { reason: message.reason, memberId: member.id } },
        now,
      );
      return written;
    }

    // A ballot: by number (the group's latest open vote, or the one named) or by an option's text.
    const explicit = message.kind === 'cast' && message.explicit;
    const vote = await this.#voteFor(trx, group.id, message.kind === 'cast' ? message.voteId : null, true, message.kind === 'cast-text' ? text : undefined);
    if (!vote) {
      if (!explicit) return 0;
      // "/vote 2" after the group's latest vote closed: told so, rather than that there is none.
      const latest = await this.#voteFor(trx, group.id, null, false);
      return reply(latest ? replies.closed(latest.language === 'zh' ? 'zh' : 'en', member.displayName) : replies.noVote(language, member.displayName));
    }
    const voteLanguage: VoteLanguage = vote.language === 'zh' ? 'zh' : 'en';
    const options = optionsOf(vote);
    const option = message.kind === 'cast' ? message.option : matchOption(text, options);
    if (option === null) return 0;
    if (isClosed(vote, now)) {
      let written = 0;
      // Past its deadline and the sweep has not closed it yet: closed now, with its results.
      if (vote.closed_at === null) {
        written += await closeVoteIn(trx, vote.id, Number(vote.deadline_at), 'deadline', now, eventId);
        this.invalidate();
      }
      return written + (await reply(replies.closed(voteLanguage, member.displayName)));
    }
    if (option < 1 || option > options.length) return explicit ? reply(replies.noOption(voteLanguage, member.displayName, option, options.length)) : 0;
    let written = 0;
    const mine = await trx.selectFrom('vote_ballot').select(['id', 'option_index']).where('vote_id', '=', vote.id).where('member_id', '=', member.id).executeTakeFirst();
    let changed = false;
    if (mine) {
      if (mine.option_index === option) return 0;
      changed = true;
    } else {
      const inserted = await trx
        .insertInto('vote_ballot')
        .values({ vote_id: vote.id, member_id: member.id, option_index: option, cast_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['vote_id', 'member_id']).doNothing())
        .executeTakeFirst();
      // Another worker stored this member's first ballot a moment ago: this one changes it.
      changed = Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0;
    }
    if (changed) {
      await trx
        .updateTable('vote_ballot')
        .set((eb) => ({ option_index: option, updated_at: now, changes: eb('changes', '+', 1) }))
        .where('vote_id', '=', vote.id)
        .where('member_id', '=', member.id)
        .execute();
      written += await reply(replies.changed(voteLanguage, member.displayName, vote.anonymous === 1 ? null : options[option - 1]!));
    }
    return written + (await postTally(trx, vote.id, now, { immediate: false, eventId }));
  };

  /**
   * The vote a message is about: the one named (in this group), else the group's latest
   * open one (for a ballot; with `text`, the latest open one having that option), or
   * the group's latest of any state (for a veto).
   */
  async #voteFor(trx: Trx, groupId: number, id: number | null, open: boolean, text?: string): Promise<VoteRow | undefined> {
    let query = trx.selectFrom('vote').selectAll().where('group_id', '=', groupId);
    if (id !== null) return query.where('id', '=', id).executeTakeFirst();
    if (open) query = query.where('closed_at', 'is', null);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(text === undefined ? 1 : 20)
      .execute();
    return text === undefined ? rows[0] : rows.find((r) => matchOption(text, optionsOf(r)) !== null);
  }
}
