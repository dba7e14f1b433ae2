import type { Kysely } from 'kysely';
import { dayIn, daysEnding } from '../core/calendar.js';
import type { Database } from '../store/schema.js';
import { top20Share } from '../analytics/group-metrics.js';
import { emptyDay, messagesOnActiveDays, weeklyActiveDays, type DayFigures } from './daily-figures.js';
import { healthFigures, scoreHealth, type HealthScore } from './health-score.js';
import { judgeLifecycle, lifecycleFigures, type LifecycleJudgement } from './lifecycle.js';
import { firstResponses, median, type HealthMessage } from './questions.js';

/** How many days of figures a judgement reads: the 28 judged and the 28 before them. */
export const HEALTH_WINDOW_DAYS = 56;

export interface GroupHealth {
  groupId: number;
  asOf: string;
  timezone: string;
  weeklyActiveDays: number;
  messagesOnActiveDays: number;
  lifecycle: LifecycleJudgement;
  health: HealthScore;
  /** The daily figures of the window, oldest first; the last is `asOf`. */
  days: DayFigures[];
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The time zone's offset from UTC at an instant, in ms. */
function offsetAt(timeZone: string, at: number): number {
  let f = offsetFormatters.get(timeZone);
  if (!f) offsetFormatters.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })));
  const name = f.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/** The instant a calendar day starts in a time zone. */
export function dayStart(timeZone: string, day: string): number {
  const utc = Date.parse(`${day}T00:00:00Z`);
  const guess = utc - offsetAt(timeZone, utc);
  return utc - offsetAt(timeZone, guess);
}

/** A group's messages between two instants, in time order, with what the question figures read. */
export async function groupMessages(db: Kysely<Database>, groupId: number, from: number, to: number): Promise<HealthMessage[]> {
  const rows = await db
    .selectFrom('event')
    .leftJoin('member', 'member.id', 'event.member_id')
    .select(['event.occurred_at', 'event.member_id', 'event.payload', 'member.is_bot'])
    .where('event.group_id', '=', groupId)
    .where('event.kind', '=', 'message')
    .where('event.occurred_at', '>=', from)
    .where('event.occurred_at', '<', to)
    .orderBy('event.occurred_at')
    .orderBy('event.id')
    .execute();
  return rows.map((r) => {
    const p = JSON.parse(r.payload) as { messageId?: string; text?: string; replyTo?: string };
    // a bot's message neither asks nor answers
    return { at: Number(r.occurred_at), memberId: Number(r.is_bot) ? null : r.member_id, messageId: p.messageId ?? '', text: Number(r.is_bot) ? '' : (p.text ?? ''), replyTo: p.replyTo ?? null };
  });
}

/**
 * A group's daily figures, life-cycle stage and health score as of a calendar day (its
 * time zone): counts from the rollups ingest keeps (group_day, member_group_day,
 * member_group_total); questions, first responses and silences from the day's messages.
 * `now` bounds the silence still open on the judged day when that day is today.
 */
