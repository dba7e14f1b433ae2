import type { Transaction } from 'kysely';
import type { AutomationContext } from '../../core/automation-context.js';
import { dayIn } from '../../core/calendar.js';
import type { Database } from '../../store/schema.js';
import { addPoints, earnedOf } from './points-ledger.js';
import {
  addDays,
  alreadyCheckedInReply,
  checkinMedals,
  checkinPoints,
  checkinReply,
  levelFor,
  makeupDay,
  makeupRefusal,
  makeupReply,
  meaningfulLength,
  messageCredit,
  readCheckin,
  streakEnding,
  textHash,
  type MessageDay,
  type PointsConfig,
} from './points-rules.js';
import { PointsSettingsCache } from './points-settings.js';
import { awardMedals, planPointsMessage } from './points-store.js';

type Trx = Transaction<Database>;

/** How many of a day's credited texts are remembered for the no-repeats check. */
const REMEMBERED_TEXTS = 50;

/**
 * Check-in and points, the stateful rule ingest runs on each new event inside the
 * batch's transaction (so a credit commits with its event, and a duplicate event,
 * dropped by ingest before the rules, credits nothing). A workspace without points
 * costs a map look-up per event (the settings cache); in a group with points, a
 * message that is not a short check-in word and is shorter than the minimum length
 * costs nothing more. Check-in ("签到", "打卡", "/checkin"…): one per member, group and
 * day in the group's time zone (a unique row), with its streak, points, medals and a
 * reply through the outbox in the group's language; make-up (补签) fills the latest
 * missed day within the window at a points cost. Messages and replies earn under the
 * daily cap; a join naming an inviter credits the inviter once per invitee and group.
 */
export class PointsRule {
  /** The groups' settings as this rule last read them; `forget(workspaceId)` after saving them in this process. */
  readonly settings = new PointsSettingsCache();

  readonly onEvent = async (trx: Trx, ctx: AutomationContext, eventId: number): Promise<number> => {
    const { event, member, group } = ctx;
    if (member.isBot) return 0;
    if (event.kind !== 'message' && event.kind !== 'command' && !(event.kind === 'member.joined' && event.inviter)) return 0;
    const config = (await this.settings.enabledGroups(trx, group.workspaceId)).get(group.id);
    if (!config) return 0;
    const at = Date.parse(event.occurredAt);
    if (event.kind === 'member.joined') return this.#invite(trx, ctx, config, at);
    const ask = event.kind === 'command' ? (event.name === 'checkin' ? 'checkin' : event.name === 'makeup' ? 'makeup' : null) : readCheckin(event.text, config.checkin);
    if (ask === 'checkin' && config.checkin.enabled) return this.#checkIn(trx, ctx, config, eventId, at);
    if (ask === 'makeup' && config.checkin.enabled && config.checkin.makeupDays > 0) return this.#makeUp(trx, ctx, config, eventId, at);
    if (event.kind === 'message') await this.#message(trx, ctx, config, eventId, at);
    return 0;
  };