export async function groupHealth(db: Kysely<Database>, group: { id: number; timezone: string }, asOf: string, now: number): Promise<GroupHealth> {
  const tz = group.timezone;
  const window = daysEnding(asOf, HEALTH_WINDOW_DAYS);
  const first = window[0]!;
  const [dayRows, memberDayRows, totals, lastDayRow] = await Promise.all([
    db.selectFrom('group_day').selectAll().where('group_id', '=', group.id).where('day', '>=', first).where('day', '<=', asOf).execute(),
    db.selectFrom('member_group_day').select(['member_id', 'day', 'messages']).where('group_id', '=', group.id).where('day', '>=', first).where('day', '<=', asOf).where('messages', '>', 0).execute(),
    db.selectFrom('member_group_total').select(['member_id', 'first_message_at']).where('group_id', '=', group.id).where('first_message_at', 'is not', null).execute(),
    db
      .selectFrom('member_group_day')
      .select((eb) => eb.fn.max('day').as('day'))
      .where('group_id', '=', group.id)
      .where('day', '<=', asOf)
      .where('messages', '>', 0)
      .executeTakeFirst(),
  ]);
  const byDay = new Map(window.map((d) => [d, emptyDay(d)]));
  for (const r of dayRows) {
    const d = byDay.get(r.day)!;
    Object.assign(d, { messages: Number(r.messages), replies: Number(r.replies), reactions: Number(r.reactions), joins: Number(r.joins), leaves: Number(r.leaves) });
  }
  for (const r of memberDayRows) byDay.get(r.day)!.speakers++;
  let firstMessageDay: string | null = null;
  const newSpeakerDay = new Map<number, string>();
  for (const r of totals) {
    const day = dayIn(tz, Number(r.first_message_at));
    newSpeakerDay.set(r.member_id, day);
    if (day <= asOf && (firstMessageDay === null || day < firstMessageDay)) firstMessageDay = day;
    const d = byDay.get(day);
    if (d) d.newSpeakers++;
  }

  const windowStart = dayStart(tz, first);
  const end = dayStart(tz, nextDay(asOf));
  const [messages, before] = await Promise.all([
    groupMessages(db, group.id, windowStart, end),
    db
      .selectFrom('event')
      .select((eb) => eb.fn.max('occurred_at').as('at'))
      .where('group_id', '=', group.id)
      .where('kind', 'in', ['message', 'command'])
      .where('occurred_at', '<', windowStart)
      .executeTakeFirst(),
  ]);
  const questions = firstResponses(messages);
  const responses = new Map<string, number[]>();
  for (const q of questions) {
    const d = byDay.get(dayIn(tz, q.askedAt));
    if (!d) continue;
    d.questions++;
    if (q.responseMinutes !== null) {
      d.answeredQuestions++;
      let list = responses.get(d.day);
      if (!list) responses.set(d.day, (list = []));
      list.push(q.responseMinutes);
    }
  }
  for (const [day, list] of responses) byDay.get(day)!.medianFirstResponseMinutes = median(list);

  let previous = before?.at === null || before?.at === undefined ? null : Number(before.at);
  const weekStart = dayStart(tz, window[window.length - 7]!);
  let longest7 = 0;
  for (const m of messages) {
    if (previous !== null) {
      const gap = m.at - previous;
      const d = byDay.get(dayIn(tz, m.at))!;
      d.longestSilenceHours = Math.max(d.longestSilenceHours, Math.round((gap / 3_600_000) * 100) / 100);
      if (m.at >= weekStart) longest7 = Math.max(longest7, m.at - Math.max(previous, weekStart));
    }
    previous = m.at;
  }
  if (previous !== null) longest7 = Math.max(longest7, Math.min(end, Math.max(now, previous)) - Math.max(previous, weekStart));

  const days = window.map((d) => byDay.get(d)!);
  const last7 = new Set(window.slice(-7));
  const last28 = new Set(window.slice(-28));
  const speakers7 = new Set<number>();
  const perMember28 = new Map<number, number>();
  for (const r of memberDayRows) {
    if (last7.has(r.day)) speakers7.add(r.member_id);
    if (last28.has(r.day)) perMember28.set(r.member_id, (perMember28.get(r.member_id) ?? 0) + Number(r.messages));
  }
  const answered28 = questions.filter((q) => q.responseMinutes !== null && last28.has(dayIn(tz, q.askedAt))).map((q) => q.responseMinutes!);
  const figures = healthFigures(days, {
    longestSilenceHours7: Math.round((Math.max(0, longest7) / 3_600_000) * 100) / 100,
    speakers7: speakers7.size,
    newSpeakers28: [...newSpeakerDay.values()].filter((d) => last28.has(d)).length,
    top20Share28: top20Share([...perMember28.values()]),
    medianFirstResponseMinutes28: median(answered28),
  });
  const lastMessageDay = (lastDayRow?.day as string | null | undefined) ?? null;
  return {
    groupId: group.id,
    asOf,
    timezone: tz,
    weeklyActiveDays: weeklyActiveDays(days),
    messagesOnActiveDays: messagesOnActiveDays(days),
    lifecycle: judgeLifecycle(lifecycleFigures(days, firstMessageDay, lastMessageDay)),
    health: scoreHealth(figures),
    days,
  };
}

export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