  async #days(trx: Trx, groupId: number, memberId: number, today: string): Promise<Set<string>> {
    const rows = await trx.selectFrom('checkin').select('day').where('group_id', '=', groupId).where('member_id', '=', memberId).where('day', '>=', addDays(today, -400)).execute();
    return new Set(rows.map((r) => r.day));
  }

  /** Answers the member through the outbox, once per event. */
  async #reply(trx: Trx, ctx: AutomationContext, eventId: number, text: string): Promise<number> {
    const { event, member, group } = ctx;
    const replyTo = 'messageId' in event ? event.messageId : undefined;
    return (await planPointsMessage(trx, group, `evt:${eventId}:points`, { text, ...(replyTo ? { replyTo } : {}), mentions: [member.id] }, ctx.now)) ? 1 : 0;
  }

  /** True the first time a member is told they already checked in today (kept with the day's message figures), false after. */
  async #firstTellingToday(trx: Trx, groupId: number, memberId: number, day: string): Promise<boolean> {
    const row = await trx.selectFrom('points_message_day').select(['credited', 'hashes']).where('group_id', '=', groupId).where('member_id', '=', memberId).where('day', '=', day).executeTakeFirst();
    const state = readDay(row);
    if (state.told) return false;
    const stored = { credited: state.credited, hashes: JSON.stringify({ h: state.hashes, r: state.replies, told: true }) };
    await trx
      .insertInto('points_message_day')
      .values({ group_id: groupId, member_id: memberId, day, ...stored })
      .onConflict((oc) => oc.columns(['group_id', 'member_id', 'day']).doUpdateSet(stored))
      .execute();
    return true;
  }

  async #checkIn(trx: Trx, ctx: AutomationContext, config: PointsConfig, eventId: number, at: number): Promise<number> {
    const { member, group } = ctx;
    const today = dayIn(group.timezone, at);
    const days = await this.#days(trx, group.id, member.id, today);
    // Already checked in: told once a day, so repeating the keyword does not make the bot repeat itself.
    if (days.has(today)) {
      if (!(await this.#firstTellingToday(trx, group.id, member.id, today))) return 0;
      return this.#reply(trx, ctx, eventId, alreadyCheckedInReply(config.language, member.displayName, streakEnding(days, today)));
    }
    const firstEver = days.size === 0 && !(await trx.selectFrom('checkin').select('id').where('group_id', '=', group.id).where('member_id', '=', member.id).limit(1).executeTakeFirst());
    days.add(today);
    const streak = streakEnding(days, today);
    const points = checkinPoints(config.checkin, streak);
    const inserted = await trx
      .insertInto('checkin')
      .values({ workspace_id: group.workspaceId, group_id: group.id, member_id: member.id, day: today, streak, points, makeup: 0, at, event_key: ctx.event.dedupKey })
      .onConflict((oc) => oc.columns(['group_id', 'member_id', 'day']).doNothing())
      .executeTakeFirst();
    // Another worker checked this member in a moment ago: that check-in answers.
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return 0;
    const who = { workspaceId: group.workspaceId, groupId: group.id, memberId: member.id };
    const before = levelFor(config.levels, await earnedOf(trx, group.workspaceId, member.id, group.id));
    let balance = 0;
    if (points > 0) {
      const credit = await addPoints(trx, { ...who, points, reason: 'checkin', ref: `checkin:${group.id}:${member.id}:${today}`, at, timeZone: group.timezone });
      balance = credit.balance ?? 0;
    }
    const after = levelFor(config.levels, await earnedOf(trx, group.workspaceId, member.id, group.id));
    const medals = await awardMedals(trx, who, checkinMedals(streak, firstEver), '', at);
    const levelUp = after.level > before.level ? { level: after.level, title: after[config.language] } : null;
    return this.#reply(trx, ctx, eventId, checkinReply(config.language, { name: member.displayName, streak, points, balance, medals, levelUp }));
  }

  async #makeUp(trx: Trx, ctx: AutomationContext, config: PointsConfig, eventId: number, at: number): Promise<number> {
    const { member, group } = ctx;
    const today = dayIn(group.timezone, at);
    const days = await this.#days(trx, group.id, member.id, today);
    const target = makeupDay(days, today, config.checkin.makeupDays);
    const who = { workspaceId: group.workspaceId, groupId: group.id, memberId: member.id };
    const cost = config.checkin.makeupCost;
    if (!target) return this.#reply(trx, ctx, eventId, makeupRefusal(config.language, { name: member.displayName, reason: 'nothing', cost, balance: 0, days: config.checkin.makeupDays }));
    days.add(target);
    const inserted = await trx
      .insertInto('checkin')
      .values({
        ...{ workspace_id: who.workspaceId, group_id: who.groupId, member_id: who.memberId },
        day: target,
        streak: streakEnding(days, target),
        points: 0,
        makeup: 1,
        at,
        event_key: ctx.event.dedupKey,
      })
      .onConflict((oc) => oc.columns(['group_id', 'member_id', 'day']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return 0;
    let balance = 0;
    if (cost > 0) {
      const debit = await addPoints(trx, { ...who, points: -cost, reason: 'makeup', ref: `makeup:${group.id}:${member.id}:${target}`, at, timeZone: group.timezone, note: target });
      if (debit.status === 'insufficient') {
        await trx.deleteFrom('checkin').where('id', '=', Number(inserted.id)).execute();
        return this.#reply(trx, ctx, eventId, makeupRefusal(config.language, { name: member.displayName, reason: 'insufficient', cost, balance: debit.balance, days: config.checkin.makeupDays }));
      }
      balance = debit.balance ?? 0;
    }
    const streak = days.has(today) ? streakEnding(days, today) : streakEnding(days, addDays(today, -1));
    const medals = await awardMedals(trx, who, checkinMedals(streak, false), '', at);
    const text = makeupReply(config.language, { name: member.displayName, day: target, cost, streak, balance });
    return this.#reply(
      trx,
      ctx,
      eventId,
      medals.length ? `${text}\n${checkinReply(config.language, { name: member.displayName, streak, points: 0, balance, medals, levelUp: null }).split('\n').slice(1).join('\n')}` : text,
    );
  }

  async #message(trx: Trx, ctx: AutomationContext, config: PointsConfig, eventId: number, at: number): Promise<void> {
    const { event, member, group } = ctx;
    if (event.kind !== 'message' || event.edited) return;
    const isReply = event.replyTo !== undefined;
    if (config.message.points <= 0 && !(isReply && config.reply.points > 0)) return;
    // Too short to earn: stop before any query.
    if (meaningfulLength(event.text) < config.message.minLength) return;
    const day = dayIn(group.timezone, at);
    const row = await trx.selectFrom('points_message_day').select(['credited', 'hashes']).where('group_id', '=', group.id).where('member_id', '=', member.id).where('day', '=', day).executeTakeFirst();
    const state = readDay(row);
    const credit = messageCredit(config, state, event.text, isReply);
    if (credit.kind === 'none') return;
    await addPoints(trx, {
      workspaceId: group.workspaceId,
      groupId: group.id,
      memberId: member.id,
      points: credit.points,
      reason: credit.kind,
      ref: `evt:${eventId}:${credit.kind}`,
      at,
      timeZone: group.timezone,
    });
    const next: MessageDay = {
      credited: state.credited + (credit.kind === 'message' ? 1 : 0),
      replies: state.replies + (credit.kind === 'reply' ? 1 : 0),
      hashes: [...state.hashes, textHash(event.text)].slice(-REMEMBERED_TEXTS),
    };
    const stored = { credited: next.credited, hashes: JSON.stringify({ h: next.hashes, r: next.replies, ...(state.told ? { told: true } : {}) }) };
    await trx
      .insertInto('points_message_day')
      .values({ group_id: group.id, member_id: member.id, day, ...stored })
      .onConflict((oc) => oc.columns(['group_id', 'member_id', 'day']).doUpdateSet(stored))
      .execute();
  }

  async #invite(trx: Trx, ctx: AutomationContext, config: PointsConfig, at: number): Promise<number> {
    const { event, member, group } = ctx;
    if (event.kind !== 'member.joined' || !event.inviter || config.invite.points <= 0) return 0;
    const inviter = await trx
      .selectFrom('identity')
      .select('member_id')
      .where('workspace_id', '=', group.workspaceId)
      .where('platform', '=', event.platform)
      .where('external_id', '=', event.inviter.id)
      .executeTakeFirst();
    if (!inviter || inviter.member_id === member.id) return 0;
    await addPoints(trx, {
      workspaceId: group.workspaceId,
      groupId: group.id,
      memberId: inviter.member_id,
      points: config.invite.points,
      reason: 'invite',
      ref: `invite:${group.id}:${member.id}`,
      at,
      timeZone: group.timezone,
    });
    return 0;
  }
}

/** A member's day in a group as stored: the message figures, and whether they were told they already checked in. */
function readDay(row: { credited: number; hashes: string } | undefined): MessageDay & { told: boolean } {
  if (!row) return { credited: 0, replies: 0, hashes: [], told: false };
  try {
    const parsed = JSON.parse(row.hashes) as { h?: string[]; r?: number; told?: boolean };
    return { credited: Number(row.credited), replies: Number(parsed.r ?? 0), hashes: Array.isArray(parsed.h) ? parsed.h : [], told: parsed.told === true };
  } catch {
    return { credited: Number(row.credited), replies: 0, hashes: [], told: false };
  }
}
